import ArmsTraceDomain
import Foundation
import PostgresNIO

extension PostgresStockpileRepository {
    func report(owner: MemberCode, from: CalendarDate, to: CalendarDate) async throws -> StockReport {
        let (start, end) = StockReport.bounds(from: from, to: to)
        let code = owner.rawValue
        return try await database.read { connection in
            let stock = try await connection.rows(
                """
                SELECT site_id, category, status, count(*)::int AS n FROM stock_weapon WHERE owner_code = \(code)
                GROUP BY 1, 2, 3 ORDER BY site_id NULLS FIRST, category COLLATE "C", status COLLATE "C"
                """,
                database.logger
            ).map { row in
                StockReport.StockRow(
                    site: try row.optionalID("site_id"),
                    category: try row.enumeration("category"),
                    status: try row.enumeration("status"),
                    count: try row.int("n")
                )
            }
            let movements = try await connection.rows(
                """
                SELECT m.kind, count(*)::int AS n FROM stock_movement m JOIN stock_weapon w ON w.id = m.weapon_id
                WHERE w.owner_code = \(code) AND m.at >= \(start) AND m.at < \(end) GROUP BY 1 ORDER BY m.kind COLLATE "C"
                """,
                database.logger
            ).map { StockReport.MovementCount(kind: try $0.enumeration("kind"), count: try $0.int("n")) }
            let checks = try await connection.rows(
                """
                SELECT id, site_id, started_at, closed_at, result::text AS result FROM stock_check
                WHERE owner_code = \(code) AND started_at >= \(start) AND started_at < \(end) ORDER BY started_at
                """,
                database.logger
            ).map { row in
                let result = try row.optionalText("result").map { try StockRows.value(StockReconciliation.self, $0) }
                return StockReport.CheckRow(
                    check: try row.id("id"),
                    site: try row.id("site_id"),
                    startedAt: try row.date("started_at"),
                    closedAt: try row.optionalDate("closed_at"),
                    expected: result?.expectedCount,
                    found: result?.foundCount,
                    missing: result?.missing.count
                )
            }
            let losses = try await connection.rows(
                """
                SELECT w.id, w.serial_number, w.make, w.loss_record_id, m.kind, m.at FROM stock_movement m
                JOIN stock_weapon w ON w.id = m.weapon_id
                WHERE w.owner_code = \(code) AND m.kind IN ('lost', 'stolen') AND m.at >= \(start) AND m.at < \(end) ORDER BY m.sequence
                """,
                database.logger
            ).map { row in
                StockReport.LossRow(
                    weapon: try row.id("id"),
                    serialNumber: try row.text("serial_number"),
                    make: try row.text("make"),
                    kind: try row.enumeration("kind"),
                    at: try row.date("at"),
                    record: try row.optionalID("loss_record_id")
                )
            }
            let destructions = try await connection.rows(
                """
                SELECT e.method, extract(year FROM e.destroyed_on)::int AS year, count(DISTINCT e.id)::int AS events,
                    count(i.weapon_id)::int AS weapons
                FROM destruction_event e JOIN destruction_item i ON i.event_id = e.id
                WHERE e.owner_code = \(code) AND e.status = 'verified' GROUP BY 1, 2 ORDER BY year, e.method COLLATE "C"
                """,
                database.logger
            ).map { row in
                StockReport.DestructionRow(
                    method: try row.enumeration("method"),
                    year: try row.int("year"),
                    events: try row.int("events"),
                    weapons: try row.int("weapons")
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
