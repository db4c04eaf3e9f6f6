import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``IdempotencyRepository`` on PostgreSQL: a claim locks the key's row, and of two servers inserting the same new
/// key, the second waits for the first to commit and then reads its row.
struct PostgresIdempotencyRepository: IdempotencyRepository {
    let database: PostgresDatabase

    func claim(member: MemberCode, key: String, fingerprint: String, at now: Date, stale: TimeInterval) async throws -> IdempotencyClaim {
        try await database.write { connection in
            let code = member.rawValue
            try await connection.rows(
                "DELETE FROM idempotency_key WHERE created_at < \(now.addingTimeInterval(-IdempotencyRows.lifetime).stored)",
                database.logger
            )
            let inserted = try await connection.rows(
                """
                INSERT INTO idempotency_key (member_code, key, fingerprint, created_at) VALUES (\(code), \(key), \(fingerprint), \(now.stored))
                ON CONFLICT (member_code, key) DO NOTHING RETURNING key
                """,
                database.logger
            )
            if !inserted.isEmpty { return .claimed }
            let rows = try await connection.rows(
                """
                SELECT fingerprint, status, body, location, created_at FROM idempotency_key
                WHERE member_code = \(code) AND key = \(key) FOR UPDATE
                """,
                database.logger
            )
            guard let row = rows.first else { return .inProgress }
            if let claim = IdempotencyRows.existing(
                fingerprint: try row.text("fingerprint"),
                status: try row.optionalInt("status"),
                body: try row.optionalData("body"),
                location: try row.optionalText("location"),
                createdAt: try row.date("created_at"),
                requested: fingerprint,
                now: now,
                stale: stale
            ) {
                return claim
            }
            try await connection.rows(
                "UPDATE idempotency_key SET created_at = \(now.stored) WHERE member_code = \(code) AND key = \(key)",
                database.logger
            )
            return .claimed
        }
    }

    func complete(member: MemberCode, key: String, response: IdempotentResponse) async throws {
        try await database.write { connection in
            try await connection.rows(
                """
                UPDATE idempotency_key SET status = \(response.status), body = \(response.body), location = \(response.location)
                WHERE member_code = \(member.rawValue) AND key = \(key)
                """,
                database.logger
            )
        }
    }

    func release(member: MemberCode, key: String) async throws {
        try await database.write { connection in
            try await connection.rows(
                "DELETE FROM idempotency_key WHERE member_code = \(member.rawValue) AND key = \(key) AND status IS NULL",
                database.logger
            )
        }
    }
}
