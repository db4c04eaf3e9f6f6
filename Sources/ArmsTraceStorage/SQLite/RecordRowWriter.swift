import ArmsTraceDomain
import Foundation
import GRDB

/// Writes weapon records, their sharing lists and their history entries inside a transaction that the caller holds.
///
/// Both the API's single-record writes and bulk imports go through here, with statements prepared once and reused,
/// so that a million rows cost a million executions, not a million parses.
struct RecordRowWriter {
    /// What an upsert did to a row.
    enum Outcome: Equatable {
        case created(WeaponRecord.ID)
        case updated(WeaponRecord.ID)
        case unchanged(WeaponRecord.ID)
        /// The record was already written at this same instant: the input names the same `external_ref` twice.
        case repeated(WeaponRecord.ID)
    }

    private let insertRecord: Statement
    private let updateRecord: Statement
    private let insertHistory: Statement
    private let deleteShares: Statement
    private let insertShare: Statement
    private let findByReference: Statement
    private let latestSnapshot: Statement

    init(_ db: Database) throws {
        insertRecord = try db.cachedStatement(
            sql: """
                INSERT INTO weapon_record (
                    id, owner_code, version, external_ref, category, make, model, calibre, serial_number, serial_obliterated,
                    markings, country_of_manufacture, year_of_manufacture, import_country, import_year, status, event_date,
                    event_country, event_place, event_circumstances, event_legal_justification, event_criminal_context,
                    event_case_reference, sharing_mode, notes, created_at, updated_at
                ) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        updateRecord = try db.cachedStatement(
            sql: """
                UPDATE weapon_record SET
                    external_ref = ?, category = ?, make = ?, model = ?, calibre = ?, serial_number = ?,
                    serial_obliterated = ?, markings = ?, country_of_manufacture = ?, year_of_manufacture = ?,
                    import_country = ?, import_year = ?, status = ?, event_date = ?, event_country = ?, event_place = ?,
                    event_circumstances = ?, event_legal_justification = ?, event_criminal_context = ?,
                    event_case_reference = ?, sharing_mode = ?, notes = ?, updated_at = ?, version = ?
                WHERE id = ?
                """
        )
        insertHistory = try db.cachedStatement(
            sql: """
                INSERT INTO weapon_record_history (record_id, version, action, recorded_at, user_id, member_code, channel, snapshot)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        deleteShares = try db.cachedStatement(sql: "DELETE FROM weapon_record_share WHERE record_id = ?")
        insertShare = try db.cachedStatement(sql: "INSERT INTO weapon_record_share (record_id, member_code) VALUES (?, ?)")
        findByReference = try db.cachedStatement(
            sql: "SELECT id, version, updated_at = ? AS repeated FROM weapon_record WHERE owner_code = ? AND external_ref = ?"
        )
        latestSnapshot = try db.cachedStatement(
            sql: "SELECT snapshot FROM weapon_record_history WHERE record_id = ? ORDER BY version DESC LIMIT 1"
        )
    }

    /// Creates the record, or updates the one with the same owner and `external_ref` when its details differ.
    ///
    /// A bulk import passes one `now` for all its rows, so a record already written at `now` is reported as
    /// ``Outcome/repeated(_:)`` rather than silently overwritten by a later row of the same file.
    func upsert(_ details: WeaponRecord.Details, by actor: Actor, at now: Date) throws -> Outcome {
        let snapshot = details.snapshotJSON()
        guard let existing = try Row.fetchOne(findByReference, arguments: [now, actor.member.rawValue, details.externalRef]) else {
            let id = WeaponRecord.ID.generate(at: now)
            try insert(details, id: id, snapshot: snapshot, by: actor, at: now)
            return .created(id)
        }
        let id = WeaponRecord.ID(existing["id"] as String)!
        let version: Int = existing["version"]
        if existing["repeated"] as Bool { return .repeated(id) }
        if try String.fetchOne(latestSnapshot, arguments: [id.description]) == snapshot { return .unchanged(id) }
        try update(id, to: version + 1, details: details, snapshot: snapshot, by: actor, at: now)
        return .updated(id)
    }

    /// Inserts a new record at version 1 with its `created` history entry.
    func insert(_ details: WeaponRecord.Details, id: WeaponRecord.ID, snapshot: String? = nil, by actor: Actor, at now: Date) throws {
        let event = details.event
        try insertRecord.execute(arguments: [
            id.description, actor.member.rawValue, details.externalRef, details.category.rawValue, details.make,
            details.model, details.calibre, details.serialNumber, details.serialObliterated.rawValue,
            details.markings.jsonText(), details.countryOfManufacture, details.yearOfManufacture, details.importCountry,
            details.importYear, details.status.rawValue, event.date?.description, event.country, event.place,
            event.circumstances, event.legalJustification, event.criminalContext, event.caseReference,
            details.sharing.mode, details.notes, now, now,
        ])
        try insertShares(details.sharing, for: id)
        try appendHistory(id, version: 1, action: .created, snapshot: snapshot ?? details.snapshotJSON(), by: actor, at: now)
    }

    /// Replaces a record's details, sets its version and appends an `updated` history entry.
    func update(
        _ id: WeaponRecord.ID, to version: Int, details: WeaponRecord.Details, snapshot: String? = nil, by actor: Actor, at now: Date
    ) throws {
        let event = details.event
        try updateRecord.execute(arguments: [
            details.externalRef, details.category.rawValue, details.make, details.model, details.calibre,
            details.serialNumber, details.serialObliterated.rawValue, details.markings.jsonText(),
            details.countryOfManufacture, details.yearOfManufacture, details.importCountry, details.importYear,
            details.status.rawValue, event.date?.description, event.country, event.place, event.circumstances,
            event.legalJustification, event.criminalContext, event.caseReference, details.sharing.mode, details.notes,
            now, version, id.description,
        ])
        try deleteShares.execute(arguments: [id.description])
        try insertShares(details.sharing, for: id)
        try appendHistory(id, version: version, action: .updated, snapshot: snapshot ?? details.snapshotJSON(), by: actor, at: now)
    }

    private func insertShares(_ sharing: Sharing, for id: WeaponRecord.ID) throws {
        for member in sharing.memberCodes {
            try insertShare.execute(arguments: [id.description, member.rawValue])
        }
    }

    private func appendHistory(
        _ id: WeaponRecord.ID, version: Int, action: RecordHistoryEntry.Action, snapshot: String, by actor: Actor, at now: Date
    ) throws {
        try insertHistory.execute(arguments: [
            id.description, version, action.rawValue, now, actor.userID?.description, actor.member.rawValue,
            actor.channel.rawValue, snapshot,
        ])
    }
}
