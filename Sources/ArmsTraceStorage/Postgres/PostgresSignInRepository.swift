import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``SignInRepository`` on PostgreSQL.
struct PostgresSignInRepository: SignInRepository {
    let database: PostgresDatabase

    func setCredentials(of user: User.ID, login: String, passwordHash: String, totpSecret: Data?) async throws {
        try await database.write(conflict: "another user signs in as \(login)") { connection in
            let rows = try await connection.rows(
                """
                UPDATE app_user SET login = \(login), password_hash = \(passwordHash), totp_secret = \(totpSecret)
                WHERE id = \(user.uuid) RETURNING member_code
                """,
                database.logger
            )
            guard let row = rows.first else { throw DomainError.notFound(entity: "user", id: user.description) }
            try await database.audit(
                connection,
                AuditEvent.credentialsSet(of: user, member: try row.optionalMember("member_code"), secondFactor: totpSecret != nil)
            )
        }
    }

    func credentials(login: String) async throws -> StoredCredentials? {
        let rows = try await database.read { connection in
            try await connection.rows("SELECT * FROM app_user WHERE login = \(login) AND password_hash IS NOT NULL", database.logger)
        }
        guard let row = rows.first else { return nil }
        return StoredCredentials(
            user: try PostgresUserRepository.user(row),
            passwordHash: try row.text("password_hash"),
            totpSecret: try row.optionalData("totp_secret")
        )
    }

    func recordAttempt(login: String, address: String, user: User?, succeeded: Bool, at now: Date) async throws {
        try await database.write { connection in
            try await connection.rows(
                "INSERT INTO sign_in_attempt (login, address, at, succeeded) VALUES (\(login), \(address), \(now.stored), \(succeeded))",
                database.logger
            )
            try await database.audit(
                connection,
                AuditEvent.signInAttempt(login: login, address: address, user: user, succeeded: succeeded, at: now)
            )
        }
    }

    func failedAttempts(login: String, address: String, since: Date) async throws -> (login: Int, address: Int) {
        let row = try await database.read { connection in
            try await connection.rows(
                """
                SELECT (SELECT count(*) FROM sign_in_attempt WHERE login = \(login) AND at >= \(since) AND NOT succeeded) AS by_login,
                    (SELECT count(*) FROM sign_in_attempt WHERE address = \(address) AND at >= \(since) AND NOT succeeded) AS by_address
                """,
                database.logger
            ).first
        }
        return (try row?.int("by_login") ?? 0, try row?.int("by_address") ?? 0)
    }

    func startSession(for user: User, csrfToken: String, address: String, at now: Date, expiresAt: Date) async throws -> String {
        let secret = TokenSecrets.generate(prefix: "ws_")
        try await database.write { connection in
            try await connection.rows(
                """
                INSERT INTO web_session (token_hash, user_id, csrf_token, address, created_at, expires_at)
                VALUES (\(TokenSecrets.hash(secret)), \(user.id.uuid), \(csrfToken), \(address), \(now.stored), \(expiresAt.stored))
                """,
                database.logger
            )
        }
        return secret
    }

    func session(secret: String, at now: Date) async throws -> WebSession? {
        guard secret.hasPrefix("ws_"), secret.utf8.count < 100 else { return nil }
        let rows = try await database.read { connection in
            try await connection.rows(
                """
                SELECT u.*, s.csrf_token, s.expires_at AS session_expires_at FROM web_session s JOIN app_user u ON u.id = s.user_id
                WHERE s.token_hash = \(TokenSecrets.hash(secret)) AND s.ended_at IS NULL AND s.expires_at > \(now)
                """,
                database.logger
            )
        }
        guard let row = rows.first else { return nil }
        return WebSession(
            user: try PostgresUserRepository.user(row),
            csrfToken: try row.text("csrf_token"),
            expiresAt: try row.date("session_expires_at")
        )
    }

    func endSession(secret: String, at now: Date) async throws {
        try await database.write { connection in
            let logger = database.logger
            let rows = try await connection.rows(
                """
                UPDATE web_session s SET ended_at = coalesce(s.ended_at, \(now.stored)) FROM app_user u
                WHERE s.token_hash = \(TokenSecrets.hash(secret)) AND u.id = s.user_id RETURNING u.id, u.member_code
                """,
                logger
            )
            guard let row = rows.first else { return }
            let userID: User.ID = try row.id("id")
            try await database.audit(
                connection,
                AuditEvent.signedOut(userID, member: try row.optionalMember("member_code"), at: now)
            )
        }
    }
}
