import ArmsTraceDomain
import Foundation
import GRDB

/// ``IdempotencyRepository`` on SQLite: one writer, so claims never race.
struct IdempotencySQLiteRepository: IdempotencyRepository {
    let writer: any DatabaseWriter

    func claim(member: MemberCode, key: String, fingerprint: String, at now: Date, stale: TimeInterval) async throws -> IdempotencyClaim {
        try await writer.translatedWrite { db in
            try db.execute(sql: "DELETE FROM idempotency_key WHERE created_at < ?", arguments: [now.addingTimeInterval(-IdempotencyRows.lifetime)])
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT fingerprint, status, body, location, created_at FROM idempotency_key WHERE member_code = ? AND key = ?",
                arguments: [member.rawValue, key]
            ) {
                if let claim = IdempotencyRows.existing(
                    fingerprint: row["fingerprint"],
                    status: row["status"],
                    body: row["body"],
                    location: row["location"],
                    createdAt: row["created_at"],
                    requested: fingerprint,
                    now: now,
                    stale: stale
                ) {
                    return claim
                }
                try db.execute(
                    sql: "UPDATE idempotency_key SET created_at = ? WHERE member_code = ? AND key = ?",
                    arguments: [now, member.rawValue, key]
                )
                return .claimed
            }
            try db.execute(
                sql: "INSERT INTO idempotency_key (member_code, key, fingerprint, created_at) VALUES (?, ?, ?, ?)",
                arguments: [member.rawValue, key, fingerprint, now]
            )
            return .claimed
        }
    }

    func complete(member: MemberCode, key: String, response: IdempotentResponse) async throws {
        try await writer.translatedWrite { db in
            try db.execute(
                sql: "UPDATE idempotency_key SET status = ?, body = ?, location = ? WHERE member_code = ? AND key = ?",
                arguments: [response.status, response.body, response.location, member.rawValue, key]
            )
        }
    }

    func release(member: MemberCode, key: String) async throws {
        try await writer.translatedWrite { db in
            try db.execute(
                sql: "DELETE FROM idempotency_key WHERE member_code = ? AND key = ? AND status IS NULL",
                arguments: [member.rawValue, key]
            )
        }
    }
}
