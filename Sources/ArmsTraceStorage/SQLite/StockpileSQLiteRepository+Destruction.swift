import ArmsTraceDomain
import Foundation
import GRDB

extension StockpileSQLiteRepository {
    func planDestruction(_ event: DestructionEvent, by actor: Actor) async throws {
        try await writer.translatedWrite { db in
            try Self.write(db, event, insert: true)
            for (position, id) in event.weapons.enumerated() {
                guard let weapon = try Self.fetch(db, id, owner: actor.member) else {
                    throw DomainError.notFound(entity: "weapon", id: id.description)
                }
                let (next, movement) = try weapon.settingAside(for: event, by: actor, at: event.plannedAt)
                try Self.update(db, next)
                try Self.append(db, movement)
                try db.execute(
                    sql: "INSERT INTO destruction_item (event_id, position, weapon_id) VALUES (?, ?, ?)",
                    arguments: [event.id.description, position, id.description]
                )
            }
            try AuditChain.append(db, .destruction(event, by: actor))
        }
    }

    func recordDestruction(
        _ id: DestructionEvent.ID,
        on date: CalendarDate,
        witnesses: [String],
        by actor: Actor,
        at now: Date
    ) async throws
        -> DestructionEvent
    {
        try await writer.translatedWrite { db in
            let event = try Self.fetchDestruction(db, id, owner: actor.member).recorded(on: date, witnesses: witnesses, by: actor, at: now)
            try Self.write(db, event, insert: false)
            try AuditChain.append(db, .destruction(event, by: actor))
            return event
        }
    }

    func verifyDestruction(_ id: DestructionEvent.ID, note: String, by actor: Actor, at now: Date) async throws -> DestructionEvent {
        try await writer.translatedWrite { db in
            let event = try Self.fetchDestruction(db, id, owner: actor.member).verified(note: note, by: actor, at: now)
            for weaponID in event.weapons {
                guard let weapon = try Self.fetch(db, weaponID, owner: actor.member) else {
                    throw DomainError.notFound(entity: "weapon", id: weaponID.description)
                }
                let (next, movement) = try weapon.destroyed(in: event, by: actor, at: now)
                try Self.update(db, next)
                try Self.append(db, movement)
            }
            try Self.write(db, event, insert: false)
            try AuditChain.append(db, .destruction(event, by: actor))
            return event
        }
    }

    func destruction(_ id: DestructionEvent.ID, owner: MemberCode) async throws -> DestructionEvent {
        try await read { db in try Self.fetchDestruction(db, id, owner: owner) }
    }

    func destructions(owner: MemberCode) async throws -> [DestructionEvent] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: "SELECT id FROM destruction_event WHERE owner_code = ? ORDER BY planned_at DESC, id DESC",
                arguments: [owner.rawValue]
            )
            .compactMap(DestructionEvent.ID.init).map { try Self.fetchDestruction(db, $0, owner: owner) }
        }
    }

    private static func write(_ db: Database, _ event: DestructionEvent, insert: Bool) throws {
        let values: [(any DatabaseValueConvertible)?] = [
            event.owner.rawValue, event.method.rawValue, event.place, event.plannedFor.description, event.status.rawValue, event.plannedAt,
            event.plannedBy?.description, event.destroyedOn?.description, try StockRows.json(event.witnesses), event.recordedAt,
            event.recordedBy?.description, event.verifiedAt, event.verifiedBy?.description, event.verification, event.id.description,
        ]
        try db.execute(
            sql: insert
                ? """
                INSERT INTO destruction_event (owner_code, method, place, planned_for, status, planned_at, planned_by, destroyed_on, witnesses,
                    recorded_at, recorded_by, verified_at, verified_by, verification, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
                : """
                UPDATE destruction_event SET owner_code = ?, method = ?, place = ?, planned_for = ?, status = ?, planned_at = ?, planned_by = ?,
                    destroyed_on = ?, witnesses = ?, recorded_at = ?, recorded_by = ?, verified_at = ?, verified_by = ?, verification = ?
                WHERE id = ?
                """,
            arguments: StatementArguments(values)
        )
    }

    private static func fetchDestruction(_ db: Database, _ id: DestructionEvent.ID, owner: MemberCode) throws -> DestructionEvent {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT * FROM destruction_event WHERE id = ? AND owner_code = ?",
                arguments: [id.description, owner.rawValue]
            )
        else { throw DomainError.notFound(entity: "destruction", id: id.description) }
        let weapons = try String.fetchAll(
            db,
            sql: "SELECT weapon_id FROM destruction_item WHERE event_id = ? ORDER BY position",
            arguments: [id.description]
        )
        .compactMap(StockWeapon.ID.init)
        func date(_ column: String) throws -> CalendarDate? {
            try (row[column] as String?).map { text in
                guard let date = CalendarDate(text) else { throw StorageError("destruction_event.\(column) holds '\(text)'") }
                return date
            }
        }
        return DestructionEvent(
            id: id,
            owner: owner,
            method: try enumeration(row, "method"),
            place: row["place"],
            plannedFor: try date("planned_for")!,
            weapons: weapons,
            status: try enumeration(row, "status"),
            plannedAt: row["planned_at"],
            plannedBy: (row["planned_by"] as String?).flatMap(User.ID.init),
            destroyedOn: try date("destroyed_on"),
            witnesses: try StockRows.value([String].self, row["witnesses"]),
            recordedAt: row["recorded_at"],
            recordedBy: (row["recorded_by"] as String?).flatMap(User.ID.init),
            verifiedAt: row["verified_at"],
            verifiedBy: (row["verified_by"] as String?).flatMap(User.ID.init),
            verification: row["verification"]
        )
    }
}
