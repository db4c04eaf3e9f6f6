import ArmsTraceDomain
import Foundation
import GRDB

/// ``WeaponRecordRepository`` on SQLite.
struct WeaponRecordSQLiteRepository: WeaponRecordRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func create(_ details: WeaponRecord.Details, by actor: Actor) async throws -> WeaponRecord {
        try await writer.translatedWrite(conflict: Self.duplicateReference(details)) { db in
            let id = WeaponRecord.ID.generate()
            guard try RecordRowWriter.within(db, { try $0.insert(.init(details), id: id, by: actor, at: .init(Date())) }) else {
                throw DomainError.conflict(Self.duplicateReference(details))
            }
            try AuditChain.append(db, AuditEvent(.recordCreate, by: actor, subject: "record:\(id)", detail: details.externalRef))
            return try Self.fetch(db, id: id)!
        }
    }

    func update(
        _ id: WeaponRecord.ID,
        details: WeaponRecord.Details,
        expectedVersion: Int?,
        by actor: Actor
    ) async throws
        -> WeaponRecord
    {
        try await writer.translatedWrite(conflict: Self.duplicateReference(details)) { db in
            guard let current = try Self.fetch(db, id: id) else { throw DomainError.notFound(entity: "record", id: id.description) }
            try current.authorizeChange(by: actor)
            if let expectedVersion, expectedVersion != current.version {
                throw DomainError.conflict(
                    "record \(id) is at version \(current.version), not \(expectedVersion); reload it and apply the change again"
                )
            }
            guard current.details != details else { return current }
            try RecordRowWriter.within(db) { try $0.update(current, to: .init(details), by: actor, at: .init(Date())) }
            try AuditChain.append(
                db,
                AuditEvent(.recordUpdate, by: actor, subject: "record:\(id)", detail: "version \(current.version + 1)")
            )
            return try Self.fetch(db, id: id)!
        }
    }

    func get(_ id: WeaponRecord.ID, viewer: MemberCode) async throws -> WeaponRecord {
        let record = try await read { db in try Self.fetch(db, id: id) }
        guard let record, record.isVisible(to: viewer) else { throw DomainError.notFound(entity: "record", id: id.description) }
        return record
    }

    func list(_ query: RecordQuery, viewer: MemberCode) async throws -> Page<WeaponRecord> {
        var sql: SQL = "SELECT r.* FROM weapon_record r WHERE \(Self.visible(to: viewer))"
        if let after = try WeaponRecord.ID.cursor(query.cursor) { sql += " AND r.id < \(after.description)" }
        if let status = query.status { sql += " AND r.status = \(status.rawValue)" }
        if let category = query.category { sql += " AND r.category = \(category.rawValue)" }
        if let make = query.make { sql += " AND r.make = \(make) COLLATE NOCASE" }
        if let country = query.country {
            sql += " AND (r.country_of_manufacture = \(country) OR r.import_country = \(country) OR r.event_country = \(country))"
        }
        if let from = query.eventFrom { sql += " AND r.event_date >= \(from.description)" }
        if let to = query.eventTo { sql += " AND r.event_date <= \(to.description)" }
        if let owner = query.owner { sql += " AND r.owner_code = \(owner.rawValue)" }
        sql += " ORDER BY r.id DESC LIMIT \(query.limit + 1)"
        let finalSQL = sql
        let records = try await read { db in try Self.records(db, rows: Row.fetchAll(db, SQLRequest(literal: finalSQL))) }
        return Page(readAhead: records, limit: query.limit, cursor: \.id.description)
    }

    func history(_ id: WeaponRecord.ID, viewer: MemberCode) async throws -> [RecordHistoryEntry] {
        // The visibility check, the current details and the history come from one snapshot of the database.
        try await read { db in
            guard let record = try Self.fetch(db, id: id), record.isVisible(to: viewer) else {
                throw DomainError.notFound(entity: "record", id: id.description)
            }
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM weapon_record_history WHERE record_id = ? ORDER BY version",
                arguments: [id.description]
            )
            let entries = try rows.map { row in
                guard let action = RecordHistoryEntry.Action(rawValue: row["action"]), let member = MemberCode(row["member_code"]),
                    let channel = Actor.Channel(rawValue: row["channel"])
                else { throw StorageError("weapon_record_history row is malformed") }
                return RecordHistoryEntry(
                    version: row["version"],
                    action: action,
                    recordedAt: row["recorded_at"],
                    userID: (row["user_id"] as String?).flatMap(User.ID.init),
                    member: member,
                    channel: channel,
                    changes: []
                )
            }
            return try RecordHistoryEntry.rebuilt(entries, previous: rows.map { $0["previous_details"] }, current: record.details)
        }
    }

    func count(owner: MemberCode?) async throws -> Int {
        try await read { db in
            if let owner {
                let sql = "SELECT coalesce(sum(records), 0) FROM weapon_record_count WHERE owner_code = ?"
                return try Int.fetchOne(db, sql: sql, arguments: [owner.rawValue]) ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM weapon_record") ?? 0
        }
    }

    func tally(owner: MemberCode, sinceMonth: String) async throws -> RecordTally.Counts {
        // Three small groupings of the member's rows of weapon_record_count, never the records themselves.
        try await read { db in
            var pairs: [RecordTally.StatusAndCategory: Int] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT status, category, sum(records) AS n FROM weapon_record_count WHERE owner_code = ?
                    GROUP BY 1, 2 HAVING n > 0
                    """,
                arguments: [owner.rawValue]
            )
            for row in rows {
                guard let status = RecordStatus(rawValue: row["status"]), let category = WeaponCategory(rawValue: row["category"]) else {
                    throw StorageError("weapon_record_count holds an unknown status or category")
                }
                pairs[.init(status, category)] = row["n"]
            }
            func byMonth(_ sql: String) throws -> [String: Int] {
                let rows = try Row.fetchAll(db, sql: sql, arguments: [owner.rawValue, sinceMonth])
                return Dictionary(uniqueKeysWithValues: rows.map { ($0["month"] as String, $0["n"] as Int) })
            }
            return RecordTally.Counts(
                byStatusAndCategory: pairs,
                enteredByMonth: try byMonth(
                    """
                    SELECT entered_month AS month, sum(records) AS n FROM weapon_record_count
                    WHERE owner_code = ? AND entered_month >= ? GROUP BY month HAVING n > 0
                    """
                ),
                seizedByMonth: try byMonth(
                    """
                    SELECT event_month AS month, sum(records) AS n FROM weapon_record_count
                    WHERE owner_code = ? AND status = 'seized' AND event_month >= ? GROUP BY month HAVING n > 0
                    """
                )
            )
        }
    }

    // MARK: - Reading rows

    /// The condition that a record `r` is visible to `viewer`: owned by it, shared with all, or listed.
    static func visible(to viewer: MemberCode) -> SQL {
        """
        (r.owner_code = \(viewer.rawValue) OR r.sharing_mode = 'all' OR (r.sharing_mode = 'members' AND EXISTS (
            SELECT 1 FROM weapon_record_share s WHERE s.member_code = \(viewer.rawValue) AND s.record_id = r.id)))
        """
    }

    static func duplicateReference(_ details: WeaponRecord.Details) -> String {
        "external_ref '\(details.externalRef)' is already used by another of your records"
    }

    static func fetch(_ db: Database, id: WeaponRecord.ID) throws -> WeaponRecord? {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM weapon_record WHERE id = ?", arguments: [id.description])
        return try records(db, rows: rows).first
    }

    /// Turns record rows into records, reading the sharing lists of those that have one in a single query.
    static func records(_ db: Database, rows: [Row]) throws -> [WeaponRecord] {
        guard let first = rows.first else { return [] }
        let indexes = Dictionary(uniqueKeysWithValues: first.columnNames.enumerated().map { ($1, $0) })
        var records = try rows.map { row in try record(IndexedRow(row: row, indexes: indexes)) }
        try readSharingLists(db, &records)
        return records
    }

    /// The records that `statement` (a `SELECT * FROM weapon_record …`) finds, read from SQLite's current row in
    /// place, with their sharing lists. For a search's candidates: copying each row into GRDB's `Row` and decoding
    /// its columns through GRDB's generic accessors took a tenth of a loaded server's time.
    static func records(_ db: Database, selecting statement: FastStatement, _ bind: (inout FastBinder) -> Void) throws -> [WeaponRecord] {
        var records: [WeaponRecord] = []
        var indexes: [String: Int32] = [:]
        try statement.run(bind) { row in
            if indexes.isEmpty { indexes = row.columnIndexes }
            records.append(try record(IndexedFastRow(row: row, indexes: indexes)))
        }
        try readSharingLists(db, &records)
        return records
    }

    /// Fills in the members each record shared with a list (`sharing_mode = 'members'`) shares with, in one query.
    private static func readSharingLists(_ db: Database, _ records: inout [WeaponRecord]) throws {
        let listed = records.indices.filter { index in
            if case .members = records[index].details.sharing { true } else { false }
        }
        guard !listed.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: "SELECT record_id, member_code FROM weapon_record_share WHERE record_id IN (SELECT value FROM json_each(?)) ORDER BY member_code"
        )
        var shares: [String: [MemberCode]] = [:]
        for row in try Row.fetchAll(statement, arguments: [jsonArray(listed.map { records[$0].id.description })]) {
            if let code = MemberCode(row["member_code"]) { shares[row["record_id"], default: []].append(code) }
        }
        for index in listed { records[index].details.sharing = .members(shares[records[index].id.description] ?? []) }
    }

    /// A record from its row; one shared with a list gets an empty list, which ``readSharingLists(_:_:)`` fills in.
    private static func record(_ row: some RecordRow) throws -> WeaponRecord {
        let id = row.text("id")
        guard let recordID = WeaponRecord.ID(id), let owner = MemberCode(row.text("owner_code")),
            let category = WeaponCategory(rawValue: row.text("category")), let status = RecordStatus(rawValue: row.text("status")),
            let obliterated = SerialObliteration(rawValue: row.text("serial_obliterated"))
        else { throw StorageError("weapon_record row \(id) is malformed") }
        let sharing: Sharing =
            switch row.text("sharing_mode") {
            case "all": .all
            case "owner": .owner
            default: .members([])
            }
        let event = WeaponRecord.Event(
            date: row.optionalText("event_date").flatMap { CalendarDate($0) },
            country: row.optionalText("event_country"),
            place: row.optionalText("event_place"),
            circumstances: row.optionalText("event_circumstances"),
            legalJustification: row.optionalText("event_legal_justification"),
            criminalContext: row.optionalText("event_criminal_context"),
            caseReference: row.optionalText("event_case_reference")
        )
        let details = WeaponRecord.Details(
            externalRef: row.text("external_ref"),
            category: category,
            make: row.text("make"),
            model: row.optionalText("model"),
            calibre: row.optionalText("calibre"),
            serialNumber: row.optionalText("serial_number"),
            serialObliterated: obliterated,
            markings: try .stored(row.text("markings")),
            countryOfManufacture: row.optionalText("country_of_manufacture"),
            yearOfManufacture: row.optionalInt("year_of_manufacture"),
            importCountry: row.optionalText("import_country"),
            importYear: row.optionalInt("import_year"),
            status: status,
            event: event,
            sharing: sharing,
            notes: row.optionalText("notes")
        )
        return WeaponRecord(
            id: recordID,
            owner: owner,
            version: row.int("version"),
            details: details,
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}

/// A record's row, its columns read by name.
private protocol RecordRow {
    func text(_ name: String) -> String
    func optionalText(_ name: String) -> String?
    func int(_ name: String) -> Int
    func optionalInt(_ name: String) -> Int?
    func date(_ name: String) throws -> Date
}

/// Reads a row's columns by name through an index built once per result set. GRDB's lookup by name compares every
/// column name without regard to case, which dominates when an export reads a million rows.
private struct IndexedRow: RecordRow {
    let row: Row
    let indexes: [String: Int]

    func text(_ name: String) -> String { row[indexes[name]!] }

    func optionalText(_ name: String) -> String? { row[indexes[name]!] }

    func int(_ name: String) -> Int { row[indexes[name]!] }

    func optionalInt(_ name: String) -> Int? { row[indexes[name]!] }

    func date(_ name: String) -> Date { row[indexes[name]!] }
}

/// SQLite's current row of a stepping statement, read by name through an index built once per result set, each
/// column decoded by a concrete function. Valid only while the statement is on the row.
private struct IndexedFastRow: RecordRow {
    let row: FastRow
    let indexes: [String: Int32]

    func text(_ name: String) -> String { row.text(indexes[name]!) ?? "" }

    func optionalText(_ name: String) -> String? { row.text(indexes[name]!) }

    func int(_ name: String) -> Int { row.int(indexes[name]!) }

    func optionalInt(_ name: String) -> Int? { row.optionalInt(indexes[name]!) }

    func date(_ name: String) throws -> Date {
        guard let date = Date(sqliteStatement: row.handle, index: indexes[name]!) else {
            throw StorageError("weapon_record's \(name) is not a date: \(row.text(indexes[name]!) ?? "NULL")")
        }
        return date
    }
}

/// Texts that need no escaping (record IDs, member codes) as a JSON array, for `json_each(?)`: one prepared statement
/// whatever the number of values.
func jsonArray(_ plain: [String]) -> String {
    "[" + plain.map { "\"\($0)\"" }.joined(separator: ",") + "]"
}
