import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/tokens`: the caller's own API tokens.
struct TokenController {
    let service: TokenService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("tokens", use: list)
        api.post("tokens", use: issue)
        api.delete("tokens/:id", use: revoke)
    }

    struct Tokens: ResponseEncodable {
        var tokens: [APIToken]
    }

    struct IssueInput: Decodable {
        var name: String
        var expiresInDays: Int?
    }

    /// The new token: its secret, shown only in this answer.
    struct Issued: ResponseEncodable {
        var token: String
        var name: String
        var expiresAt: Date?
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Tokens {
        Tokens(tokens: try await service.list(by: context.actor))
    }

    @Sendable func issue(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: IssueInput.self, context: context)
        let issued = try await service.issue(name: input.name, expiresInDays: input.expiresInDays ?? 90, by: context.actor)
        var response = try context.responseEncoder.encode(
            Issued(token: issued.secret, name: issued.name, expiresAt: issued.expiresAt),
            from: request,
            context: context
        )
        response.status = .created
        return response
    }

    @Sendable func revoke(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await service.revoke(context.parameters.get("id") ?? "", by: context.actor)
        return Response(status: .noContent)
    }
}
