import ArmsTraceDomain
import Foundation
import Hummingbird

/// `/api/v1/legal-assistance`: mutual legal assistance requests between members' central authorities (PoA III 13).
struct LegalAssistanceController {
    let service: LegalAssistanceService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("legal-assistance", use: list)
        api.post("legal-assistance", use: send)
        api.get("legal-assistance/:id", use: get)
        api.post("legal-assistance/:id/steps", use: step)
    }

    struct Requests: ResponseEncodable {
        var requests: [LegalAssistanceRequest]
    }

    /// A step's body: the action, the answer or grounds, the conditions set on what is provided.
    struct StepInput: Decodable {
        var action: String
        var text: String?
        var conditions: String?
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Requests {
        Requests(requests: try await service.requests(by: context.actor))
    }

    @Sendable func send(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let sent = try await service.send(try await request.decodeJSON(as: LegalAssistanceInput.self, context: context), by: context.actor)
        return try created(sent, at: "/api/v1/legal-assistance/\(sent.id)", request, context)
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<LegalAssistanceRequest> {
        JSONBody(try await service.request(try LegalAssistanceRequest.ID.route(context, "legal assistance request"), by: context.actor))
    }

    @Sendable func step(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<LegalAssistanceRequest> {
        let id = try LegalAssistanceRequest.ID.route(context, "legal assistance request")
        let input = try await request.decodeJSON(as: StepInput.self, context: context)
        guard let action = LegalAssistanceRequest.Action(rawValue: input.action) else {
            throw DomainError.invalid(
                field: "action",
                "one of: " + LegalAssistanceRequest.Action.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return JSONBody(try await service.act(action, on: id, text: input.text, conditions: input.conditions, by: context.actor))
    }
}
