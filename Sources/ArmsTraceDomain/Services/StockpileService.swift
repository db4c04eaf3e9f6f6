public import Foundation

/// A member's stockpile management (PoA III 6, 8, 14): sites, weapons received one by one, their movements, physical
/// checks and losses. Reading needs ``Permission/readStock``; every change ``Permission/manageStock`` and is in the
/// audit trail, in the transaction that makes it.
public struct StockpileService: Sendable {
    public let repositories: Repositories
    /// Told of the shared record a loss creates, so that the next search finds it at once.
    public let searchIndex: (any SerialSearchIndex)?

    /// The most weapons one request receives; larger inventories go through the CSV import.
    public static let maximumBatch = 1_000

    public init(repositories: Repositories, searchIndex: (any SerialSearchIndex)? = nil) {
        self.repositories = repositories
        self.searchIndex = searchIndex
    }

    public func createSite(_ input: StockSiteInput, by actor: Actor) async throws -> StockSite {
        try actor.require(.manageStock)
        let site = try input.validated(owner: actor.member, at: Date().wholeMilliseconds)
        try await repositories.stockpile.createSite(site, by: actor)
        return site
    }

    public func sites(by actor: Actor) async throws -> [StockSite] {
        try actor.require(.readStock)
        return try await repositories.stockpile.sites(owner: actor.member)
    }

    /// Receives weapons into the actor's member's stock, all or none.
    /// - Throws: `.invalid` naming each field of each weapon at fault (`weapons[2].serial_number`).
    public func receive(_ inputs: [StockWeaponInput], by actor: Actor) async throws -> [StockWeapon] {
        try actor.require(.manageStock)
        guard (1...Self.maximumBatch).contains(inputs.count) else {
            throw DomainError.invalid(field: "weapons", "send from 1 to \(Self.maximumBatch) weapons")
        }
        let now = Date().wholeMilliseconds
        var weapons: [StockWeapon] = []
        var problems: [FieldError] = []
        for (index, input) in inputs.enumerated() {
            do {
                weapons.append(try input.validated(owner: actor.member, at: now, prefix: "weapons[\(index)]."))
            } catch DomainError.invalid(let found) {
                problems += found
            }
        }
        if !problems.isEmpty { throw DomainError.invalid(problems) }
        try await repositories.stockpile.receive(weapons, by: actor)
        return weapons
    }

    /// Imports an existing inventory from CSV (``StockCSV``), all or nothing, in one transaction; with `dryRun` only
    /// checks it.
    /// - Returns: how many weapons the file holds (received unless `dryRun`).
    /// - Throws: ``RecordCSV/ProblemList`` naming every problem by line and column; `.conflict` for a weapon the stock
    ///   holds already.
    public func importInventory(csv bytes: [UInt8], dryRun: Bool, by actor: Actor) async throws -> Int {
        try actor.require(.manageStock)
        let sites = Dictionary(
            try await repositories.stockpile.sites(owner: actor.member).map { ($0.name, $0.id) },
            uniquingKeysWith: { first, _ in first }
        )
        let weapons = try StockCSV.read(bytes, sites: sites, owner: actor.member, at: Date().wholeMilliseconds)
        if !dryRun { try await repositories.stockpile.receive(weapons, by: actor) }
        return weapons.count
    }

    /// One of the member's weapons by make and serial as read (letters and digits compared), for the command line and
    /// the pages, where people type serials rather than IDs.
    /// - Throws: `.notFound` when none or several match.
    public func weapon(serial: String, make: String?, by actor: Actor) async throws -> StockWeapon {
        try actor.require(.readStock)
        let matches = try await repositories.stockpile.weapons(owner: actor.member, serialKey: StockWeapon.serialKey(serial))
            .filter { weapon in make.map { weapon.make.lowercased() == $0.lowercased() } ?? true }
        guard matches.count == 1, let weapon = matches.first else {
            throw DomainError.notFound(entity: "weapon", id: matches.isEmpty ? serial : "\(serial) (\(matches.count) weapons; name the make)")
        }
        return weapon
    }

    public func weapon(_ id: StockWeapon.ID, by actor: Actor) async throws -> StockWeapon {
        try actor.require(.readStock)
        return try await repositories.stockpile.weapon(id, owner: actor.member)
    }

    public func weapons(
        site: StockSite.ID?,
        status: StockWeapon.Status?,
        limit: Int,
        cursor: String?,
        by actor: Actor
    ) async throws
        -> Page<StockWeapon>
    {
        try actor.require(.readStock)
        guard (1...500).contains(limit) else { throw DomainError.invalid(field: "limit", "must be from 1 to 500") }
        return try await repositories.stockpile.weapons(owner: actor.member, site: site, status: status, limit: limit, cursor: cursor)
    }

    public func movements(of id: StockWeapon.ID, by actor: Actor) async throws -> [StockMovement] {
        try actor.require(.readStock)
        return try await repositories.stockpile.movements(of: id, owner: actor.member)
    }

    /// Applies a step to one of the member's weapons. A loss or theft creates the shared record in the same
    /// transaction, with the member's country as the place's country when the member is a state.
    public func apply(_ step: StockStep, to id: StockWeapon.ID, by actor: Actor) async throws -> StockWeapon {
        try actor.require(.manageStock)
        let country = Countries.contains(actor.member.rawValue) ? actor.member.rawValue : nil
        let weapon = try await repositories.stockpile.apply(step, to: id, lossCountry: country, by: actor, at: Date().wholeMilliseconds)
        if let recordID = weapon.lossRecord, case .reportLoss = step {
            searchIndex?.upsert(SearchEntry(try await repositories.records.get(recordID, viewer: actor.member)))
        }
        return weapon
    }

    public func startCheck(site: StockSite.ID, by actor: Actor) async throws -> StockCheck {
        try actor.require(.manageStock)
        return try await repositories.stockpile.startCheck(site: site, by: actor, at: Date().wholeMilliseconds)
    }

    /// Records serials counted at an open check, as read, and the seals of sealed containers found intact (a bulk
    /// store counted by container).
    /// - Throws: `.invalid` for nothing counted, more than 5,000 entries, or a blank one.
    public func recordCount(
        _ serials: [String],
        containers: [String] = [],
        in check: StockCheck.ID,
        by actor: Actor
    ) async throws
        -> StockCheck
    {
        try actor.require(.manageStock)
        guard (1...5_000).contains(serials.count + containers.count) else {
            throw DomainError.invalid(field: "serials", "send from 1 to 5000 serials and containers")
        }
        func cleaned(_ list: [String], _ field: String) throws -> [String] {
            let cleaned = list.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if let blank = cleaned.firstIndex(where: { StockWeapon.serialKey($0).isEmpty || $0.count > 200 }) {
                throw DomainError.invalid(field: "\(field)[\(blank)]", "must hold letters or digits (at most 200 characters)")
            }
            return cleaned
        }
        return try await repositories.stockpile.recordCount(
            try cleaned(serials, "serials"),
            containers: try cleaned(containers, "containers"),
            in: check,
            by: actor,
            at: Date().wholeMilliseconds
        )
    }

    public func closeCheck(_ id: StockCheck.ID, by actor: Actor) async throws -> StockCheck {
        try actor.require(.manageStock)
        return try await repositories.stockpile.closeCheck(id, by: actor, at: Date().wholeMilliseconds)
    }

    public func check(_ id: StockCheck.ID, by actor: Actor) async throws -> StockCheck {
        try actor.require(.readStock)
        return try await repositories.stockpile.check(id, owner: actor.member)
    }

    /// The member's stockpile report for a period of at most ten years; the sites whose check is overdue now.
    /// - Throws: `.invalid` for a period that ends before it begins or spans more than ten years.
    public func report(from: CalendarDate, to: CalendarDate, by actor: Actor) async throws -> StockReport {
        try actor.require(.readStock)
        guard from <= to else { throw DomainError.invalid(field: "to", "the period ends before it begins") }
        guard to.year - from.year <= 10 else { throw DomainError.invalid(field: "from", "a report covers at most ten years") }
        var report = try await repositories.stockpile.report(owner: actor.member, from: from, to: to)
        let now = Date()
        report.overdueSites = try await repositories.stockpile.sites(owner: actor.member).filter { $0.checkOverdue(at: now) }.map(\.id)
        return report
    }

    // MARK: - Ammunition

    public func receive(_ input: AmmunitionLotInput, by actor: Actor) async throws -> AmmunitionLot {
        try actor.require(.manageStock)
        let lot = try input.validated(owner: actor.member, at: Date().wholeMilliseconds)
        try await repositories.stockpile.receive(lot, by: actor)
        return lot
    }

    /// Issues from a lot (a negative change) or adds to it after a count, with the reason.
    public func change(_ id: AmmunitionLot.ID, by delta: Int, reason: String, by actor: Actor) async throws -> AmmunitionLot {
        try actor.require(.manageStock)
        return try await repositories.stockpile.change(id, by: delta, reason: reason, actor: actor, at: Date().wholeMilliseconds)
    }

    public func ammunition(by actor: Actor) async throws -> [AmmunitionLot] {
        try actor.require(.readStock)
        return try await repositories.stockpile.ammunition(owner: actor.member)
    }

    // MARK: - Destruction

    /// Plans a destruction of the member's surplus weapons; they are set aside as awaiting destruction.
    public func planDestruction(_ input: DestructionInput, by actor: Actor) async throws -> DestructionEvent {
        try actor.require(.manageStock)
        let event = try input.validated(owner: actor.member, by: actor, at: Date().wholeMilliseconds)
        try await repositories.stockpile.planDestruction(event, by: actor)
        return event
    }

    /// Records a planned destruction as done before at least two witnesses.
    public func recordDestruction(
        _ id: DestructionEvent.ID,
        on date: CalendarDate,
        witnesses: [String],
        by actor: Actor
    ) async throws
        -> DestructionEvent
    {
        try actor.require(.manageStock)
        return try await repositories.stockpile.recordDestruction(id, on: date, witnesses: witnesses, by: actor, at: Date().wholeMilliseconds)
    }

    /// Signs off a recorded destruction; the verifier must be a user other than the one who recorded it.
    public func verifyDestruction(_ id: DestructionEvent.ID, note: String, by actor: Actor) async throws -> DestructionEvent {
        try actor.require(.manageStock)
        return try await repositories.stockpile.verifyDestruction(id, note: note, by: actor, at: Date().wholeMilliseconds)
    }

    public func destruction(_ id: DestructionEvent.ID, by actor: Actor) async throws -> DestructionEvent {
        try actor.require(.readStock)
        return try await repositories.stockpile.destruction(id, owner: actor.member)
    }

    public func destructions(by actor: Actor) async throws -> [DestructionEvent] {
        try actor.require(.readStock)
        return try await repositories.stockpile.destructions(owner: actor.member)
    }

    /// A destruction with every weapon it covers, for its certificate.
    public func certificate(_ id: DestructionEvent.ID, by actor: Actor) async throws -> (DestructionEvent, [StockWeapon]) {
        let event = try await destruction(id, by: actor)
        var weapons: [StockWeapon] = []
        for weaponID in event.weapons { weapons.append(try await repositories.stockpile.weapon(weaponID, owner: actor.member)) }
        return (event, weapons)
    }
}
