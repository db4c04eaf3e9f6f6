import ArmsTraceDomain
import Foundation
import PostgresNIO

extension PostgresStockpileRepository {
    func receive(_ lot: AmmunitionLot, by actor: Actor) async throws {
        try await database.write(conflict: "the site holds a lot numbered \(lot.lotNumber) already") { connection in
            let owned = try await connection.rows(
                "SELECT 1 AS owned FROM stock_site WHERE id = \(lot.site.uuid) AND owner_code = \(actor.member.rawValue)",
                database.logger
            )
            guard !owned.isEmpty else { throw DomainError.notFound(entity: "site", id: lot.site.description) }
            try await connection.rows(
                """
                INSERT INTO ammunition_lot (id, owner_code, lot_number, type, quantity, site_id, expiry, created_at, updated_at)
                VALUES (\(lot.id.uuid), \(lot.owner.rawValue), \(lot.lotNumber), \(lot.type), \(lot.quantity), \(lot.site.uuid),
                    \(lot.expiry?.description)::date, \(lot.createdAt.stored), \(lot.updatedAt.stored))
                """,
                database.logger
            )
            try await appendAmmunition(connection, lot, delta: lot.quantity, reason: "received", by: actor)
            try await database.audit(connection, .ammunition(lot, change: "received \(lot.quantity)", by: actor))
        }
    }

    func change(_ id: AmmunitionLot.ID, by delta: Int, reason: String, actor: Actor, at now: Date) async throws -> AmmunitionLot {
        try await database.write { connection in
            guard
                let row = try await connection.rows(
                    """
                    SELECT *, expiry::text AS expiry_day FROM ammunition_lot WHERE id = \(id.uuid) AND owner_code = \(actor.member.rawValue)
                    FOR UPDATE
                    """,
                    database.logger
                ).first
            else { throw DomainError.notFound(entity: "lot", id: id.description) }
            let lot = try Self.lot(row).changed(by: delta, reason: reason, at: now)
            try await connection.rows(
                "UPDATE ammunition_lot SET quantity = \(lot.quantity), updated_at = \(lot.updatedAt.stored) WHERE id = \(id.uuid)",
                database.logger
            )
            try await appendAmmunition(connection, lot, delta: delta, reason: reason.trimmingCharacters(in: .whitespacesAndNewlines), by: actor)
            try await database.audit(connection, .ammunition(lot, change: "\(delta > 0 ? "+" : "")\(delta) (\(reason))", by: actor))
            return lot
        }
    }

    func ammunition(owner: MemberCode) async throws -> [AmmunitionLot] {
        try await database.read { connection in
            try await connection.rows(
                """
                SELECT *, expiry::text AS expiry_day FROM ammunition_lot WHERE owner_code = \(owner.rawValue)
                ORDER BY site_id, lot_number COLLATE "C"
                """,
                database.logger
            )
        }.map(Self.lot)
    }

    private func appendAmmunition(_ connection: PostgresConnection, _ lot: AmmunitionLot, delta: Int, reason: String, by actor: Actor) async throws {
        try await connection.rows(
            """
            INSERT INTO ammunition_movement (lot_id, delta, quantity_after, reason, at, member_code, user_id)
            VALUES (\(lot.id.uuid), \(delta), \(lot.quantity), \(reason), \(lot.updatedAt.stored), \(actor.member.rawValue), \(actor.userID?.uuid))
            """,
            database.logger
        )
    }

    private static func lot(_ row: PostgresRandomAccessRow) throws -> AmmunitionLot {
        AmmunitionLot(
            id: try row.id("id"),
            owner: try row.member("owner_code"),
            lotNumber: try row.text("lot_number"),
            type: try row.text("type"),
            quantity: try row.int("quantity"),
            site: try row.id("site_id"),
            expiry: try row.optionalText("expiry_day").flatMap { CalendarDate($0) },
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
