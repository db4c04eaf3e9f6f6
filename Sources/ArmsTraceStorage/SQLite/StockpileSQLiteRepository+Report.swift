import ArmsTraceDomain
import Foundation
import GRDB

extension StockpileSQLiteRepository {
    func report(owner: MemberCode, from: CalendarDate, to: CalendarDate) async throws -> StockReport {
        let (start, end) = StockReport.bounds(from: from, to: to)
        return try await read { db in
            let code = owner.rawValue
            let stock = try Row.fetchAll(
                db,
                sql: "SELECT site_id, category, status, count(*) AS n FROM stock_weapon WHERE owner_code = ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
                arguments: [code]
            ).map { row in
                StockReport.StockRow(
                    site: (row["site_id"] as String?).flatMap(StockSite.ID.init),
                    category: try Self.enumeration(row, "category"),
                    status: try Self.enumeration(row, "status"),
                    count: row["n"]
                )
            }
            let movements = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.kind, count(*) AS n FROM stock_movement m JOIN stock_weapon w ON w.id = m.weapon_id
                    WHERE w.owner_code = ? AND m.at >= ? AND m.at < ? GROUP BY 1 ORDER BY 1
                    """,
                arguments: [code, start, end]
            ).map { StockReport.MovementCount(kind: try Self.enumeration($0, "kind"), count: $0["n"]) }
            let checks = try Row.fetchAll(
                db,
                sql:
                    "SELECT id, site_id, started_at, closed_at, result FROM stock_check WHERE owner_code = ? AND started_at >= ? AND started_at < ? ORDER BY started_at",
                arguments: [code, start, end]
            ).map { row in
                let result = try (row["result"] as String?).map { try StockRows.value(StockReconciliation.self, $0) }
                guard let id = StockCheck.ID(row["id"] as String), let site = StockSite.ID(row["site_id"] as String) else {
                    throw StorageError("stock_check row is malformed")
                }
                return StockReport.CheckRow(
                    check: id,
                    site: site,
                    startedAt: row["started_at"],
                    closedAt: row["closed_at"],
                    expected: result?.expectedCount,
                    found: result?.foundCount,
                    missing: result?.missing.count
                )
            }
            let losses = try Row.fetchAll(
                db,
                sql: """
                    SELECT w.id, w.serial_number, w.make, w.loss_record_id, m.kind, m.at FROM stock_movement m
                    JOIN stock_weapon w ON w.id = m.weapon_id
                    WHERE w.owner_code = ? AND m.kind IN ('lost', 'stolen') AND m.at >= ? AND m.at < ? ORDER BY m.sequence
                    """,
                arguments: [code, start, end]
            ).map { row in
                guard let id = StockWeapon.ID(row["id"] as String) else { throw StorageError("stock_weapon row is malformed") }
                return StockReport.LossRow(
                    weapon: id,
                    serialNumber: row["serial_number"],
                    make: row["make"],
                    kind: try Self.enumeration(row, "kind"),
                    at: row["at"],
                    record: (row["loss_record_id"] as String?).flatMap(WeaponRecord.ID.init)
                )
            }
            let destructions = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.method, CAST(substr(e.destroyed_on, 1, 4) AS INTEGER) AS year, count(DISTINCT e.id) AS events, count(i.weapon_id) AS weapons
                    FROM destruction_event e JOIN destruction_item i ON i.event_id = e.id
                    WHERE e.owner_code = ? AND e.status = 'verified' GROUP BY 1, 2 ORDER BY 2, 1
                    """,
                arguments: [code]
            ).map { row in
                StockReport.DestructionRow(
                    method: try Self.enumeration(row, "method"),
                    year: row["year"],
                    events: row["events"],
                    weapons: row["weapons"]
                )
            }
            return StockReport(
                from: from,
                to: to,
                stock: stock,
                movements: movements,
                checks: checks,
                overdueSites: [],
                losses: losses,
                destructions: destructions
            )
        }
    }
}
