public import Foundation

/// A bearer token as listed: everything but the secret, which is never stored.
public struct APIToken: Sendable, Equatable, Encodable {
    public var id: String
    public var userID: User.ID
    public var name: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(id: String, userID: User.ID, name: String, createdAt: Date, expiresAt: Date?, revokedAt: Date?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, createdAt, expiresAt, revokedAt
        case userID = "userId"
    }
}

/// A bearer token as issued: the secret is shown once and stored only as a hash.
public struct IssuedToken: Sendable, Equatable {
    /// The secret to give the user; never stored.
    public var secret: String
    public var userID: User.ID
    public var name: String
    public var expiresAt: Date?

    public init(secret: String, userID: User.ID, name: String, expiresAt: Date?) {
        self.secret = secret
        self.userID = userID
        self.name = name
        self.expiresAt = expiresAt
    }
}

/// Stores users and their API tokens.
public protocol UserRepository: Sendable {
    /// Adds a user.
    /// - Parameter actor: the member's admin adding it, for the audit trail; `nil` for the operator.
    /// - Throws: `DomainError.notFound` when the user's member does not exist.
    func create(_ user: User, by actor: Actor?) async throws

    /// Revokes every live token of a user at once (a user who leaves).
    /// - Returns: how many were revoked.
    func revokeAllTokens(of user: User.ID, by actor: Actor, at now: Date) async throws -> Int

    /// The user with this ID.
    /// - Throws: `DomainError.notFound`.
    func get(_ id: User.ID) async throws -> User

    /// A member's users, oldest first.
    func list(member: MemberCode) async throws -> [User]

    /// Issues a new random bearer token for a user and stores its hash.
    /// - Parameters:
    ///   - name: what the token is for, shown in token lists.
    ///   - expiresAt: when the token stops working; `nil` for never.
    /// - Returns: the token, whose secret is never shown again.
    /// - Parameter actor: who issues it, for the audit trail; `nil` for the operator at the command line.
    func issueToken(for user: User.ID, name: String, expiresAt: Date?, by actor: Actor?) async throws -> IssuedToken

    /// A user's tokens, newest first, without their secrets.
    func tokens(of user: User.ID) async throws -> [APIToken]

    /// Revokes one of `user`'s tokens; it stops working at once.
    /// - Throws: `DomainError.notFound` for a token that is not the user's; `.conflict` for one already revoked.
    func revokeToken(_ id: String, of user: User.ID, by actor: Actor, at now: Date) async throws

    /// The user a bearer token belongs to.
    /// - Throws: `DomainError.unauthenticated` for an unknown, expired or revoked token.
    func authenticate(token: String, at now: Date) async throws -> User
}

extension UserRepository {
    /// Adds a user as the operator at the command line.
    public func create(_ user: User) async throws {
        try await create(user, by: nil)
    }

    /// Issues a token as the operator at the command line.
    public func issueToken(for user: User.ID, name: String, expiresAt: Date?) async throws -> IssuedToken {
        try await issueToken(for: user, name: name, expiresAt: expiresAt, by: nil)
    }
}
