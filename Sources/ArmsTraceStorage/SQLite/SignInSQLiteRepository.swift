import ArmsTraceDomain
import Foundation
import GRDB

/// ``SignInRepository`` on SQLite.
struct SignInSQLiteRepository: SignInRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func setCredentials(of user: User.ID, login: String, passwordHash: String, totpSecret: Data?) async throws {
        try await writer.translatedWrite(conflict: "another user signs in as \(login)") { db in
            try db.execute(
                sql: "UPDATE app_user SET login = ?, password_hash = ?, totp_secret = ? WHERE id = ?",
                arguments: [login, passwordHash, totpSecret, user.description]
            )
            guard db.changesCount == 1 else { throw DomainError.notFound(entity: "user", id: user.description) }
            let member = try String.fetchOne(db, sql: "SELECT member_code FROM app_user WHERE id = ?", arguments: [user.description])
            try AuditChain.append(
                db,
                AuditEvent.credentialsSet(of: user, member: member.flatMap(MemberCode.init), secondFactor: totpSecret != nil)
            )
        }
    }

    func credentials(login: String) async throws -> StoredCredentials? {
        try await read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM app_user WHERE login = ? AND password_hash IS NOT NULL",
                    arguments: [login]
                )
            else { return nil }
            return StoredCredentials(user: try UserSQLiteRepository.user(row), passwordHash: row["password_hash"], totpSecret: row["totp_secret"])
        }
    }

    func recordAttempt(login: String, address: String, user: User?, succeeded: Bool, at now: Date) async throws {
        try await writer.translatedWrite { db in
            try db.execute(
                sql: "INSERT INTO sign_in_attempt (login, address, at, succeeded) VALUES (?, ?, ?, ?)",
                arguments: [login, address, now, succeeded]
            )
            try AuditChain.append(
                db,
                AuditEvent.signInAttempt(login: login, address: address, user: user, succeeded: succeeded, at: now)
            )
        }
    }

    func failedAttempts(login: String, address: String, since: Date) async throws -> (login: Int, address: Int) {
        try await read { db in
            let byLogin = try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM sign_in_attempt WHERE login = ? AND at >= ? AND succeeded = 0",
                arguments: [login, since]
            )
            let byAddress = try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM sign_in_attempt WHERE address = ? AND at >= ? AND succeeded = 0",
                arguments: [address, since]
            )
            return (byLogin ?? 0, byAddress ?? 0)
        }
    }

    func startSession(for user: User, csrfToken: String, address: String, at now: Date, expiresAt: Date) async throws -> String {
        let secret = TokenSecrets.generate(prefix: "ws_")
        try await writer.translatedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO web_session (token_hash, user_id, csrf_token, address, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [TokenSecrets.hash(secret), user.id.description, csrfToken, address, now, expiresAt]
            )
        }
        return secret
    }

    func session(secret: String, at now: Date) async throws -> WebSession? {
        guard secret.hasPrefix("ws_"), secret.utf8.count < 100 else { return nil }
        return try await readOnWriter { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT u.*, s.csrf_token, s.expires_at AS session_expires_at FROM web_session s JOIN app_user u ON u.id = s.user_id
                        WHERE s.token_hash = ? AND s.ended_at IS NULL AND s.expires_at > ?
                        """,
                    arguments: [TokenSecrets.hash(secret), now]
                )
            else { return nil }
            return WebSession(user: try UserSQLiteRepository.user(row), csrfToken: row["csrf_token"], expiresAt: row["session_expires_at"])
        }
    }

    func endSession(secret: String, at now: Date) async throws {
        try await writer.translatedWrite { db in
            let hash = TokenSecrets.hash(secret)
            guard let userID = try String.fetchOne(db, sql: "SELECT user_id FROM web_session WHERE token_hash = ?", arguments: [hash]) else { return }
            try db.execute(sql: "UPDATE web_session SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL", arguments: [now, hash])
            let member = try String.fetchOne(db, sql: "SELECT member_code FROM app_user WHERE id = ?", arguments: [userID])
            try AuditChain.append(
                db,
                AuditEvent(
                    at: now,
                    member: member.flatMap(MemberCode.init),
                    userID: User.ID(userID),
                    channel: .web,
                    action: .signOut,
                    subject: "user:\(userID)"
                )
            )
        }
    }
}
