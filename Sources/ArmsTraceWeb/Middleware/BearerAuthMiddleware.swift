import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Authenticates `Authorization: Bearer <token>` against the stored token hashes and puts the user in the context.
///
/// A request without the header passes through unauthenticated (routes that need a user refuse it); a request with
/// a token that is unknown, expired or revoked is refused at once with 401.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let users: any UserRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw DomainError.unauthenticated }
        let user = try await users.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces), at: Date())
        var context = context
        context.user = user
        context.logger[metadataKey: "armstrace.member"] = .string(user.member.rawValue)
        context.logger[metadataKey: "armstrace.user"] = .string(user.id.description)
        return try await next(request, context)
    }
}
