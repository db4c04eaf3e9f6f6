public import Foundation

/// Stores a member's stockpile (PoA III 6, 8, 14): its sites, its weapons one by one with every movement, and its
/// physical checks. A member sees and changes only its own stock; another member's is not found.
public protocol StockpileRepository: Sendable {
    /// Adds a site, with the audit entry.
    /// - Throws: `DomainError.conflict` when the member has a site of the same name.
    func createSite(_ site: StockSite, by actor: Actor) async throws

    /// The member's sites, by name.
    func sites(owner: MemberCode) async throws -> [StockSite]

    /// Receives weapons into the member's stock, each with its receipt movement, all or nothing, with one audit entry.
    /// - Throws: `.notFound` for a site that is not the member's; `.conflict` for a make and serial the member's stock
    ///   holds already.
    func receive(_ weapons: [StockWeapon], by actor: Actor) async throws

    /// One of the member's weapons.
    /// - Throws: `.notFound` when it is not the member's.
    func weapon(_ id: StockWeapon.ID, owner: MemberCode) async throws -> StockWeapon

    /// A page of the member's weapons, newest first, at one site or of one status when asked.
    func weapons(
        owner: MemberCode,
        site: StockSite.ID?,
        status: StockWeapon.Status?,
        limit: Int,
        cursor: String?
    ) async throws
        -> Page<StockWeapon>

    /// The member's weapons whose serial compares as `serialKey` (``StockWeapon/serialKey``).
    func weapons(owner: MemberCode, serialKey: String) async throws -> [StockWeapon]

    /// A weapon's movements, oldest first.
    func movements(of id: StockWeapon.ID, owner: MemberCode) async throws -> [StockMovement]

    /// Applies a step (``StockWeapon/applying(_:by:at:)``) in one transaction with its movement and audit entry; a
    /// loss or theft also creates the shared record (``StockWeapon/lossRecord(_:country:)``) in the same transaction.
    /// - Throws: `.notFound` for a weapon or destination site not the member's; the step's own errors.
    func apply(_ step: StockStep, to id: StockWeapon.ID, lossCountry: String?, by actor: Actor, at now: Date) async throws -> StockWeapon

    /// Begins a check at one of the member's sites: the weapons there now are those expected.
    func startCheck(site: StockSite.ID, by actor: Actor, at now: Date) async throws -> StockCheck

    /// Adds counted serials, and the seals of sealed containers found intact, to an open check.
    /// - Throws: `.notFound` for a check not the member's; `.conflict` when it is closed.
    func recordCount(
        _ serials: [String],
        containers: [String],
        in check: StockCheck.ID,
        by actor: Actor,
        at now: Date
    ) async throws
        -> StockCheck

    /// Closes a check with its reconciliation (``StockReconciliation/reconcile(expected:counted:others:)``) and
    /// marks the site checked.
    func closeCheck(_ id: StockCheck.ID, by actor: Actor, at now: Date) async throws -> StockCheck

    /// One of the member's checks.
    func check(_ id: StockCheck.ID, owner: MemberCode) async throws -> StockCheck

    /// Plans a destruction: the event, and its weapons (surplus, the member's) set aside as awaiting destruction,
    /// each with its movement, in one transaction.
    /// - Throws: `.notFound` for a weapon not the member's; `.conflict` for one not surplus.
    func planDestruction(_ event: DestructionEvent, by actor: Actor) async throws

    /// Records a planned destruction as done (``DestructionEvent/recorded(on:witnesses:by:at:)``).
    func recordDestruction(
        _ id: DestructionEvent.ID,
        on date: CalendarDate,
        witnesses: [String],
        by actor: Actor,
        at now: Date
    ) async throws
        -> DestructionEvent

    /// Signs off a recorded destruction (``DestructionEvent/verified(note:by:at:)``): its weapons become destroyed,
    /// each with its movement, in the same transaction.
    func verifyDestruction(_ id: DestructionEvent.ID, note: String, by actor: Actor, at now: Date) async throws -> DestructionEvent

    /// One of the member's destructions.
    func destruction(_ id: DestructionEvent.ID, owner: MemberCode) async throws -> DestructionEvent

    /// The member's destructions, newest first.
    func destructions(owner: MemberCode) async throws -> [DestructionEvent]

    /// The member's report for the instants `start..<end` (``StockReport``), without the overdue sites, which the
    /// service adds from the sites.
    func report(owner: MemberCode, from: CalendarDate, to: CalendarDate) async throws -> StockReport

    /// Receives a lot of ammunition at one of the member's sites, with the audit entry.
    /// - Throws: `.notFound` for a site not the member's; `.conflict` when the site holds a lot of that number.
    func receive(_ lot: AmmunitionLot, by actor: Actor) async throws

    /// Changes a lot's quantity (``AmmunitionLot/changed(by:reason:at:)``), with the audit entry naming the reason.
    func change(_ id: AmmunitionLot.ID, by delta: Int, reason: String, actor: Actor, at now: Date) async throws -> AmmunitionLot

    /// The member's lots, by site and lot number.
    func ammunition(owner: MemberCode) async throws -> [AmmunitionLot]
}
