import ArmsTraceDomain
import Foundation
import GRDB

extension StockpileSQLiteRepository {
    func receive(_ lot: AmmunitionLot, by actor: Actor) async throws {
        try await writer.translatedWrite(conflict: "the site holds a lot numbered \(lot.lotNumber) already") { db in
            let owned = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM stock_site WHERE id = ? AND owner_code = ?)",
                arguments: [lot.site.description, actor.member.rawValue]
            )
            guard owned == true else { throw DomainError.notFound(entity: "site", id: lot.site.description) }
            try db.execute(
                sql: """
                    INSERT INTO ammunition_lot (id, owner_code, lot_number, type, quantity, site_id, expiry, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    lot.id.description, lot.owner.rawValue, lot.lotNumber, lot.type, lot.quantity, lot.site.description, lot.expiry?.description,
                    lot.createdAt, lot.updatedAt,
                ]
            )
            try Self.appendAmmunition(db, lot, delta: lot.quantity, reason: "received", by: actor)
            try AuditChain.append(db, .ammunition(lot, change: "received \(lot.quantity)", by: actor))
        }
    }

    func change(_ id: AmmunitionLot.ID, by delta: Int, reason: String, actor: Actor, at now: Date) async throws -> AmmunitionLot {
        try await writer.translatedWrite { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT * FROM ammunition_lot WHERE id = ? AND owner_code = ?",
                    arguments: [id.description, actor.member.rawValue]
                )
            else { throw DomainError.notFound(entity: "lot", id: id.description) }
            let lot = try Self.lot(row).changed(by: delta, reason: reason, at: now)
            try db.execute(
                sql: "UPDATE ammunition_lot SET quantity = ?, updated_at = ? WHERE id = ?",
                arguments: [lot.quantity, lot.updatedAt, id.description]
            )
            try Self.appendAmmunition(db, lot, delta: delta, reason: reason.trimmingCharacters(in: .whitespacesAndNewlines), by: actor)
            try AuditChain.append(db, .ammunition(lot, change: "\(delta > 0 ? "+" : "")\(delta) (\(reason))", by: actor))
            return lot
        }
    }

    func ammunition(owner: MemberCode) async throws -> [AmmunitionLot] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM ammunition_lot WHERE owner_code = ? ORDER BY site_id, lot_number",
                arguments: [owner.rawValue]
            ).map(Self.lot)
        }
    }

    private static func appendAmmunition(_ db: Database, _ lot: AmmunitionLot, delta: Int, reason: String, by actor: Actor) throws {
        try db.execute(
            sql: """
                INSERT INTO ammunition_movement (lot_id, delta, quantity_after, reason, at, member_code, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [lot.id.description, delta, lot.quantity, reason, lot.updatedAt, actor.member.rawValue, actor.userID?.description]
        )
    }

    private static func lot(_ row: Row) throws -> AmmunitionLot {
        guard let id = AmmunitionLot.ID(row["id"] as String), let site = StockSite.ID(row["site_id"] as String) else {
            throw StorageError("ammunition_lot row is malformed")
        }
        return AmmunitionLot(
            id: id,
            owner: try member(row["owner_code"]),
            lotNumber: row["lot_number"],
            type: row["type"],
            quantity: row["quantity"],
            site: site,
            expiry: (row["expiry"] as String?).flatMap { CalendarDate($0) },
            createdAt: row["created_at"],
            updatedAt: row["updated_at"]
        )
    }
}
