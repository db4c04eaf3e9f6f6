import ArmsTraceDomain
import Foundation
import Hummingbird

/// `/api/v1/national-report`: the member's PoA/ITI report draft as JSON, and its answers.
struct NationalReportController {
    let service: NationalReportService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("national-report", use: draft)
        api.put("national-report/answers", use: answer)
    }

    /// The answers' body: the period, an answer (`yes`, `no`, `developing`) and a comment by question id.
    struct AnswersInput: Decodable {
        var from: Int
        var to: Int
        var answers: [String: String]?
        var comments: [String: String]?
    }

    @Sendable func draft(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<NationalReport> {
        let (from, to) = try Self.period(request)
        return JSONBody(try await service.draft(from: from, to: to, by: context.actor))
    }

    @Sendable func answer(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<NationalReport> {
        let input = try await request.decodeJSON(as: AnswersInput.self, context: context)
        _ = try await service.answer(
            from: input.from,
            to: input.to,
            answers: input.answers ?? [:],
            comments: input.comments ?? [:],
            by: context.actor
        )
        return JSONBody(try await service.draft(from: input.from, to: input.to, by: context.actor))
    }

    /// The `from` and `to` years asked for, by default the two years ending with this one.
    static func period(_ request: Request) throws -> (Int, Int) {
        let period = NationalReportService.defaultPeriod()
        let query = request.uri.queryParameters
        return (try query.get("from").year("from") ?? period.from, try query.get("to").year("to") ?? period.to)
    }
}
