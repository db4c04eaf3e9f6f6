import ArmsTraceDomain
import Foundation
import Hummingbird

/// `/api/v1/assistance`: needs and offers of assistance (PoA III 6), the offers proposed for a need, and the need's
/// lifecycle.
struct AssistanceController {
    let service: AssistanceService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("assistance/needs", use: needs)
        api.post("assistance/needs", use: postNeed)
        api.get("assistance/needs/:id", use: need)
        api.post("assistance/needs/:id/steps", use: step)
        api.get("assistance/offers", use: offers)
        api.post("assistance/offers", use: postOffer)
        api.post("assistance/offers/:id/close", use: close)
    }

    struct Needs: ResponseEncodable {
        var needs: [AssistanceNeed]
    }

    struct Offers: ResponseEncodable {
        var offers: [AssistanceOffer]
    }

    /// A step's body: the status to move to, the offer accepted (for `matched`), a note (the outcome, for `completed`).
    struct StepInput: Decodable {
        var status: String
        var offer: String?
        var note: String?
    }

    @Sendable func needs(_ request: Request, context: AuthenticatedContext) async throws -> Needs {
        let status = try request.uri.queryParameters.get("status").nonEmpty.map { text in
            guard let status = AssistanceNeed.Status(rawValue: text) else {
                throw APIError.badParameter("status", "one of: " + AssistanceNeed.Status.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return status
        }
        return Needs(needs: try await service.needs(status: status, by: context.actor))
    }

    @Sendable func postNeed(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let need = try await service.post(try await request.decodeJSON(as: AssistanceNeedInput.self, context: context), by: context.actor)
        return try created(need, at: "/api/v1/assistance/needs/\(need.id)", request, context)
    }

    @Sendable func need(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<AssistanceService.NeedView> {
        JSONBody(try await service.need(try AssistanceNeed.ID.route(context, "need"), by: context.actor))
    }

    @Sendable func step(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<AssistanceNeed> {
        let id = try AssistanceNeed.ID.route(context, "need")
        let input = try await request.decodeJSON(as: StepInput.self, context: context)
        guard let status = AssistanceNeed.Status(rawValue: input.status) else {
            throw DomainError.invalid(field: "status", "one of: " + AssistanceNeed.Status.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let offer = try input.offer.nonEmpty.map { text in
            guard let id = AssistanceOffer.ID(text) else { throw DomainError.invalid(field: "offer", "'\(text)' is not an offer's id") }
            return id
        }
        return JSONBody(try await service.step(id, to: status, offer: offer, note: input.note, by: context.actor))
    }

    @Sendable func offers(_ request: Request, context: AuthenticatedContext) async throws -> Offers {
        let open = try request.uri.queryParameters.get("open").present("open").map { text in
            guard let open = Bool(text) else { throw APIError.badParameter("open", "true or false, got '\(text)'") }
            return open
        }
        return Offers(offers: try await service.offers(openOnly: open ?? false, by: context.actor))
    }

    @Sendable func postOffer(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let offer = try await service.post(try await request.decodeJSON(as: AssistanceOfferInput.self, context: context), by: context.actor)
        return try created(offer, at: "/api/v1/assistance/offers", request, context)
    }

    @Sendable func close(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<AssistanceOffer> {
        JSONBody(try await service.close(try AssistanceOffer.ID.route(context, "offer"), by: context.actor))
    }
}
