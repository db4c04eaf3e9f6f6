public import Foundation

/// A member's admin manages the member's users: lists them, adds them with a first token, and revokes all of a
/// user's tokens at once (when someone leaves). Members themselves are the system operator's, at the command line.
public struct UserService: Sendable {
    public let repositories: Repositories
    public let now: @Sendable () -> Date

    /// How long the first token of a user an admin adds lives.
    public static let firstTokenDays = 30

    public init(repositories: Repositories, now: @escaping @Sendable () -> Date = { Date() }) {
        self.repositories = repositories
        self.now = now
    }

    /// The actor's member's users, oldest first.
    public func list(by actor: Actor) async throws -> [User] {
        try actor.require(.manageMember)
        return try await repositories.users.list(member: actor.member)
    }

    /// Adds a user to the actor's member, with a first token (30 days) shown once.
    /// - Throws: `.forbidden` for any role but admin; `.invalid` for a name that is empty or too long or a role
    ///   that does not exist.
    public func add(name: String, role: String, by actor: Actor) async throws -> (User, IssuedToken) {
        try actor.require(.manageMember)
        var problems: [FieldError] = []
        let trimmed = name.trimmed
        if trimmed.isEmpty || trimmed.count > 200 { problems.append(FieldError(field: "name", message: "must be 1 to 200 characters")) }
        let parsedRole = User.Role(rawValue: role)
        if parsedRole == nil {
            problems.append(FieldError(field: "role", message: "must be one of: " + User.Role.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        guard problems.isEmpty, let parsedRole else { throw DomainError.invalid(problems) }
        let at = now()
        let user = User(id: .generate(at: at), member: actor.member, name: trimmed, role: parsedRole, createdAt: at)
        try await repositories.users.create(user, by: actor)
        let token = try await repositories.users.issueToken(
            for: user.id,
            name: "first token",
            expiresAt: at.addingTimeInterval(TimeInterval(Self.firstTokenDays) * 86_400),
            by: actor
        )
        return (user, token)
    }

    /// Revokes every token of one of the actor's member's users.
    /// - Returns: how many were revoked.
    /// - Throws: `.notFound` for a user of another member.
    public func revokeTokens(of id: User.ID, by actor: Actor) async throws -> Int {
        try actor.require(.manageMember)
        let user = try await repositories.users.get(id)
        guard user.member == actor.member else { throw DomainError.notFound(entity: "user", id: id.description) }
        return try await repositories.users.revokeAllTokens(of: id, by: actor, at: now())
    }
}
