import ArmsTraceDomain
import Foundation
import GRDB

/// ``ReferenceRepository`` on SQLite.
struct ReferenceSQLiteRepository: ReferenceRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func contributions() async throws -> ReferenceContributions {
        try await read { db in
            let schemes = try String.fetchAll(
                db,
                sql: "SELECT definition FROM marking_scheme ORDER BY member_code, kind, version"
            ).map(ReferenceRows.scheme)
            let entries = try Row.fetchAll(
                db,
                sql: "SELECT kind, definition, member_code, changed_at FROM reference_entry ORDER BY changed_at, kind, key"
            ).map { row in
                guard let member = MemberCode(row["member_code"]) else { throw StorageError("reference entry row is malformed") }
                return try ReferenceRows.entry(kind: row["kind"], json: row["definition"], member: member, changedAt: row["changed_at"])
            }
            return ReferenceContributions(schemes: schemes, entries: entries)
        }
    }

    func publish(_ scheme: MarkingScheme, by actor: Actor) async throws {
        let json = try ReferenceRows.json(scheme)
        try await writer.translatedWrite(conflict: "\(scheme.title) is published already") { db in
            try db.execute(
                sql: """
                    INSERT INTO marking_scheme (member_code, kind, version, effective_from, definition, published_at, published_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    scheme.member.rawValue, scheme.kind.rawValue, scheme.version, scheme.effectiveFrom.description, json, Date(),
                    actor.userID?.description,
                ]
            )
            try AuditChain.append(db, .schemePublished(scheme, by: actor))
        }
    }

    func save(_ entry: ReferenceEntry, by actor: Actor) async throws {
        guard let key = entry.key else { throw DomainError.invalid(field: "name", "must hold letters or digits") }
        let json = try ReferenceRows.json(entry.item)
        try await writer.translatedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO reference_entry (kind, key, definition, member_code, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, key) DO UPDATE SET definition = excluded.definition, member_code = excluded.member_code,
                        changed_at = excluded.changed_at, changed_by = excluded.changed_by
                    """,
                arguments: [
                    entry.kind.rawValue, key, json, entry.member.rawValue, entry.changedAt, actor.userID?.description,
                ]
            )
            try AuditChain.append(db, .referenceEdited(entry, by: actor))
        }
    }
}
