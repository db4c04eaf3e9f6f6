import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``ReferenceRepository`` on PostgreSQL.
struct PostgresReferenceRepository: ReferenceRepository {
    let database: PostgresDatabase

    func contributions() async throws -> ReferenceContributions {
        let (schemeRows, entryRows) = try await database.read { connection in
            (
                try await connection.rows(
                    "SELECT definition::text AS definition FROM marking_scheme ORDER BY member_code COLLATE \"C\", kind COLLATE \"C\", version",
                    database.logger
                ),
                try await connection.rows(
                    """
                    SELECT kind, definition::text AS definition, member_code, changed_at FROM reference_entry
                    ORDER BY changed_at, kind COLLATE "C", key COLLATE "C"
                    """,
                    database.logger
                )
            )
        }
        return ReferenceContributions(
            schemes: try schemeRows.map { try ReferenceRows.scheme(try $0.text("definition")) },
            entries: try entryRows.map { row in
                try ReferenceRows.entry(
                    kind: try row.text("kind"),
                    json: try row.text("definition"),
                    member: try row.member("member_code"),
                    changedAt: try row.date("changed_at")
                )
            }
        )
    }

    func publish(_ scheme: MarkingScheme, by actor: Actor) async throws {
        let json = try ReferenceRows.json(scheme)
        try await database.write(conflict: "\(scheme.title) is published already") { connection in
            try await connection.rows(
                """
                INSERT INTO marking_scheme (member_code, kind, version, effective_from, definition, published_at, published_by)
                VALUES (\(scheme.member.rawValue), \(scheme.kind.rawValue), \(scheme.version), \(scheme.effectiveFrom.description)::date,
                    \(json)::json, \(Date().stored), \(actor.userID?.uuid))
                """,
                database.logger
            )
            try await database.audit(connection, .schemePublished(scheme, by: actor))
        }
    }

    func save(_ entry: ReferenceEntry, by actor: Actor) async throws {
        guard let key = entry.key else { throw DomainError.invalid(field: "name", "must hold letters or digits") }
        let json = try ReferenceRows.json(entry.item)
        try await database.write { connection in
            try await connection.rows(
                """
                INSERT INTO reference_entry (kind, key, definition, member_code, changed_at, changed_by)
                VALUES (\(entry.kind.rawValue), \(key), \(json)::json, \(entry.member.rawValue), \(entry.changedAt.stored), \(actor.userID?.uuid))
                ON CONFLICT (kind, key) DO UPDATE SET definition = excluded.definition, member_code = excluded.member_code,
                    changed_at = excluded.changed_at, changed_by = excluded.changed_by
                """,
                database.logger
            )
            try await database.audit(connection, .referenceEdited(entry, by: actor))
        }
    }
}
