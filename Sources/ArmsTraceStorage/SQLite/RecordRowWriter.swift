import ArmsTraceDomain
import Crypto
import Foundation
import GRDB

/// Writes weapon records, their sharing lists, their history entries and their counts (``RecordCounts``) inside a
/// transaction that the caller holds.
///
/// Both the API's single-record writes and bulk imports go through here, with statements prepared once and bound
/// directly (``FastStatement``), so that a million rows cost a million executions, not a million parses.
///
/// The history keeps, for each change, the details as they were before it (`previous_details`); the current row
/// holds the latest. A creation therefore stores no second copy of the record, and every version can be rebuilt.
struct RecordRowWriter {
    /// A moment and its database form, converted once: a bulk import writes the same one on every row.
    struct Timestamp {
        let date: Date
        let text: String
        /// The month of `text` (which starts `YYYY-MM`), as `YYYYMM`.
        let month: Int

        init(_ date: Date) {
            self.date = date
            self.text = String.fromDatabaseValue(date.databaseValue)!
            self.month = RecordCounts.Key.month(of: CalendarDate(text.prefix(10)))
        }
    }

    /// Details with everything derived from them that a write binds: computed once, and for bulk imports on the
    /// reading thread, off the writer's. A class, so that handing one between the threads copies no field.
    final class PreparedDetails: Sendable {
        let details: WeaponRecord.Details
        /// The SHA-256 of the canonical JSON: equal hashes mean nothing changed.
        let hash: Data
        let markingsJSON: String
        let eventDate: String?

        init(_ details: WeaponRecord.Details) {
            let snapshot = details.snapshotLocatingMarkings()
            self.details = details
            self.hash = Data(SHA256.hash(data: snapshot.bytes))
            self.markingsJSON = String(decoding: snapshot.bytes[snapshot.markings], as: UTF8.self)
            self.eventDate = details.event.date?.description
        }
    }

    /// What an upsert did to a row.
    enum Outcome: Equatable {
        case created(WeaponRecord.ID)
        case updated(WeaponRecord.ID)
        case unchanged(WeaponRecord.ID)
        /// The record was already written at this same instant: the input names the same `external_ref` twice.
        case repeated(WeaponRecord.ID)
    }

    private let db: Database
    private let insertRecord: FastStatement
    private let updateRecord: FastStatement
    private let insertHistory: FastStatement
    private let deleteShares: FastStatement
    private let insertShare: FastStatement
    private let findByReference: FastStatement
    private let counts = RecordCounts.Changes()
    /// For a bulk import's batch: the records it created, whose `created` history entries are written at its end.
    private let created: CreatedRecords?

    /// Runs `body` with a writer for the transaction of `db`, then writes the counts of what it wrote.
    ///
    /// With `batch`, for a bulk import, the `created` history entries of the records `body` inserts are written
    /// together when it returns, with one statement, rather than one statement each (the next costliest per row
    /// after the record's own): the records created are those past the table's last row when `body` began, since
    /// the transaction holds the write lock and new rows go at the end. `body` then writes as one actor at one
    /// moment, as an import does.
    static func within<T>(_ db: Database, batch: Bool = false, _ body: (RecordRowWriter) throws -> T) throws -> T {
        let writer = try RecordRowWriter(db, batch: batch)
        let result = try body(writer)
        try writer.created?.appendHistory(db)
        try writer.counts.write(to: db)
        return result
    }

    private init(_ db: Database, batch: Bool) throws {
        self.db = db
        created = batch ? try CreatedRecords(db) : nil
        insertRecord = try FastStatement(
            db,
            sql: """
                INSERT INTO weapon_record (
                    id, owner_code, version, external_ref, category, make, model, calibre, serial_number, serial_obliterated,
                    markings, country_of_manufacture, year_of_manufacture, import_country, import_year, status, event_date,
                    event_country, event_place, event_circumstances, event_legal_justification, event_criminal_context,
                    event_case_reference, sharing_mode, notes, details_hash, created_at, updated_at
                ) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (owner_code, external_ref) DO NOTHING
                """
        )
        updateRecord = try FastStatement(
            db,
            sql: """
                UPDATE weapon_record SET
                    external_ref = ?, category = ?, make = ?, model = ?, calibre = ?, serial_number = ?,
                    serial_obliterated = ?, markings = ?, country_of_manufacture = ?, year_of_manufacture = ?,
                    import_country = ?, import_year = ?, status = ?, event_date = ?, event_country = ?, event_place = ?,
                    event_circumstances = ?, event_legal_justification = ?, event_criminal_context = ?,
                    event_case_reference = ?, sharing_mode = ?, notes = ?, details_hash = ?, updated_at = ?, version = ?
                WHERE id = ?
                """
        )
        insertHistory = try FastStatement(
            db,
            sql: """
                INSERT INTO weapon_record_history (record_id, version, action, recorded_at, user_id, member_code, channel, previous_details)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        deleteShares = try FastStatement(db, sql: "DELETE FROM weapon_record_share WHERE record_id = ?")
        insertShare = try FastStatement(db, sql: "INSERT INTO weapon_record_share (record_id, member_code) VALUES (?, ?)")
        findByReference = try FastStatement(
            db,
            sql: "SELECT id, version, details_hash, updated_at = ? FROM weapon_record WHERE owner_code = ? AND external_ref = ?"
        )
    }

    /// Creates the record, or updates the one with the same owner and `external_ref` when its details differ.
    ///
    /// When the row is expected to be new, the insert comes first and yields to an existing row, so a new record
    /// costs one statement; when it is expected to exist (a re-import), the lookup comes first and an unchanged row
    /// costs one read. A bulk import passes one `now` for all its rows, so a record already written at `now` is
    /// reported as ``Outcome/repeated(_:)`` rather than silently overwritten by a later row of the same file.
    /// - Parameter expectExisting: which order to try; the outcome is the same either way.
    func upsert(_ prepared: PreparedDetails, expectExisting: Bool = false, by actor: Actor, at now: Timestamp) throws -> Outcome {
        if !expectExisting {
            let id = WeaponRecord.ID.generate(at: now.date)
            if try insert(prepared, id: id, by: actor, at: now) { return .created(id) }
        }
        let details = prepared.details
        let bindReference = { (bind: inout FastBinder) in
            bind.text(now.text)
            bind.text(actor.member.rawValue)
            bind.text(details.externalRef)
        }
        let existing = try findByReference.first(bindReference) { row in
            (id: row.text(0) ?? "", version: row.int(1), hash: row.blob(2), repeated: row.int(3) == 1)
        }
        guard let existing, let existingID = WeaponRecord.ID(existing.id) else {
            guard expectExisting else { throw StorageError("record \(details.externalRef) vanished") }
            return try upsert(prepared, expectExisting: false, by: actor, at: now)
        }
        if existing.repeated { return .repeated(existingID) }
        if existing.hash == prepared.hash { return .unchanged(existingID) }
        guard let current = try WeaponRecordSQLiteRepository.fetch(db, id: existingID) else {
            throw StorageError("record \(existingID) vanished")
        }
        try update(current, to: prepared, by: actor, at: now)
        return .updated(existingID)
    }

    /// Inserts a new record at version 1 with its `created` history entry, unless the owner already has a record
    /// with the same `external_ref`.
    /// - Returns: whether the record was inserted.
    @discardableResult
    func insert(_ prepared: PreparedDetails, id: WeaponRecord.ID, by actor: Actor, at now: Timestamp) throws -> Bool {
        let key = id.description
        try insertRecord.run { bind in
            bind.text(key)
            bind.text(actor.member.rawValue)
            Self.bindDetails(prepared, to: &bind)
            bind.text(now.text)
            bind.text(now.text)
        }
        guard insertRecord.changes == 1 else { return false }
        try insertShares(prepared.details.sharing, for: key)
        if let created {
            try created.add(by: actor, at: now)
        } else {
            try appendHistory(key, version: 1, action: .created, previous: nil, by: actor, at: now)
        }
        counts.add(Self.countKey(prepared.details, owner: actor.member, entered: now), by: 1)
        return true
    }

    /// Replaces the details of the record `current`, moves it to the next version and appends an `updated` history
    /// entry holding its old details.
    func update(_ current: WeaponRecord, to prepared: PreparedDetails, by actor: Actor, at now: Timestamp) throws {
        let key = current.id.description
        let version = current.version + 1
        try updateRecord.run { bind in
            Self.bindDetails(prepared, to: &bind)
            bind.text(now.text)
            bind.int(version)
            bind.text(key)
        }
        try deleteShares.run { $0.text(key) }
        try insertShares(prepared.details.sharing, for: key)
        try appendHistory(key, version: version, action: .updated, previous: current.details.snapshotJSON(), by: actor, at: now)
        let entered = Timestamp(current.createdAt)
        counts.add(Self.countKey(current.details, owner: current.owner, entered: entered), by: -1)
        counts.add(Self.countKey(prepared.details, owner: current.owner, entered: entered), by: 1)
    }

    /// The group of `weapon_record_count` that a record with these details, entered at `entered`, falls in.
    private static func countKey(_ details: WeaponRecord.Details, owner: MemberCode, entered: Timestamp) -> RecordCounts.Key {
        RecordCounts.Key(
            owner: owner,
            status: details.status,
            category: details.category,
            enteredMonth: entered.month,
            eventMonth: RecordCounts.Key.month(of: details.event.date)
        )
    }

    /// Binds the details' columns and hash, in the order both the INSERT (after id and owner) and the UPDATE list them.
    private static func bindDetails(_ prepared: PreparedDetails, to bind: inout FastBinder) {
        let details = prepared.details
        let event = details.event
        bind.text(details.externalRef)
        bind.text(details.category.rawValue)
        bind.text(details.make)
        bind.text(details.model)
        bind.text(details.calibre)
        bind.text(details.serialNumber)
        bind.text(details.serialObliterated.rawValue)
        bind.text(prepared.markingsJSON)
        bind.text(details.countryOfManufacture)
        bind.int(details.yearOfManufacture)
        bind.text(details.importCountry)
        bind.int(details.importYear)
        bind.text(details.status.rawValue)
        bind.text(prepared.eventDate)
        bind.text(event.country)
        bind.text(event.place)
        bind.text(event.circumstances)
        bind.text(event.legalJustification)
        bind.text(event.criminalContext)
        bind.text(event.caseReference)
        bind.text(details.sharing.mode)
        bind.text(details.notes)
        bind.blob(prepared.hash)
    }

    private func insertShares(_ sharing: Sharing, for key: String) throws {
        for member in sharing.memberCodes {
            try insertShare.run { bind in
                bind.text(key)
                bind.text(member.rawValue)
            }
        }
    }

    private func appendHistory(
        _ key: String,
        version: Int,
        action: RecordHistoryEntry.Action,
        previous: String?,
        by actor: Actor,
        at now: Timestamp
    ) throws {
        try insertHistory.run { bind in
            bind.text(key)
            bind.int(version)
            bind.text(action.rawValue)
            bind.text(now.text)
            bind.text(actor.userID?.description)
            bind.text(actor.member.rawValue)
            bind.text(actor.channel.rawValue)
            bind.text(previous)
        }
    }
}

/// The records a bulk import's batch created, and the one statement that writes their `created` history entries.
private final class CreatedRecords {
    /// The table's last rowid before the batch: the batch's new records come after it.
    private let after: Int64
    private var count = 0
    private var author: (actor: Actor, at: RecordRowWriter.Timestamp)?

    init(_ db: Database) throws {
        after = try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM weapon_record") ?? 0
    }

    /// Counts a record created by `actor` at `now`, the same for every record of the batch.
    func add(by actor: Actor, at now: RecordRowWriter.Timestamp) throws {
        if let author {
            guard author.actor == actor, author.at.text == now.text else {
                throw StorageError("a batch's records were written by more than one actor or at more than one moment")
            }
        } else {
            author = (actor, now)
        }
        count += 1
    }

    /// Writes the history entries, and checks that they are as many as the records created.
    func appendHistory(_ db: Database) throws {
        guard let author, count > 0 else { return }
        try db.execute(
            sql: """
                INSERT INTO weapon_record_history (record_id, version, action, recorded_at, user_id, member_code, channel, previous_details)
                SELECT id, 1, ?, ?, ?, ?, ?, NULL FROM weapon_record WHERE rowid > ?
                """,
            arguments: [
                RecordHistoryEntry.Action.created.rawValue, author.at.text, author.actor.userID?.description,
                author.actor.member.rawValue, author.actor.channel.rawValue, after,
            ]
        )
        guard db.changesCount == count else {
            throw StorageError("\(count) records were created, \(db.changesCount) found past the table's last row before the batch")
        }
    }
}
