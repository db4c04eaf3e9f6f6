import ArmsTraceDomain
import Foundation
import PostgresNIO

extension PostgresStockpileRepository {
    func planDestruction(_ event: DestructionEvent, by actor: Actor) async throws {
        try await database.write { connection in
            try await insert(connection, event)
            for (position, id) in event.weapons.enumerated() {
                guard let weapon = try await fetch(connection, id, owner: actor.member, forUpdate: true) else {
                    throw DomainError.notFound(entity: "weapon", id: id.description)
                }
                let (next, movement) = try weapon.settingAside(for: event, by: actor, at: event.plannedAt)
                try await update(connection, next)
                try await append(connection, movement)
                try await connection.rows(
                    "INSERT INTO destruction_item (event_id, position, weapon_id) VALUES (\(event.id.uuid), \(position), \(id.uuid))",
                    database.logger
                )
            }
            try await database.audit(connection, .destruction(event, by: actor))
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
        try await database.write { connection in
            let event = try await fetchDestruction(connection, id, owner: actor.member, forUpdate: true)
                .recorded(on: date, witnesses: witnesses, by: actor, at: now)
            try await saveProgress(connection, event)
            try await database.audit(connection, .destruction(event, by: actor))
            return event
        }
    }

    func verifyDestruction(_ id: DestructionEvent.ID, note: String, by actor: Actor, at now: Date) async throws -> DestructionEvent {
        try await database.write { connection in
            let event = try await fetchDestruction(connection, id, owner: actor.member, forUpdate: true).verified(note: note, by: actor, at: now)
            for weaponID in event.weapons {
                guard let weapon = try await fetch(connection, weaponID, owner: actor.member, forUpdate: true) else {
                    throw DomainError.notFound(entity: "weapon", id: weaponID.description)
                }
                let (next, movement) = try weapon.destroyed(in: event, by: actor, at: now)
                try await update(connection, next)
                try await append(connection, movement)
            }
            try await saveProgress(connection, event)
            try await database.audit(connection, .destruction(event, by: actor))
            return event
        }
    }

    func destruction(_ id: DestructionEvent.ID, owner: MemberCode) async throws -> DestructionEvent {
        try await database.read { connection in try await fetchDestruction(connection, id, owner: owner, forUpdate: false) }
    }

    func destructions(owner: MemberCode) async throws -> [DestructionEvent] {
        try await database.read { connection in
            var events: [DestructionEvent] = []
            for row in try await connection.rows(
                "SELECT id FROM destruction_event WHERE owner_code = \(owner.rawValue) ORDER BY planned_at DESC, id DESC",
                database.logger
            ) {
                events.append(try await fetchDestruction(connection, try row.id("id"), owner: owner, forUpdate: false))
            }
            return events
        }
    }

    private func insert(_ connection: PostgresConnection, _ event: DestructionEvent) async throws {
        try await connection.rows(
            """
            INSERT INTO destruction_event (id, owner_code, method, place, planned_for, status, planned_at, planned_by, witnesses)
            VALUES (\(event.id.uuid), \(event.owner.rawValue), \(event.method.rawValue), \(event.place), \(event.plannedFor.description)::date,
                \(event.status.rawValue), \(event.plannedAt.stored), \(event.plannedBy?.uuid), \(try StockRows.json(event.witnesses))::json)
            """,
            database.logger
        )
    }

    /// Writes what recording and verifying change.
    private func saveProgress(_ connection: PostgresConnection, _ event: DestructionEvent) async throws {
        try await connection.rows(
            """
            UPDATE destruction_event SET status = \(event.status.rawValue), destroyed_on = \(event.destroyedOn?.description)::date,
                witnesses = \(try StockRows.json(event.witnesses))::json, recorded_at = \(event.recordedAt.stored),
                recorded_by = \(event.recordedBy?.uuid), verified_at = \(event.verifiedAt.stored), verified_by = \(event.verifiedBy?.uuid),
                verification = \(event.verification)
            WHERE id = \(event.id.uuid)
            """,
            database.logger
        )
    }

    private func fetchDestruction(
        _ connection: PostgresConnection,
        _ id: DestructionEvent.ID,
        owner: MemberCode,
        forUpdate: Bool
    ) async throws
        -> DestructionEvent
    {
        let query: PostgresQuery =
            forUpdate
            ? """
            SELECT *, planned_for::text AS planned_day, destroyed_on::text AS destroyed_day, witnesses::text AS witness_list
            FROM destruction_event WHERE id = \(id.uuid) AND owner_code = \(owner.rawValue) FOR UPDATE
            """
            : """
            SELECT *, planned_for::text AS planned_day, destroyed_on::text AS destroyed_day, witnesses::text AS witness_list
            FROM destruction_event WHERE id = \(id.uuid) AND owner_code = \(owner.rawValue)
            """
        guard let row = try await connection.rows(query, database.logger).first else {
            throw DomainError.notFound(entity: "destruction", id: id.description)
        }
        let weapons: [StockWeapon.ID] = try await connection.rows(
            "SELECT weapon_id FROM destruction_item WHERE event_id = \(id.uuid) ORDER BY position",
            database.logger
        ).map { try $0.id("weapon_id") }
        guard let plannedFor = CalendarDate(try row.text("planned_day")) else { throw StorageError("destruction_event.planned_for is malformed") }
        return DestructionEvent(
            id: id,
            owner: owner,
            method: try row.enumeration("method"),
            place: try row.text("place"),
            plannedFor: plannedFor,
            weapons: weapons,
            status: try row.enumeration("status"),
            plannedAt: try row.date("planned_at"),
            plannedBy: try row.optionalID("planned_by"),
            destroyedOn: try row.optionalText("destroyed_day").flatMap { CalendarDate($0) },
            witnesses: try StockRows.value([String].self, try row.text("witness_list")),
            recordedAt: try row.optionalDate("recorded_at"),
            recordedBy: try row.optionalID("recorded_by"),
            verifiedAt: try row.optionalDate("verified_at"),
            verifiedBy: try row.optionalID("verified_by"),
            verification: try row.optionalText("verification")
        )
    }
}
