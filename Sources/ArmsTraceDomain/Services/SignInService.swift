public import Foundation
import Synchronization

/// Web sign-in: a login name and password (bcrypt), a TOTP code for users with a second factor, attempts limited per
/// account and per address, and sessions that expire.
public struct SignInService: Sendable {
    /// The limits on sign-in.
    public struct Policy: Sendable {
        /// Failed attempts for one login within ``window`` before it is refused until the window moves on.
        public var failuresPerLogin = 5
        /// Failed attempts from one address within ``window``, whatever the login.
        public var failuresPerAddress = 20
        public var window: TimeInterval = 15 * 60
        /// A session's lifetime from sign-in.
        public var sessionLifetime: TimeInterval = 8 * 3600

        public init() {}
    }

    public let repositories: Repositories
    public let credentials: any CredentialCheck
    public let policy: Policy
    public let now: @Sendable () -> Date
    /// A hash to check unknown logins against, so that they take as long as known ones; made on first need.
    private let decoy = Decoy()

    private final class Decoy: Sendable {
        let hash = Mutex<String?>(nil)
    }

    public init(
        repositories: Repositories,
        credentials: any CredentialCheck,
        policy: Policy = Policy(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.repositories = repositories
        self.credentials = credentials
        self.policy = policy
        self.now = now
    }

    /// Signs a user in.
    /// - Parameters:
    ///   - address: the client's address, for the per-address limit.
    /// - Returns: the session and its secret (for the cookie).
    /// - Throws: `.limitReached` when the login or the address has failed too often lately (checked first, so a
    ///   locked account reveals nothing about its password); `.unauthenticated` for a wrong login, password or
    ///   code, alike.
    public func signIn(login: String, password: String, code: String?, address: String) async throws -> (session: WebSession, secret: String) {
        let at = now()
        let login = login.trimmed.lowercased()
        let failures = try await repositories.signIn.failedAttempts(login: login, address: address, since: at.addingTimeInterval(-policy.window))
        if failures.login >= policy.failuresPerLogin || failures.address >= policy.failuresPerAddress {
            let until = at.addingTimeInterval(policy.window).minuteText
            throw DomainError.limitReached("too many failed sign-ins lately; try again after \(until)", retryAfter: Int(policy.window))
        }
        let stored = try await repositories.signIn.credentials(login: login)
        let passwordOK: Bool
        if let stored {
            passwordOK = credentials.verifyPassword(password, hash: stored.passwordHash)
        } else {
            _ = credentials.verifyPassword(password, hash: try decoyHash())
            passwordOK = false
        }
        var succeeded = passwordOK
        if passwordOK, let secret = stored?.totpSecret {
            succeeded = code.map { credentials.verifyTOTP($0.trimmed, secret: secret, at: at) } ?? false
        }
        try await repositories.signIn.recordAttempt(login: login, address: address, user: stored?.user, succeeded: succeeded, at: at)
        guard succeeded, let user = stored?.user else { throw DomainError.unauthenticated }
        let csrf = Self.newToken()
        let expiresAt = at.addingTimeInterval(policy.sessionLifetime)
        let secret = try await repositories.signIn.startSession(for: user, csrfToken: csrf, address: address, at: at, expiresAt: expiresAt)
        return (WebSession(user: user, csrfToken: csrf, expiresAt: expiresAt), secret)
    }

    /// The live session of a cookie's secret.
    /// - Throws: `.unauthenticated` for none, an expired or an ended one.
    public func session(secret: String) async throws -> WebSession {
        guard let session = try await repositories.signIn.session(secret: secret, at: now()) else { throw DomainError.unauthenticated }
        return session
    }

    /// Ends a session; the form must carry the session's CSRF token.
    /// - Throws: `.forbidden` when the token does not match.
    public func signOut(secret: String, csrfToken: String) async throws {
        let session = try await session(secret: secret)
        guard Self.same(session.csrfToken, csrfToken) else { throw DomainError.forbidden("the form's token does not match the session") }
        try await repositories.signIn.endSession(secret: secret, at: now())
    }

    /// Sets a user's login and password, and optionally a new TOTP second factor, as the operator at the command
    /// line.
    /// - Returns: the TOTP secret when one was made.
    /// - Throws: `.invalid` for a login that is not 3 to 100 letters, digits, dots, dashes, underscores or @, or a
    ///   password shorter than 12 characters.
    public func setCredentials(of user: User.ID, login: String, password: String, secondFactor: Bool) async throws -> Data? {
        var problems: [FieldError] = []
        let login = login.trimmed.lowercased()
        if !(3...100).contains(login.count) || !login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_@".contains($0)) }) {
            problems.append(FieldError(field: "login", message: "must be 3 to 100 letters, digits, dots, dashes, underscores or @"))
        }
        if password.count < 12 {
            problems.append(FieldError(field: "password", message: "must be at least 12 characters"))
        }
        guard problems.isEmpty else { throw DomainError.invalid(problems) }
        let secret = secondFactor ? credentials.newTOTPSecret() : nil
        try await repositories.signIn.setCredentials(of: user, login: login, passwordHash: try credentials.hashPassword(password), totpSecret: secret)
        return secret
    }

    private func decoyHash() throws -> String {
        if let hash = decoy.hash.withLock({ $0 }) { return hash }
        let hash = try credentials.hashPassword("decoy password for unknown logins")
        decoy.hash.withLock { $0 = hash }
        return hash
    }

    /// 32 random bytes in hex: CSRF tokens.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// Constant-time comparison of two tokens.
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        return x.count == y.count && zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
