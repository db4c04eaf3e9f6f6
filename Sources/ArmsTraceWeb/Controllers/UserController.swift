import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/users`: the member's users, for its admins.
struct UserController {
    let service: UserService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("users", use: list)
        api.post("users", use: add)
        api.post("users/:id/revoke-tokens", use: revokeTokens)
    }

    struct Users: ResponseEncodable {
        var users: [User]
    }

    struct AddInput: Decodable {
        var name: String
        var role: String
    }

    /// The new user and its first token, shown only in this answer.
    struct Added: ResponseEncodable {
        var user: User
        var token: String
        var expiresAt: Date?
    }

    struct Revoked: ResponseEncodable {
        var revoked: Int
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Users {
        Users(users: try await service.list(by: context.actor))
    }

    @Sendable func add(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: AddInput.self, context: context)
        let (user, token) = try await service.add(name: input.name, role: input.role, by: context.actor)
        var response = try context.responseEncoder.encode(
            Added(user: user, token: token.secret, expiresAt: token.expiresAt),
            from: request,
            context: context
        )
        response.status = .created
        return response
    }

    @Sendable func revokeTokens(_ request: Request, context: AuthenticatedContext) async throws -> Revoked {
        let text = context.parameters.get("id") ?? ""
        guard let id = User.ID(text) else { throw APIError.badParameter("id", "'\(text)' is not a user ID") }
        return Revoked(revoked: try await service.revokeTokens(of: id, by: context.actor))
    }
}
