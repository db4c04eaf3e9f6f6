import ArmsTraceDomain
import Foundation
import GRDB

/// ``StockpileRepository`` on SQLite.
struct StockpileSQLiteRepository: StockpileRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func createSite(_ site: StockSite, by actor: Actor) async throws {
        try await writer.translatedWrite(conflict: "the member has a site named \(site.name)") { db in
            try db.execute(
                sql: """
                    INSERT INTO stock_site (id, owner_code, name, kind, custodian, security_level, check_interval_days, last_checked_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    site.id.description, site.owner.rawValue, site.name, site.kind.rawValue, site.custodian, site.securityLevel.rawValue,
                    site.checkIntervalDays, site.lastCheckedAt, site.createdAt,
                ]
            )
            try AuditChain.append(db, .stockSiteCreated(site, by: actor))
        }
    }

    func sites(owner: MemberCode) async throws -> [StockSite] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stock_site WHERE owner_code = ? ORDER BY name", arguments: [owner.rawValue]).map(Self.site)
        }
    }

    func receive(_ weapons: [StockWeapon], by actor: Actor) async throws {
        guard !weapons.isEmpty else { return }
        try await writer.translatedWrite(conflict: "the member's stock already holds a weapon of that make and serial") { db in
            let sites = Set(try String.fetchAll(db, sql: "SELECT id FROM stock_site WHERE owner_code = ?", arguments: [actor.member.rawValue]))
            for (index, weapon) in weapons.enumerated() {
                guard let site = weapon.site, sites.contains(site.description) else {
                    throw DomainError.notFound(entity: "site", id: weapon.site?.description ?? "(none) for weapon \(index + 1)")
                }
                do {
                    try Self.insert(db, weapon)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                    throw DomainError.conflict("the member's stock already holds \(weapon.make) \(weapon.serialNumber) (weapon \(index + 1))")
                }
                try Self.append(
                    db,
                    StockMovement(weapon: weapon.id, kind: .receipt, at: weapon.createdAt, member: actor.member, userID: actor.userID, toSite: site)
                )
            }
            try AuditChain.append(db, .stockReceived(weapons, by: actor))
        }
    }

    func weapon(_ id: StockWeapon.ID, owner: MemberCode) async throws -> StockWeapon {
        let weapon = try await read { db in try Self.fetch(db, id, owner: owner) }
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
        var sql: SQL = "SELECT * FROM stock_weapon WHERE owner_code = \(owner.rawValue)"
        if let after = try StockWeapon.ID.cursor(cursor) { sql += " AND id < \(after.description)" }
        if let site { sql += " AND site_id = \(site.description)" }
        if let status { sql += " AND status = \(status.rawValue)" }
        sql += " ORDER BY id DESC LIMIT \(limit + 1)"
        let finalSQL = sql
        let rows = try await read { db in try Row.fetchAll(db, SQLRequest(literal: finalSQL)).map(Self.weapon) }
        return Page(readAhead: rows, limit: limit) { $0.id.description }
    }

    func weapons(owner: MemberCode, serialKey: String) async throws -> [StockWeapon] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stock_weapon WHERE owner_code = ? AND serial_key = ?", arguments: [owner.rawValue, serialKey])
                .map(Self.weapon)
        }
    }

    func movements(of id: StockWeapon.ID, owner: MemberCode) async throws -> [StockMovement] {
        _ = try await weapon(id, owner: owner)
        return try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stock_movement WHERE weapon_id = ? ORDER BY sequence", arguments: [id.description]).map { row in
                StockMovement(
                    weapon: id,
                    kind: try Self.enumeration(row, "kind"),
                    at: row["at"],
                    member: try Self.member(row["member_code"]),
                    userID: (row["user_id"] as String?).flatMap(User.ID.init),
                    fromSite: (row["from_site"] as String?).flatMap(StockSite.ID.init),
                    toSite: (row["to_site"] as String?).flatMap(StockSite.ID.init),
                    holder: row["holder"],
                    document: row["document"],
                    detail: row["detail"]
                )
            }
        }
    }

    func apply(_ step: StockStep, to id: StockWeapon.ID, lossCountry: String?, by actor: Actor, at now: Date) async throws -> StockWeapon {
        try await writer.translatedWrite { db in
            guard let current = try Self.fetch(db, id, owner: actor.member) else { throw DomainError.notFound(entity: "weapon", id: id.description) }
            if case .dispatch(let destination, _) = step {
                let owned = try Bool.fetchOne(
                    db,
                    sql: "SELECT EXISTS (SELECT 1 FROM stock_site WHERE id = ? AND owner_code = ?)",
                    arguments: [destination.description, actor.member.rawValue]
                )
                guard owned == true else { throw DomainError.notFound(entity: "site", id: destination.description) }
            }
            var (next, movement) = try current.applying(step, by: actor, at: now)
            if case .reportLoss(let loss) = step {
                let recordID = WeaponRecord.ID.generate(at: now)
                let details = current.lossRecord(loss, country: lossCountry)
                guard try RecordRowWriter.within(db, { try $0.insert(.init(details), id: recordID, by: actor, at: .init(now)) }) else {
                    throw DomainError.conflict("a record \(details.externalRef) exists already")
                }
                try AuditChain.append(db, AuditEvent(.recordCreate, by: actor, subject: "record:\(recordID)", detail: details.externalRef))
                next.lossRecord = recordID
                movement.detail = (movement.detail ?? "") + "; shared record \(recordID)"
            }
            try Self.update(db, next)
            try Self.append(db, movement)
            try AuditChain.append(db, .stockMoved(movement, serial: current.serialNumber, by: actor))
            return next
        }
    }

    func startCheck(site: StockSite.ID, by actor: Actor, at now: Date) async throws -> StockCheck {
        try await writer.translatedWrite { db in
            let owned = try Bool.fetchOne(
                db,
                sql: "SELECT EXISTS (SELECT 1 FROM stock_site WHERE id = ? AND owner_code = ?)",
                arguments: [site.description, actor.member.rawValue]
            )
            guard owned == true else { throw DomainError.notFound(entity: "site", id: site.description) }
            let expected = try String.fetchAll(
                db,
                sql:
                    "SELECT id FROM stock_weapon WHERE site_id = ? AND status IN ('in_service', 'in_store', 'surplus', 'awaiting_destruction') ORDER BY id",
                arguments: [site.description]
            ).compactMap(StockWeapon.ID.init)
            let check = StockCheck(id: .generate(at: now), owner: actor.member, site: site, startedAt: now, expected: expected)
            try db.execute(
                sql: "INSERT INTO stock_check (id, owner_code, site_id, started_at, expected) VALUES (?, ?, ?, ?, ?)",
                arguments: [check.id.description, actor.member.rawValue, site.description, now, try StockRows.json(expected)]
            )
            try AuditChain.append(db, .stockCheckStarted(check, by: actor))
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
        try await writer.translatedWrite { db in
            let check = try Self.openCheck(db, id, owner: actor.member)
            var sequence = check.counted.count
            for serial in serials {
                sequence += 1
                try db.execute(
                    sql: "INSERT INTO stock_check_count (check_id, sequence, serial, counted_at, user_id) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id.description, sequence, serial, now, actor.userID?.description]
                )
            }
            for seal in containers {
                try db.execute(
                    sql: "INSERT INTO stock_check_container (check_id, seal, counted_at, user_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [id.description, seal, now, actor.userID?.description]
                )
            }
            return try Self.fetchCheck(db, id, owner: actor.member)!
        }
    }

    func closeCheck(_ id: StockCheck.ID, by actor: Actor, at now: Date) async throws -> StockCheck {
        try await writer.translatedWrite { db in
            var check = try Self.openCheck(db, id, owner: actor.member)
            var expected: [StockWeapon] = []
            for chunk in check.expected.chunked(500) {
                expected += try Row.fetchAll(db, SQLRequest(literal: "SELECT * FROM stock_weapon WHERE id IN \(chunk.map(\.description))"))
                    .map(Self.weapon)
            }
            let expectedIDs = Set(check.expected)
            let keys = Array(Set(check.counted.map(StockWeapon.serialKey)))
            var others: [StockWeapon] = []
            for chunk in keys.chunked(500) {
                others += try Row.fetchAll(
                    db,
                    SQLRequest(literal: "SELECT * FROM stock_weapon WHERE owner_code = \(actor.member.rawValue) AND serial_key IN \(chunk)")
                ).map(Self.weapon).filter { !expectedIDs.contains($0.id) }
            }
            let result = StockReconciliation.reconcile(expected: expected, counted: check.counted, containers: check.containers, others: others)
            check.closedAt = now
            check.result = result
            try db.execute(
                sql: "UPDATE stock_check SET closed_at = ?, result = ? WHERE id = ?",
                arguments: [now, try StockRows.json(result), id.description]
            )
            try db.execute(sql: "UPDATE stock_site SET last_checked_at = ? WHERE id = ?", arguments: [now, check.site.description])
            try AuditChain.append(
                db,
                .stockCheckClosed(check, result, by: actor)
            )
            return check
        }
    }

    func check(_ id: StockCheck.ID, owner: MemberCode) async throws -> StockCheck {
        let check = try await read { db in try Self.fetchCheck(db, id, owner: owner) }
        guard let check else { throw DomainError.notFound(entity: "check", id: id.description) }
        return check
    }

    // MARK: - Rows

    private static func insert(_ db: Database, _ weapon: StockWeapon) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO stock_weapon (id, owner_code, version, serial_number, serial_key, category, make, model, calibre, markings,
                    condition, status, site_id, holder, transit, surplus_reason, loss_record_id, created_at, updated_at, container)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: StatementArguments(try values(weapon)))
    }

    static func update(_ db: Database, _ weapon: StockWeapon) throws {
        try db.execute(
            sql: """
                UPDATE stock_weapon SET version = ?, condition = ?, status = ?, site_id = ?, holder = ?, transit = ?, surplus_reason = ?,
                    loss_record_id = ?, updated_at = ? WHERE id = ?
                """,
            arguments: [
                weapon.version, weapon.condition.rawValue, weapon.status.rawValue, weapon.site?.description, weapon.holder,
                try weapon.transit.map(StockRows.json), weapon.surplusReason, weapon.lossRecord?.description, weapon.updatedAt,
                weapon.id.description,
            ]
        )
    }

    private static func values(_ weapon: StockWeapon) throws -> [(any DatabaseValueConvertible)?] {
        [
            weapon.id.description, weapon.owner.rawValue, weapon.version, weapon.serialNumber, weapon.serialKey, weapon.category.rawValue,
            weapon.make, weapon.model, weapon.calibre, try StockRows.json(weapon.markings), weapon.condition.rawValue, weapon.status.rawValue,
            weapon.site?.description, weapon.holder, try weapon.transit.map(StockRows.json), weapon.surplusReason,
            weapon.lossRecord?.description, weapon.createdAt, weapon.updatedAt, weapon.container,
        ]
    }

    static func append(_ db: Database, _ movement: StockMovement) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO stock_movement (weapon_id, kind, at, member_code, user_id, from_site, to_site, holder, document, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                movement.weapon.description, movement.kind.rawValue, movement.at, movement.member.rawValue, movement.userID?.description,
                movement.fromSite?.description, movement.toSite?.description, movement.holder, movement.document, movement.detail,
            ]
        )
    }

    static func fetch(_ db: Database, _ id: StockWeapon.ID, owner: MemberCode) throws -> StockWeapon? {
        try Row.fetchOne(db, sql: "SELECT * FROM stock_weapon WHERE id = ? AND owner_code = ?", arguments: [id.description, owner.rawValue])
            .map(weapon)
    }

    private static func openCheck(_ db: Database, _ id: StockCheck.ID, owner: MemberCode) throws -> StockCheck {
        guard let check = try fetchCheck(db, id, owner: owner) else { throw DomainError.notFound(entity: "check", id: id.description) }
        guard check.closedAt == nil else { throw DomainError.conflict("check \(id) is closed") }
        return check
    }

    private static func fetchCheck(_ db: Database, _ id: StockCheck.ID, owner: MemberCode) throws -> StockCheck? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT * FROM stock_check WHERE id = ? AND owner_code = ?",
                arguments: [id.description, owner.rawValue]
            )
        else { return nil }
        let counted = try String.fetchAll(
            db,
            sql: "SELECT serial FROM stock_check_count WHERE check_id = ? ORDER BY sequence",
            arguments: [id.description]
        )
        guard let site = StockSite.ID(row["site_id"] as String) else { throw StorageError("stock_check row is malformed") }
        return StockCheck(
            id: id,
            owner: owner,
            site: site,
            startedAt: row["started_at"],
            expected: try StockRows.value([StockWeapon.ID].self, row["expected"]),
            counted: counted,
            containers: try String.fetchAll(
                db,
                sql: "SELECT seal FROM stock_check_container WHERE check_id = ? ORDER BY counted_at, seal",
                arguments: [id.description]
            ),
            closedAt: row["closed_at"],
            result: try (row["result"] as String?).map { try StockRows.value(StockReconciliation.self, $0) }
        )
    }

    static func site(_ row: Row) throws -> StockSite {
        guard let id = StockSite.ID(row["id"] as String) else { throw StorageError("stock_site row is malformed") }
        return StockSite(
            id: id,
            owner: try member(row["owner_code"]),
            name: row["name"],
            kind: try enumeration(row, "kind"),
            custodian: row["custodian"],
            securityLevel: try enumeration(row, "security_level"),
            checkIntervalDays: row["check_interval_days"],
            lastCheckedAt: row["last_checked_at"],
            createdAt: row["created_at"]
        )
    }

    static func weapon(_ row: Row) throws -> StockWeapon {
        guard let id = StockWeapon.ID(row["id"] as String) else { throw StorageError("stock_weapon row is malformed") }
        return StockWeapon(
            id: id,
            owner: try member(row["owner_code"]),
            version: row["version"],
            serialNumber: row["serial_number"],
            category: try enumeration(row, "category"),
            make: row["make"],
            model: row["model"],
            calibre: row["calibre"],
            markings: try StockRows.value([Marking].self, row["markings"]),
            condition: try enumeration(row, "condition"),
            status: try enumeration(row, "status"),
            site: (row["site_id"] as String?).flatMap(StockSite.ID.init),
            holder: row["holder"],
            transit: try (row["transit"] as String?).map { try StockRows.value(StockWeapon.Transit.self, $0) },
            surplusReason: row["surplus_reason"],
            lossRecord: (row["loss_record_id"] as String?).flatMap(WeaponRecord.ID.init),
            container: row["container"],
            createdAt: row["created_at"],
            updatedAt: row["updated_at"]
        )
    }

    static func member(_ text: String) throws -> MemberCode {
        guard let code = MemberCode(text) else { throw StorageError("'\(text)' is not a member code") }
        return code
    }

    static func enumeration<T: RawRepresentable>(_ row: Row, _ column: String) throws -> T where T.RawValue == String {
        let text: String = row[column]
        guard let value = T(rawValue: text) else { throw StorageError("column \(column) holds '\(text)', no \(T.self)") }
        return value
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements: for `IN` lists within SQLite's variable limit.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
