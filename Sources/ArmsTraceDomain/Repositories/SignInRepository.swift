public import Foundation

/// A user's sign-in credentials as stored.
public struct StoredCredentials: Sendable {
    public var user: User
    public var passwordHash: String
    /// The TOTP secret when the user has a second factor.
    public var totpSecret: Data?

    public init(user: User, passwordHash: String, totpSecret: Data?) {
        self.user = user
        self.passwordHash = passwordHash
        self.totpSecret = totpSecret
    }
}

/// A signed-in browser session.
public struct WebSession: Sendable, Equatable {
    public var user: User
    /// The token every form of the session must carry back.
    public var csrfToken: String
    public var expiresAt: Date

    public init(user: User, csrfToken: String, expiresAt: Date) {
        self.user = user
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// Stores sign-in credentials, attempts and browser sessions. Session secrets, like API tokens, are stored only as
/// hashes.
public protocol SignInRepository: Sendable {
    /// Sets a user's login name and password hash, and its TOTP secret (`nil`: no second factor).
    /// - Throws: `.notFound` for an unknown user; `.conflict` for a login another user has.
    func setCredentials(of user: User.ID, login: String, passwordHash: String, totpSecret: Data?) async throws

    /// The credentials for a login name, if any user has it.
    func credentials(login: String) async throws -> StoredCredentials?

    /// Records a sign-in attempt, and audits it.
    func recordAttempt(login: String, address: String, user: User?, succeeded: Bool, at now: Date) async throws

    /// How many failed attempts there were since `since`, for the login and for the address.
    func failedAttempts(login: String, address: String, since: Date) async throws -> (login: Int, address: Int)

    /// Starts a session for `user`.
    /// - Returns: the session's secret, for the cookie; never stored.
    func startSession(for user: User, csrfToken: String, address: String, at now: Date, expiresAt: Date) async throws -> String

    /// The live session a secret belongs to, if any: not ended and not expired at `now`.
    func session(secret: String, at now: Date) async throws -> WebSession?

    /// Ends a session at once.
    func endSession(secret: String, at now: Date) async throws
}
