import ArmsTraceDomain
import Foundation
import Logging
import PostgresNIO

/// ``WeaponRecordRepository`` on PostgreSQL.
struct PostgresWeaponRecordRepository: WeaponRecordRepository {
    let database: PostgresDatabase

    func create(_ details: WeaponRecord.Details, by actor: Actor) async throws -> WeaponRecord {
        let conflict = WeaponRecordSQLiteRepository.duplicateReference(details)
        return try await database.write(conflict: conflict) { connection in
            let id = WeaponRecord.ID.generate()
            let writer = PostgresRecordWriter(connection: connection, logger: database.logger)
            guard try await writer.insert(.init(details), id: id, by: actor, at: Date()) else { throw DomainError.conflict(conflict) }
            try await database.audit(connection, AuditEvent(.recordCreate, by: actor, subject: "record:\(id)", detail: details.externalRef))
            return try await Self.fetch(connection, id: id, database.logger)!
        }
    }

    func update(_ id: WeaponRecord.ID, details: WeaponRecord.Details, expectedVersion: Int?, by actor: Actor) async throws -> WeaponRecord {
        try await database.write(conflict: WeaponRecordSQLiteRepository.duplicateReference(details)) { connection in
            let logger = database.logger
            guard let current = try await Self.fetch(connection, id: id, forUpdate: true, logger) else {
                throw DomainError.notFound(entity: "record", id: id.description)
            }
            try current.authorizeChange(by: actor)
            if let expectedVersion, expectedVersion != current.version {
                throw DomainError.conflict(
                    "record \(id) is at version \(current.version), not \(expectedVersion); reload it and apply the change again"
                )
            }
            guard current.details != details else { return current }
            try await PostgresRecordWriter(connection: connection, logger: logger).update(
                id,
                from: current.details,
                to: .init(details),
                version: current.version + 1,
                by: actor,
                at: Date()
            )
            try await database.audit(
                connection,
                AuditEvent(.recordUpdate, by: actor, subject: "record:\(id)", detail: "version \(current.version + 1)")
            )
            return try await Self.fetch(connection, id: id, logger)!
        }
    }

    func get(_ id: WeaponRecord.ID, viewer: MemberCode) async throws -> WeaponRecord {
        let record = try await database.read { connection in try await Self.fetch(connection, id: id, database.logger) }
        guard let record, record.isVisible(to: viewer) else { throw DomainError.notFound(entity: "record", id: id.description) }
        return record
    }

    func list(_ query: RecordQuery, viewer: MemberCode) async throws -> Page<WeaponRecord> {
        var sql = QueryBuilder("SELECT r.* FROM weapon_record r WHERE ")
        sql.append(Self.visible(to: viewer, in: &sql))
        if let after = try WeaponRecord.ID.cursor(query.cursor) { sql.append(" AND r.id < \(sql.bind(after.uuid))") }
        if let status = query.status { sql.append(" AND r.status = \(sql.bind(status.rawValue))") }
        if let category = query.category { sql.append(" AND r.category = \(sql.bind(category.rawValue))") }
        if let make = query.make { sql.append(" AND lower(r.make) = lower(\(sql.bind(make)))") }
        if let country = query.country {
            let placeholder = sql.bind(country)
            sql.append(" AND (r.country_of_manufacture = \(placeholder) OR r.import_country = \(placeholder) OR r.event_country = \(placeholder))")
        }
        if let from = query.eventFrom { sql.append(" AND r.event_date >= \(sql.bind(from.description))::date") }
        if let to = query.eventTo { sql.append(" AND r.event_date <= \(sql.bind(to.description))::date") }
        if let owner = query.owner { sql.append(" AND r.owner_code = \(sql.bind(owner.rawValue))") }
        sql.append(" ORDER BY r.id DESC LIMIT \(query.limit + 1)")
        let statement = sql.query
        let records = try await database.read { connection in
            try await Self.records(connection, rows: connection.rows(statement, database.logger), database.logger)
        }
        return Page(readAhead: records, limit: query.limit, cursor: \.id.description)
    }

    func history(_ id: WeaponRecord.ID, viewer: MemberCode) async throws -> [RecordHistoryEntry] {
        // The visibility check, the current details and the history come from one snapshot of the database.
        try await database.snapshot { connection in
            let logger = database.logger
            guard let record = try await Self.fetch(connection, id: id, logger), record.isVisible(to: viewer) else {
                throw DomainError.notFound(entity: "record", id: id.description)
            }
            let rows = try await connection.rows(
                "SELECT *, previous_details::text AS previous FROM weapon_record_history WHERE record_id = \(id.uuid) ORDER BY version",
                logger
            )
            let entries = try rows.map { row in
                RecordHistoryEntry(
                    version: try row.int("version"),
                    action: try row.enumeration("action"),
                    recordedAt: try row.date("recorded_at"),
                    userID: try row.optionalID("user_id"),
                    member: try row.member("member_code"),
                    channel: try row.enumeration("channel"),
                    changes: []
                )
            }
            return try RecordHistoryEntry.rebuilt(entries, previous: try rows.map { try $0.optionalText("previous") }, current: record.details)
        }
    }

    func count(owner: MemberCode?) async throws -> Int {
        try await database.read { connection in
            let rows =
                if let owner {
                    try await connection.rows("SELECT count(*) AS n FROM weapon_record WHERE owner_code = \(owner.rawValue)", database.logger)
                } else {
                    try await connection.rows("SELECT count(*) AS n FROM weapon_record", database.logger)
                }
            return try rows.first?.int("n") ?? 0
        }
    }

    func tally(owner: MemberCode, sinceMonth: String) async throws -> RecordTally.Counts {
        // Three small groupings over the covering index weapon_record_tally.
        let since = sinceMonth + "-01"
        return try await database.read { connection in
            var pairs: [RecordTally.StatusAndCategory: Int] = [:]
            let rows = try await connection.rows(
                "SELECT status, category, count(*)::bigint AS n FROM weapon_record WHERE owner_code = \(owner.rawValue) GROUP BY status, category",
                database.logger
            )
            for row in rows {
                guard let status = RecordStatus(rawValue: try row.text("status")), let category = WeaponCategory(rawValue: try row.text("category"))
                else { throw StorageError("weapon_record holds an unknown status or category") }
                pairs[.init(status, category)] = try row.int("n")
            }
            func byMonth(_ rows: [PostgresRandomAccessRow]) throws -> [String: Int] {
                Dictionary(uniqueKeysWithValues: try rows.map { (try $0.text("month"), try $0.int("n")) })
            }
            let entered = try await connection.rows(
                """
                SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, count(*)::bigint AS n FROM weapon_record
                WHERE owner_code = \(owner.rawValue) AND created_at >= (\(since)::date)::timestamp AT TIME ZONE 'UTC' GROUP BY 1
                """,
                database.logger
            )
            let seized = try await connection.rows(
                """
                SELECT to_char(event_date, 'YYYY-MM') AS month, count(*)::bigint AS n FROM weapon_record
                WHERE owner_code = \(owner.rawValue) AND status = 'seized' AND event_date >= \(since)::date GROUP BY 1
                """,
                database.logger
            )
            return RecordTally.Counts(byStatusAndCategory: pairs, enteredByMonth: try byMonth(entered), seizedByMonth: try byMonth(seized))
        }
    }

    // MARK: - Reading rows

    /// The condition that a record `r` is visible to `viewer`: owned by it, shared with all, or listed.
    static func visible(to viewer: MemberCode, in sql: inout QueryBuilder) -> String {
        let code = sql.bind(viewer.rawValue)
        return """
            (r.owner_code = \(code) OR r.sharing_mode = 'all' OR (r.sharing_mode = 'members' AND EXISTS (
                SELECT 1 FROM weapon_record_share s WHERE s.member_code = \(code) AND s.record_id = r.id)))
            """
    }

    static func fetch(_ connection: PostgresConnection, id: WeaponRecord.ID, forUpdate: Bool = false, _ logger: Logger) async throws -> WeaponRecord?
    {
        let rows =
            forUpdate
            ? try await connection.rows("SELECT * FROM weapon_record WHERE id = \(id.uuid) FOR UPDATE", logger)
            : try await connection.rows("SELECT * FROM weapon_record WHERE id = \(id.uuid)", logger)
        return try await records(connection, rows: rows, logger).first
    }

    /// Turns record rows into records, reading the sharing lists of those that have one in a single query.
    static func records(_ connection: PostgresConnection, rows: [PostgresRandomAccessRow], _ logger: Logger) async throws -> [WeaponRecord] {
        let listed = try rows.filter { try $0.text("sharing_mode") == "members" }.map { try $0.uuid("id") }
        var shares: [UUID: [MemberCode]] = [:]
        if !listed.isEmpty {
            let shareRows = try await connection.rows(
                "SELECT record_id, member_code FROM weapon_record_share WHERE record_id = ANY(\(listed)) ORDER BY member_code COLLATE \"C\"",
                logger
            )
            for row in shareRows { shares[try row.uuid("record_id"), default: []].append(try row.member("member_code")) }
        }
        return try rows.map { try record($0, shares: shares) }
    }

    private static func record(_ row: PostgresRandomAccessRow, shares: [UUID: [MemberCode]]) throws -> WeaponRecord {
        let id = try row.uuid("id")
        let sharing: Sharing =
            switch try row.text("sharing_mode") {
            case "all": .all
            case "owner": .owner
            default: .members(shares[id] ?? [])
            }
        let event = WeaponRecord.Event(
            date: try row.optionalDate("event_date").map { CalendarDate($0) },
            country: try row.optionalText("event_country"),
            place: try row.optionalText("event_place"),
            circumstances: try row.optionalText("event_circumstances"),
            legalJustification: try row.optionalText("event_legal_justification"),
            criminalContext: try row.optionalText("event_criminal_context"),
            caseReference: try row.optionalText("event_case_reference")
        )
        let details = WeaponRecord.Details(
            externalRef: try row.text("external_ref"),
            category: try row.enumeration("category"),
            make: try row.text("make"),
            model: try row.optionalText("model"),
            calibre: try row.optionalText("calibre"),
            serialNumber: try row.optionalText("serial_number"),
            serialObliterated: try row.enumeration("serial_obliterated"),
            markings: try .stored(try row.text("markings")),
            countryOfManufacture: try row.optionalText("country_of_manufacture"),
            yearOfManufacture: try row.optionalInt("year_of_manufacture"),
            importCountry: try row.optionalText("import_country"),
            importYear: try row.optionalInt("import_year"),
            status: try row.enumeration("status"),
            event: event,
            sharing: sharing,
            notes: try row.optionalText("notes")
        )
        return WeaponRecord(
            id: WeaponRecord.ID(id),
            owner: try row.member("owner_code"),
            version: try row.int("version"),
            details: details,
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}

/// Writes weapon records, their sharing lists and their history entries inside a transaction the caller holds:
/// PostgreSQL's counterpart of ``RecordRowWriter``, with the same rules (the history keeps the details before each
/// change; a creation stores no second copy).
struct PostgresRecordWriter {
    let connection: PostgresConnection
    let logger: Logger

    /// Inserts a new record at version 1 with its `created` history entry, unless the owner already has a record
    /// with the same `external_ref`.
    /// - Returns: whether the record was inserted.
    func insert(_ prepared: RecordRowWriter.PreparedDetails, id: WeaponRecord.ID, by actor: Actor, at now: Date) async throws -> Bool {
        let d = prepared.details
        let e = d.event
        let at = now.stored
        let inserted = try await connection.rows(
            """
            INSERT INTO weapon_record (
                id, owner_code, version, external_ref, category, make, model, calibre, serial_number, serial_obliterated,
                markings, country_of_manufacture, year_of_manufacture, import_country, import_year, status, event_date,
                event_country, event_place, event_circumstances, event_legal_justification, event_criminal_context,
                event_case_reference, sharing_mode, notes, details_hash, created_at, updated_at
            ) VALUES (\(id.uuid), \(actor.member.rawValue), 1, \(d.externalRef), \(d.category.rawValue), \(d.make), \(d.model),
                \(d.calibre), \(d.serialNumber), \(d.serialObliterated.rawValue), \(prepared.markingsJSON)::json,
                \(d.countryOfManufacture), \(d.yearOfManufacture), \(d.importCountry), \(d.importYear), \(d.status.rawValue),
                \(prepared.eventDate)::date, \(e.country), \(e.place), \(e.circumstances), \(e.legalJustification),
                \(e.criminalContext), \(e.caseReference), \(d.sharing.mode), \(d.notes), \(prepared.hash), \(at), \(at))
            ON CONFLICT (owner_code, external_ref) DO NOTHING RETURNING 1 AS inserted
            """,
            logger
        )
        guard !inserted.isEmpty else { return false }
        try await insertShares(d.sharing, for: id)
        try await appendHistory(id, version: 1, action: .created, previous: nil, by: actor, at: at)
        return true
    }

    /// Replaces a record's details, sets its version and appends an `updated` history entry holding the old details.
    func update(
        _ id: WeaponRecord.ID,
        from old: WeaponRecord.Details,
        to prepared: RecordRowWriter.PreparedDetails,
        version: Int,
        by actor: Actor,
        at now: Date
    ) async throws {
        let d = prepared.details
        let e = d.event
        let at = now.stored
        try await connection.rows(
            """
            UPDATE weapon_record SET
                external_ref = \(d.externalRef), category = \(d.category.rawValue), make = \(d.make), model = \(d.model),
                calibre = \(d.calibre), serial_number = \(d.serialNumber), serial_obliterated = \(d.serialObliterated.rawValue),
                markings = \(prepared.markingsJSON)::json, country_of_manufacture = \(d.countryOfManufacture),
                year_of_manufacture = \(d.yearOfManufacture), import_country = \(d.importCountry), import_year = \(d.importYear),
                status = \(d.status.rawValue), event_date = \(prepared.eventDate)::date, event_country = \(e.country),
                event_place = \(e.place), event_circumstances = \(e.circumstances),
                event_legal_justification = \(e.legalJustification), event_criminal_context = \(e.criminalContext),
                event_case_reference = \(e.caseReference), sharing_mode = \(d.sharing.mode), notes = \(d.notes),
                details_hash = \(prepared.hash), updated_at = \(at), version = \(version)
            WHERE id = \(id.uuid)
            """,
            logger
        )
        try await connection.rows("DELETE FROM weapon_record_share WHERE record_id = \(id.uuid)", logger)
        try await insertShares(d.sharing, for: id)
        try await appendHistory(id, version: version, action: .updated, previous: old.snapshotJSON(), by: actor, at: at)
    }

    private func insertShares(_ sharing: Sharing, for id: WeaponRecord.ID) async throws {
        let members = sharing.memberCodes.map(\.rawValue)
        guard !members.isEmpty else { return }
        try await connection.rows(
            "INSERT INTO weapon_record_share (record_id, member_code) SELECT \(id.uuid), unnest(\(members)::text[])",
            logger
        )
    }

    private func appendHistory(
        _ id: WeaponRecord.ID,
        version: Int,
        action: RecordHistoryEntry.Action,
        previous: String?,
        by actor: Actor,
        at now: Date
    ) async throws {
        try await connection.rows(
            """
            INSERT INTO weapon_record_history (record_id, version, action, recorded_at, user_id, member_code, channel, previous_details)
            VALUES (\(id.uuid), \(version), \(action.rawValue), \(now), \(actor.userID?.uuid), \(actor.member.rawValue),
                \(actor.channel.rawValue), \(previous)::json)
            """,
            logger
        )
    }
}
