public import Foundation

/// A user's own API tokens: listed without their secrets, issued with a name and an expiry, revoked at once.
public struct TokenService: Sendable {
    public let repositories: Repositories
    public let now: @Sendable () -> Date

    /// The longest a token issued through the API lives.
    public static let maximumDays = 365

    public init(repositories: Repositories, now: @escaping @Sendable () -> Date = { Date() }) {
        self.repositories = repositories
        self.now = now
    }

    /// The actor's tokens, newest first.
    public func list(by actor: Actor) async throws -> [APIToken] {
        try await repositories.users.tokens(of: try user(actor))
    }

    /// Issues a token for the actor, shown once.
    /// - Throws: `.invalid` for a name that is empty or longer than 100 characters, or a lifetime out of range.
    public func issue(name: String, expiresInDays days: Int, by actor: Actor) async throws -> IssuedToken {
        let user = try user(actor)
        var problems: [FieldError] = []
        let trimmed = name.trimmed
        if trimmed.isEmpty || trimmed.count > 100 {
            problems.append(FieldError(field: "name", message: "must be 1 to 100 characters: what the token is for"))
        }
        if !(1...Self.maximumDays).contains(days) {
            problems.append(FieldError(field: "expires_in_days", message: "must be from 1 to \(Self.maximumDays), got \(days)"))
        }
        guard problems.isEmpty else { throw DomainError.invalid(problems) }
        let expiresAt = now().addingTimeInterval(TimeInterval(days) * 86_400)
        return try await repositories.users.issueToken(for: user, name: trimmed, expiresAt: expiresAt, by: actor)
    }

    /// Revokes one of the actor's tokens.
    public func revoke(_ id: String, by actor: Actor) async throws {
        try await repositories.users.revokeToken(id, of: try user(actor), by: actor, at: now())
    }

    private func user(_ actor: Actor) throws -> User.ID {
        guard let user = actor.userID else {
            throw DomainError.forbidden("tokens belong to users; the command line issues them with `armstrace user add`")
        }
        return user
    }
}
