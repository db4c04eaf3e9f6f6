import ArmsTraceDomain
import Hummingbird

/// `/api/v1/marking-schemes`, `/api/v1/markings/parse`, `/api/v1/reference/identify`: the shared reference data,
/// for any signed-in role.
struct ReferenceController {
    let service: ReferenceService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("marking-schemes", use: schemes)
        api.post("markings/parse", use: parse)
        api.get("reference/identify", use: identify)
    }

    struct Schemes: ResponseEncodable {
        var schemes: [MarkingScheme]
    }

    @Sendable func schemes(_ request: Request, context: AuthenticatedContext) async throws -> Schemes {
        let query = request.uri.queryParameters
        return Schemes(schemes: try service.schemes(kind: query.get("kind").nonEmpty, member: query.get("country").nonEmpty))
    }

    struct ParseInput: Decodable {
        var mark: String
        var kind: String?
        var country: String?
    }

    struct Fits: ResponseEncodable {
        var mark: String
        var fits: [MarkingParse]
    }

    @Sendable func parse(_ request: Request, context: AuthenticatedContext) async throws -> Fits {
        let input = try await request.decodeJSON(as: ParseInput.self, context: context)
        return Fits(mark: input.mark, fits: try service.parse(input.mark, kind: input.kind, member: input.country))
    }

    struct Identified: ResponseEncodable {
        var identification: Identification
    }

    @Sendable func identify(_ request: Request, context: AuthenticatedContext) async throws -> Identified {
        let query = request.uri.queryParameters
        guard let make = query.get("make").nonEmpty else { throw APIError.badParameter("make", "is required") }
        return Identified(identification: service.identify(make: make, model: query.get("model").nonEmpty, calibre: query.get("calibre").nonEmpty))
    }
}

extension Optional where Wrapped == String {
    /// The text, or `nil` when absent or empty.
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}
