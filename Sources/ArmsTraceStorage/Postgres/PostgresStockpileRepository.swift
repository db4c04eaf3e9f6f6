import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``StockpileRepository`` on PostgreSQL: the same rules as SQLite's; steps lock the weapon's row.
struct PostgresStockpileRepository: StockpileRepository {
    let database: PostgresDatabase

    func createSite(_ site: StockSite, by actor: Actor) async throws {
        try await database.write(conflict: "the member has a site named \(site.name)") { connection in
            try await connection.rows(
                """
                INSERT INTO stock_site (id, owner_code, name, kind, custodian, security_level, check_interval_days, last_checked_at, created_at)
                VALUES (\(site.id.uuid), \(site.owner.rawValue), \(site.name), \(site.kind.rawValue), \(site.custodian),
                    \(site.securityLevel.rawValue), \(site.checkIntervalDays), \(site.lastCheckedAt.stored), \(site.createdAt.stored))
                """,
                database.logger
            )
            try await database.audit(connection, .stockSiteCreated(site, by: actor))
        }
    }

    func sites(owner: MemberCode) async throws -> [StockSite] {
        try await database.read { connection in
            try await connection.rows("SELECT * FROM stock_site WHERE owner_code = \(owner.rawValue) ORDER BY name COLLATE \"C\"", database.logger)
        }.map(Self.site)
    }

    func receive(_ weapons: [StockWeapon], by actor: Actor) async throws {
        guard !weapons.isEmpty else { return }
        try await database.write(conflict: "the member's stock already holds a weapon of that make and serial") { connection in
            let sites = Set(
                try await connection.rows("SELECT id FROM stock_site WHERE owner_code = \(actor.member.rawValue)", database.logger)
                    .map { try $0.uuid("id") }
            )
            for (index, weapon) in weapons.enumerated() where !(weapon.site.map { sites.contains($0.uuid) } ?? false) {
                throw DomainError.notFound(entity: "site", id: weapon.site?.description ?? "(none) for weapon \(index + 1)")
            }
            // A thousand weapons a statement, as arrays: one round trip instead of two per weapon.
            var offset = 0
            for batch in weapons.chunked(1_000) {
                try await insertReceived(connection, batch, offset: offset, by: actor)
                offset += batch.count
            }
            try await database.audit(connection, .stockReceived(weapons, by: actor))
        }
    }

    /// Inserts received weapons (at a site, never lost, issued or in transit) and their receipt movements.
    /// - Throws: `.conflict` naming the first weapon whose make and serial the stock holds already.
    private func insertReceived(_ connection: PostgresConnection, _ batch: [StockWeapon], offset: Int, by actor: Actor) async throws {
        let inserted = try await connection.rows(
            """
            INSERT INTO stock_weapon (id, owner_code, version, serial_number, serial_key, category, make, model, calibre, markings,
                condition, status, site_id, created_at, updated_at, container)
            SELECT id, \(actor.member.rawValue), 1, serial, serial_key, category, make, NULLIF(model, ''), NULLIF(calibre, ''), markings::json,
                condition, status, site, created, created, NULLIF(container, '')
            FROM unnest(\(batch.map(\.id.uuid))::uuid[], \(batch.map(\.serialNumber))::text[], \(batch.map(\.serialKey))::text[],
                \(batch.map(\.category.rawValue))::text[], \(batch.map(\.make))::text[], \(batch.map { $0.model ?? "" })::text[],
                \(batch.map { $0.calibre ?? "" })::text[], \(try batch.map { try StockRows.json($0.markings) })::text[],
                \(batch.map(\.condition.rawValue))::text[], \(batch.map(\.status.rawValue))::text[], \(batch.map { $0.site!.uuid })::uuid[],
                \(batch.map(\.createdAt.stored))::timestamptz[], \(batch.map { $0.container ?? "" })::text[])
                AS received(id, serial, serial_key, category, make, model, calibre, markings, condition, status, site, created, container)
            ON CONFLICT (owner_code, make, serial_number) DO NOTHING RETURNING id
            """,
            database.logger
        )
        guard inserted.count == batch.count else {
            let stored = Set(try inserted.map { try $0.uuid("id") })
            let index = batch.firstIndex { !stored.contains($0.id.uuid) } ?? 0
            throw DomainError.conflict(
                "the member's stock already holds \(batch[index].make) \(batch[index].serialNumber) (weapon \(offset + index + 1))"
            )
        }
        try await connection.rows(
            """
            INSERT INTO stock_movement (weapon_id, kind, at, member_code, user_id, to_site)
            SELECT weapon, 'receipt', at, \(actor.member.rawValue), \(actor.userID?.uuid), site
            FROM unnest(\(batch.map(\.id.uuid))::uuid[], \(batch.map(\.createdAt.stored))::timestamptz[], \(batch.map { $0.site!.uuid })::uuid[])
                WITH ORDINALITY AS received(weapon, at, site, position)
            ORDER BY position
            """,
            database.logger
        )
    }

    func weapon(_ id: StockWeapon.ID, owner: MemberCode) async throws -> StockWeapon {
        let weapon = try await database.read { connection in try await fetch(connection, id, owner: owner, forUpdate: false) }
        guard let weapon else { throw DomainError.notFound(entity: "weapon", id: id.description) }
        return weapon
    }

    func weapons(
        owner: MemberCode,
        site: StockSite.ID?,
        status: StockWeapon.Status?,
        limit: Int,
        cursor: String?
    ) async throws
        -> Page<StockWeapon>
    {
        var sql = QueryBuilder("SELECT * FROM stock_weapon WHERE owner_code = ")
        sql.append(sql.bind(owner.rawValue))
        if let after = try StockWeapon.ID.cursor(cursor) { sql.append(" AND id < \(sql.bind(after.uuid))") }
        if let site { sql.append(" AND site_id = \(sql.bind(site.uuid))") }
        if let status { sql.append(" AND status = \(sql.bind(status.rawValue))") }
        sql.append(" ORDER BY id DESC LIMIT \(limit + 1)")
        let rows = try await database.read { connection in try await connection.rows(sql.query, database.logger) }.map(Self.weapon)
        return Page(readAhead: rows, limit: limit) { $0.id.description }
    }

    func weapons(owner: MemberCode, serialKey: String) async throws -> [StockWeapon] {
        try await database.read { connection in
            try await connection.rows(
                "SELECT * FROM stock_weapon WHERE owner_code = \(owner.rawValue) AND serial_key = \(serialKey)",
                database.logger
            )
        }.map(Self.weapon)
    }

    func movements(of id: StockWeapon.ID, owner: MemberCode) async throws -> [StockMovement] {
        _ = try await weapon(id, owner: owner)
        return try await database.read { connection in
            try await connection.rows("SELECT * FROM stock_movement WHERE weapon_id = \(id.uuid) ORDER BY sequence", database.logger)
        }.map { row in
            StockMovement(
                weapon: id,
                kind: try row.enumeration("kind"),
                at: try row.date("at"),
                member: try row.member("member_code"),
                userID: try row.optionalID("user_id"),
                fromSite: try row.optionalID("from_site"),
                toSite: try row.optionalID("to_site"),
                holder: try row.optionalText("holder"),
                document: try row.optionalText("document"),
                detail: try row.optionalText("detail")
            )
        }
    }

    func apply(_ step: StockStep, to id: StockWeapon.ID, lossCountry: String?, by actor: Actor, at now: Date) async throws -> StockWeapon {
        try await database.write { connection in
            guard let current = try await fetch(connection, id, owner: actor.member, forUpdate: true) else {
                throw DomainError.notFound(entity: "weapon", id: id.description)
            }
            if case .dispatch(let destination, _) = step {
                let owned = try await connection.rows(
                    "SELECT 1 AS owned FROM stock_site WHERE id = \(destination.uuid) AND owner_code = \(actor.member.rawValue)",
                    database.logger
                )
                guard !owned.isEmpty else { throw DomainError.notFound(entity: "site", id: destination.description) }
            }
            var (next, movement) = try current.applying(step, by: actor, at: now)
            if case .reportLoss(let loss) = step {
                let recordID = WeaponRecord.ID.generate(at: now)
                let details = current.lossRecord(loss, country: lossCountry)
                let writer = PostgresRecordWriter(connection: connection, logger: database.logger)
                guard try await writer.insert(.init(details), id: recordID, by: actor, at: now) else {
                    throw DomainError.conflict("a record \(details.externalRef) exists already")
                }
                try await database.audit(connection, AuditEvent(.recordCreate, by: actor, subject: "record:\(recordID)", detail: details.externalRef))
                next.lossRecord = recordID
                movement.detail = (movement.detail ?? "") + "; shared record \(recordID)"
            }
            try await update(connection, next)
            try await append(connection, movement)
            try await database.audit(connection, .stockMoved(movement, serial: current.serialNumber, by: actor))
            return next
        }
    }

    func startCheck(site: StockSite.ID, by actor: Actor, at now: Date) async throws -> StockCheck {
        try await database.write { connection in
            let owned = try await connection.rows(
                "SELECT 1 AS owned FROM stock_site WHERE id = \(site.uuid) AND owner_code = \(actor.member.rawValue) FOR UPDATE",
                database.logger
            )
            guard !owned.isEmpty else { throw DomainError.notFound(entity: "site", id: site.description) }
            let expected: [StockWeapon.ID] = try await connection.rows(
                """
                SELECT id FROM stock_weapon WHERE site_id = \(site.uuid)
                    AND status IN ('in_service', 'in_store', 'surplus', 'awaiting_destruction') ORDER BY id
                """,
                database.logger
            ).map { try $0.id("id") }
            let check = StockCheck(id: .generate(at: now), owner: actor.member, site: site, startedAt: now, expected: expected)
            try await connection.rows(
                """
                INSERT INTO stock_check (id, owner_code, site_id, started_at, expected)
                VALUES (\(check.id.uuid), \(actor.member.rawValue), \(site.uuid), \(now.stored), \(try StockRows.json(expected))::json)
                """,
                database.logger
            )
            try await database.audit(connection, .stockCheckStarted(check, by: actor))
            return check
        }
    }

    func recordCount(
        _ serials: [String],
        containers: [String],
        in id: StockCheck.ID,
        by actor: Actor,
        at now: Date
    ) async throws
        -> StockCheck
    {
        try await database.write { connection in
            let check = try await openCheck(connection, id, owner: actor.member)
            if !serials.isEmpty {
                let start = check.counted.count + 1
                try await connection.rows(
                    """
                    INSERT INTO stock_check_count (check_id, sequence, serial, counted_at, user_id)
                    SELECT \(id.uuid), \(start) - 1 + ordinality, serial, \(now.stored), \(actor.userID?.uuid)
                    FROM unnest(\(serials)::text[]) WITH ORDINALITY AS counted(serial, ordinality)
                    """,
                    database.logger
                )
            }
            if !containers.isEmpty {
                try await connection.rows(
                    """
                    INSERT INTO stock_check_container (check_id, seal, counted_at, user_id)
                    SELECT DISTINCT \(id.uuid), seal, \(now.stored), \(actor.userID?.uuid) FROM unnest(\(containers)::text[]) AS counted(seal)
                    ON CONFLICT DO NOTHING
                    """,
                    database.logger
                )
            }
            return try await fetchCheck(connection, id, owner: actor.member)!
        }
    }

    func closeCheck(_ id: StockCheck.ID, by actor: Actor, at now: Date) async throws -> StockCheck {
        try await database.write { connection in
            var check = try await openCheck(connection, id, owner: actor.member)
            let expected = try await connection.rows(
                "SELECT * FROM stock_weapon WHERE id = ANY(\(check.expected.map(\.uuid)))",
                database.logger
            ).map(Self.weapon)
            let expectedIDs = Set(check.expected)
            let keys = Array(Set(check.counted.map(StockWeapon.serialKey)))
            let others = try await connection.rows(
                "SELECT * FROM stock_weapon WHERE owner_code = \(actor.member.rawValue) AND serial_key = ANY(\(keys))",
                database.logger
            ).map(Self.weapon).filter { !expectedIDs.contains($0.id) }
            let result = StockReconciliation.reconcile(expected: expected, counted: check.counted, containers: check.containers, others: others)
            check.closedAt = now
            check.result = result
            try await connection.rows(
                "UPDATE stock_check SET closed_at = \(now.stored), result = \(try StockRows.json(result))::json WHERE id = \(id.uuid)",
                database.logger
            )
            try await connection.rows("UPDATE stock_site SET last_checked_at = \(now.stored) WHERE id = \(check.site.uuid)", database.logger)
            try await database.audit(
                connection,
                .stockCheckClosed(check, result, by: actor)
            )
            return check
        }
    }

    func check(_ id: StockCheck.ID, owner: MemberCode) async throws -> StockCheck {
        let check = try await database.read { connection in try await fetchCheck(connection, id, owner: owner) }
        guard let check else { throw DomainError.notFound(entity: "check", id: id.description) }
        return check
    }

    // MARK: - Rows

    func update(_ connection: PostgresConnection, _ weapon: StockWeapon) async throws {
        try await connection.rows(
            """
            UPDATE stock_weapon SET version = \(weapon.version), condition = \(weapon.condition.rawValue), status = \(weapon.status.rawValue),
                site_id = \(weapon.site?.uuid), holder = \(weapon.holder), transit = \(try weapon.transit.map(StockRows.json))::json,
                surplus_reason = \(weapon.surplusReason), loss_record_id = \(weapon.lossRecord?.uuid), updated_at = \(weapon.updatedAt.stored)
            WHERE id = \(weapon.id.uuid)
            """,
            database.logger
        )
    }

    func append(_ connection: PostgresConnection, _ movement: StockMovement) async throws {
        try await connection.rows(
            """
            INSERT INTO stock_movement (weapon_id, kind, at, member_code, user_id, from_site, to_site, holder, document, detail)
            VALUES (\(movement.weapon.uuid), \(movement.kind.rawValue), \(movement.at.stored), \(movement.member.rawValue),
                \(movement.userID?.uuid), \(movement.fromSite?.uuid), \(movement.toSite?.uuid), \(movement.holder), \(movement.document),
                \(movement.detail))
            """,
            database.logger
        )
    }

    func fetch(_ connection: PostgresConnection, _ id: StockWeapon.ID, owner: MemberCode, forUpdate: Bool) async throws -> StockWeapon? {
        let rows =
            forUpdate
            ? try await connection.rows(
                "SELECT * FROM stock_weapon WHERE id = \(id.uuid) AND owner_code = \(owner.rawValue) FOR UPDATE",
                database.logger
            )
            : try await connection.rows("SELECT * FROM stock_weapon WHERE id = \(id.uuid) AND owner_code = \(owner.rawValue)", database.logger)
        return try rows.first.map(Self.weapon)
    }

    private func openCheck(_ connection: PostgresConnection, _ id: StockCheck.ID, owner: MemberCode) async throws -> StockCheck {
        // The row lock keeps two counters' batches from taking the same sequence numbers.
        let locked = try await connection.rows(
            "SELECT 1 AS locked FROM stock_check WHERE id = \(id.uuid) AND owner_code = \(owner.rawValue) FOR UPDATE",
            database.logger
        )
        guard !locked.isEmpty, let check = try await fetchCheck(connection, id, owner: owner) else {
            throw DomainError.notFound(entity: "check", id: id.description)
        }
        guard check.closedAt == nil else { throw DomainError.conflict("check \(id) is closed") }
        return check
    }

    private func fetchCheck(_ connection: PostgresConnection, _ id: StockCheck.ID, owner: MemberCode) async throws -> StockCheck? {
        guard
            let row = try await connection.rows(
                """
                SELECT site_id, started_at, expected::text AS expected, closed_at, result::text AS result FROM stock_check
                WHERE id = \(id.uuid) AND owner_code = \(owner.rawValue)
                """,
                database.logger
            ).first
        else { return nil }
        let counted = try await connection.rows(
            "SELECT serial FROM stock_check_count WHERE check_id = \(id.uuid) ORDER BY sequence",
            database.logger
        ).map { try $0.text("serial") }
        let containers = try await connection.rows(
            "SELECT seal FROM stock_check_container WHERE check_id = \(id.uuid) ORDER BY counted_at, seal COLLATE \"C\"",
            database.logger
        ).map { try $0.text("seal") }
        return StockCheck(
            id: id,
            owner: owner,
            site: try row.id("site_id"),
            startedAt: try row.date("started_at"),
            expected: try StockRows.value([StockWeapon.ID].self, try row.text("expected")),
            counted: counted,
            containers: containers,
            closedAt: try row.optionalDate("closed_at"),
            result: try row.optionalText("result").map { try StockRows.value(StockReconciliation.self, $0) }
        )
    }

    static func site(_ row: PostgresRandomAccessRow) throws -> StockSite {
        StockSite(
            id: try row.id("id"),
            owner: try row.member("owner_code"),
            name: try row.text("name"),
            kind: try row.enumeration("kind"),
            custodian: try row.text("custodian"),
            securityLevel: try row.enumeration("security_level"),
            checkIntervalDays: try row.int("check_interval_days"),
            lastCheckedAt: try row.optionalDate("last_checked_at"),
            createdAt: try row.date("created_at")
        )
    }

    static func weapon(_ row: PostgresRandomAccessRow) throws -> StockWeapon {
        StockWeapon(
            id: try row.id("id"),
            owner: try row.member("owner_code"),
            version: try row.int("version"),
            serialNumber: try row.text("serial_number"),
            category: try row.enumeration("category"),
            make: try row.text("make"),
            model: try row.optionalText("model"),
            calibre: try row.optionalText("calibre"),
            markings: try StockRows.value([Marking].self, try row.text("markings")),
            condition: try row.enumeration("condition"),
            status: try row.enumeration("status"),
            site: try row.optionalID("site_id"),
            holder: try row.optionalText("holder"),
            transit: try row.optionalText("transit").map { try StockRows.value(StockWeapon.Transit.self, $0) },
            surplusReason: try row.optionalText("surplus_reason"),
            lossRecord: try row.optionalID("loss_record_id"),
            container: try row.optionalText("container"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
