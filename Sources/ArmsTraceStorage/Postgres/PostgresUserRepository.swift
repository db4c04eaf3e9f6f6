import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``UserRepository`` on PostgreSQL; token secrets are stored as SHA-256 hashes only.
struct PostgresUserRepository: UserRepository {
    let database: PostgresDatabase

    func create(_ user: User, by actor: Actor?) async throws {
        try await database.write(conflict: "user \(user.id) exists") { connection in
            let logger = database.logger
            guard try await !connection.rows("SELECT 1 FROM member WHERE code = \(user.member.rawValue)", logger).isEmpty else {
                throw DomainError.notFound(entity: "member", id: user.member.rawValue)
            }
            try await connection.rows(
                """
                INSERT INTO app_user (id, member_code, name, role, created_at)
                VALUES (\(user.id.uuid), \(user.member.rawValue), \(user.name), \(user.role.rawValue), \(user.createdAt.stored))
                """,
                logger
            )
            try await database.audit(
                connection,
                AuditEvent.userAdded(user, by: actor)
            )
        }
    }

    func get(_ id: User.ID) async throws -> User {
        let rows = try await database.read { connection in
            try await connection.rows("SELECT * FROM app_user WHERE id = \(id.uuid)", database.logger)
        }
        guard let row = rows.first else { throw DomainError.notFound(entity: "user", id: id.description) }
        return try Self.user(row)
    }

    func list(member: MemberCode) async throws -> [User] {
        try await database.read { connection in
            try await connection.rows("SELECT * FROM app_user WHERE member_code = \(member.rawValue) ORDER BY id", database.logger)
        }.map(Self.user)
    }

    func issueToken(for user: User.ID, name: String, expiresAt: Date?, by actor: Actor?) async throws -> IssuedToken {
        let secret = TokenSecrets.generate()
        let hash = TokenSecrets.hash(secret)
        try await database.write { connection in
            let logger = database.logger
            guard let owner = try await connection.rows("SELECT member_code FROM app_user WHERE id = \(user.uuid)", logger).first else {
                throw DomainError.notFound(entity: "user", id: user.description)
            }
            let now = Date()
            try await connection.rows(
                """
                INSERT INTO api_token (id, user_id, name, token_hash, created_at, expires_at)
                VALUES (\(UUID.version7()), \(user.uuid), \(name), \(hash), \(now.stored), \(expiresAt.stored))
                """,
                logger
            )
            try await database.audit(connection, .tokenIssued(to: user, of: try owner.member("member_code"), name: name, by: actor, at: now))
        }
        return IssuedToken(secret: secret, userID: user, name: name, expiresAt: expiresAt)
    }

    func tokens(of user: User.ID) async throws -> [APIToken] {
        try await database.read { connection in
            try await connection.rows(
                "SELECT id, name, created_at, expires_at, revoked_at FROM api_token WHERE user_id = \(user.uuid) ORDER BY id DESC",
                database.logger
            )
        }.map { row in
            APIToken(
                id: try row.uuid("id").lowercasedString,
                userID: user,
                name: try row.text("name"),
                createdAt: try row.date("created_at"),
                expiresAt: try row.optionalDate("expires_at"),
                revokedAt: try row.optionalDate("revoked_at")
            )
        }
    }

    func revokeToken(_ id: String, of user: User.ID, by actor: Actor, at now: Date) async throws {
        guard let tokenID = UUID(canonical: id) else { throw DomainError.notFound(entity: "token", id: id) }
        try await database.write { connection in
            let logger = database.logger
            guard
                let row = try await connection.rows(
                    "SELECT revoked_at FROM api_token WHERE id = \(tokenID) AND user_id = \(user.uuid) FOR UPDATE",
                    logger
                ).first
            else { throw DomainError.notFound(entity: "token", id: id) }
            guard try row.optionalDate("revoked_at") == nil else { throw DomainError.conflict("token \(id) is revoked already") }
            try await connection.rows("UPDATE api_token SET revoked_at = \(now.stored) WHERE id = \(tokenID)", logger)
            try await database.audit(connection, AuditEvent(.tokenRevoke, by: actor, at: now, subject: "user:\(user)", detail: "token \(id)"))
        }
    }

    func revokeAllTokens(of user: User.ID, by actor: Actor, at now: Date) async throws -> Int {
        try await database.write { connection in
            let count = try await connection.changes(
                "UPDATE api_token SET revoked_at = \(now.stored) WHERE user_id = \(user.uuid) AND revoked_at IS NULL",
                database.logger
            )
            try await database.audit(
                connection,
                AuditEvent(.tokenRevoke, by: actor, at: now, subject: "user:\(user)", detail: "all \(count) token(s)")
            )
            return count
        }
    }

    func authenticate(token: String, at now: Date) async throws -> User {
        guard token.hasPrefix(TokenSecrets.prefix), token.utf8.count < 100 else { throw DomainError.unauthenticated }
        let hash = TokenSecrets.hash(token)
        let rows = try await database.read { connection in
            try await connection.rows(
                """
                SELECT u.*, t.expires_at AS token_expires_at FROM api_token t JOIN app_user u ON u.id = t.user_id
                WHERE t.token_hash = \(hash) AND t.revoked_at IS NULL
                """,
                database.logger
            )
        }
        guard let row = rows.first else { throw DomainError.unauthenticated }
        if let expiresAt = try row.optionalDate("token_expires_at"), expiresAt <= now { throw DomainError.unauthenticated }
        return try Self.user(row)
    }

    static func user(_ row: PostgresRandomAccessRow) throws -> User {
        User(
            id: try row.id("id"),
            member: try row.member("member_code"),
            name: try row.text("name"),
            role: try row.enumeration("role"),
            createdAt: try row.date("created_at")
        )
    }
}
