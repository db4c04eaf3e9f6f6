public import Foundation

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
    /// - Throws: `DomainError.notFound` when the user's member does not exist.
    func create(_ user: User) async throws

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
    func issueToken(for user: User.ID, name: String, expiresAt: Date?) async throws -> IssuedToken

    /// The user a bearer token belongs to.
    /// - Throws: `DomainError.unauthenticated` for an unknown, expired or revoked token.
    func authenticate(token: String, at now: Date) async throws -> User
}
