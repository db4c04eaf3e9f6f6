import ArmsTraceDomain
import Foundation
import GRDB

/// ``UserRepository`` on SQLite; token secrets are stored as SHA-256 hashes only.
struct UserSQLiteRepository: UserRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func create(_ user: User, by actor: Actor?) async throws {
        try await writer.translatedWrite(conflict: "user \(user.id) exists") { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM member WHERE code = ?", arguments: [user.member.rawValue]) != nil else {
                throw DomainError.notFound(entity: "member", id: user.member.rawValue)
            }
            try db.execute(
                sql: "INSERT INTO app_user (id, member_code, name, role, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [user.id.description, user.member.rawValue, user.name, user.role.rawValue, user.createdAt]
            )
            try AuditChain.append(
                db,
                AuditEvent.userAdded(user, by: actor)
            )
        }
    }

    func get(_ id: User.ID) async throws -> User {
        let user = try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE id = ?", arguments: [id.description]).map(Self.user)
        }
        guard let user else { throw DomainError.notFound(entity: "user", id: id.description) }
        return user
    }

    func list(member: MemberCode) async throws -> [User] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM app_user WHERE member_code = ? ORDER BY id", arguments: [member.rawValue])
                .map(Self.user)
        }
    }

    func issueToken(for user: User.ID, name: String, expiresAt: Date?, by actor: Actor?) async throws -> IssuedToken {
        let secret = TokenSecrets.generate()
        let hash = TokenSecrets.hash(secret)
        try await writer.translatedWrite { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM app_user WHERE id = ?", arguments: [user.description]) != nil else {
                throw DomainError.notFound(entity: "user", id: user.description)
            }
            try db.execute(
                sql: "INSERT INTO api_token (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [UUID.version7().uuidString.lowercased(), user.description, name, hash, Date(), expiresAt]
            )
            let member = try String.fetchOne(db, sql: "SELECT member_code FROM app_user WHERE id = ?", arguments: [user.description])
            try AuditChain.append(db, .tokenIssued(to: user, of: member.flatMap(MemberCode.init), name: name, by: actor, at: Date()))
        }
        return IssuedToken(secret: secret, userID: user, name: name, expiresAt: expiresAt)
    }

    func tokens(of user: User.ID) async throws -> [APIToken] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, name, created_at, expires_at, revoked_at FROM api_token WHERE user_id = ? ORDER BY id DESC",
                arguments: [user.description]
            ).map { row in
                APIToken(
                    id: row["id"],
                    userID: user,
                    name: row["name"],
                    createdAt: row["created_at"],
                    expiresAt: row["expires_at"],
                    revokedAt: row["revoked_at"]
                )
            }
        }
    }

    func revokeToken(_ id: String, of user: User.ID, by actor: Actor, at now: Date) async throws {
        try await writer.translatedWrite { db in
            guard
                let revoked = try Row.fetchOne(
                    db,
                    sql: "SELECT revoked_at FROM api_token WHERE id = ? AND user_id = ?",
                    arguments: [id, user.description]
                )
            else { throw DomainError.notFound(entity: "token", id: id) }
            guard revoked["revoked_at"] as Date? == nil else { throw DomainError.conflict("token \(id) is revoked already") }
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ?", arguments: [now, id])
            try AuditChain.append(db, AuditEvent(.tokenRevoke, by: actor, at: now, subject: "user:\(user)", detail: "token \(id)"))
        }
    }

    func revokeAllTokens(of user: User.ID, by actor: Actor, at now: Date) async throws -> Int {
        try await writer.translatedWrite { db in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", arguments: [now, user.description])
            let count = db.changesCount
            try AuditChain.append(db, AuditEvent(.tokenRevoke, by: actor, at: now, subject: "user:\(user)", detail: "all \(count) token(s)"))
            return count
        }
    }

    func authenticate(token: String, at now: Date) async throws -> User {
        guard token.hasPrefix(TokenSecrets.prefix), token.utf8.count < 100 else { throw DomainError.unauthenticated }
        let hash = TokenSecrets.hash(token)
        let found = try await readOnWriter { db -> (user: User, expiresAt: Date?)? in
            // Prepared once per connection: every API request comes through here.
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT u.*, t.expires_at AS token_expires_at FROM api_token t JOIN app_user u ON u.id = t.user_id
                        WHERE t.token_hash = ? AND t.revoked_at IS NULL
                        """
                ),
                arguments: [hash]
            )
            return try row.map { (try Self.user($0), $0["token_expires_at"] as Date?) }
        }
        guard let found else { throw DomainError.unauthenticated }
        if let expiresAt = found.expiresAt, expiresAt <= now { throw DomainError.unauthenticated }
        return found.user
    }

    static func user(_ row: Row) throws -> User {
        guard let id = User.ID(row["id"] as String), let member = MemberCode(row["member_code"]),
            let role = User.Role(rawValue: row["role"])
        else { throw StorageError("app_user row is malformed") }
        return User(id: id, member: member, name: row["name"], role: role, createdAt: row["created_at"])
    }
}
