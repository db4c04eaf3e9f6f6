public import Foundation

/// One thing that happens to a state-held weapon, with the rules that keep it in exactly one place: issue to and
/// return from a holder, dispatch to another site and receipt there, designation as surplus, and loss or theft.
public enum StockStep: Sendable, Equatable {
    case issue(holder: String, document: String)
    case `return`(document: String)
    case dispatch(to: StockSite.ID, document: String)
    case receive(document: String)
    case designateSurplus(reason: String)
    case reportLoss(StockLoss)

    public var kind: StockMovement.Kind {
        switch self {
        case .issue: .issue
        case .return: .return
        case .dispatch: .dispatch
        case .receive: .receive
        case .designateSurplus: .surplus
        case .reportLoss(let loss): loss.stolen ? .stolen : .lost
        }
    }
}

/// What is known of a loss or theft when it is reported, and with whom the shared record is shared.
public struct StockLoss: Sendable, Equatable {
    public var stolen: Bool
    public var date: CalendarDate
    public var place: String
    public var circumstances: String
    public var sharing: Sharing

    public init(stolen: Bool, date: CalendarDate, place: String, circumstances: String, sharing: Sharing = .all) {
        self.stolen = stolen
        self.date = date
        self.place = place
        self.circumstances = circumstances
        self.sharing = sharing
    }
}

/// A step as the stock's history keeps it: what, when, by whom, from where to where, on which document.
public struct StockMovement: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case receipt, issue, `return`, dispatch, receive, surplus, lost, stolen
        case destructionPlanned = "destruction_planned"
        case destroyed
    }

    public var weapon: StockWeapon.ID
    public var kind: Kind
    public var at: Date
    public var member: MemberCode
    public var userID: User.ID?
    public var fromSite: StockSite.ID?
    public var toSite: StockSite.ID?
    public var holder: String?
    /// The issue voucher, transfer note or report number.
    public var document: String?
    public var detail: String?

    public init(
        weapon: StockWeapon.ID,
        kind: Kind,
        at: Date,
        member: MemberCode,
        userID: User.ID?,
        fromSite: StockSite.ID? = nil,
        toSite: StockSite.ID? = nil,
        holder: String? = nil,
        document: String? = nil,
        detail: String? = nil
    ) {
        self.weapon = weapon
        self.kind = kind
        self.at = at
        self.member = member
        self.userID = userID
        self.fromSite = fromSite
        self.toSite = toSite
        self.holder = holder
        self.document = document
        self.detail = detail
    }
}

extension StockWeapon {
    /// The weapon after `step`, and the movement that records it.
    /// - Throws: `DomainError.conflict` when the weapon's state does not allow the step (issuing a weapon in transit,
    ///   receiving one never dispatched, dispatching to the site it is at); `.invalid` for an empty document or holder.
    public func applying(_ step: StockStep, by actor: Actor, at now: Date) throws -> (StockWeapon, StockMovement) {
        func required(_ text: String, _ field: String) throws -> String {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= 200 else { throw DomainError.invalid(field: field, "is required (at most 200 characters)") }
            return trimmed
        }
        func refuse(_ what: String) -> DomainError {
            .conflict("weapon \(serialNumber) is \(status.rawValue.replacingOccurrences(of: "_", with: " ")): \(what)")
        }
        var next = self
        next.version += 1
        next.updatedAt = now
        var movement = StockMovement(weapon: id, kind: step.kind, at: now, member: actor.member, userID: actor.userID, fromSite: site)
        switch step {
        case .issue(let holder, let document):
            guard status == .inStore || status == .inService, site != nil else { throw refuse("only a weapon in store or in service is issued") }
            next.status = .issued
            next.holder = try required(holder, "holder")
            movement.holder = next.holder
            movement.document = try required(document, "document")
        case .return(let document):
            guard status == .issued else { throw refuse("only an issued weapon is returned") }
            movement.holder = holder
            movement.toSite = site
            next.status = .inStore
            next.holder = nil
            movement.document = try required(document, "document")
        case .dispatch(let destination, let document):
            guard status.isAtSite, let origin = site else { throw refuse("only a weapon at a site, not issued, is dispatched") }
            guard destination != origin else { throw DomainError.invalid(field: "to", "the weapon is at that site already") }
            let document = try required(document, "document")
            next.transit = Transit(
                from: origin,
                to: destination,
                dispatchedAt: now,
                document: document,
                resumes: status == .inService ? .inStore : status
            )
            next.status = .inTransit
            next.site = nil
            movement.toSite = destination
            movement.document = document
        case .receive(let document):
            guard status == .inTransit, let transit else { throw refuse("a weapon is received only after it was dispatched") }
            next.site = transit.to
            next.status = transit.resumes
            next.transit = nil
            movement.fromSite = transit.from
            movement.toSite = transit.to
            movement.document = try required(document, "document")
            movement.detail = "dispatched \(transit.dispatchedAt.minuteText) on \(transit.document)"
        case .designateSurplus(let reason):
            guard status == .inStore || status == .inService, site != nil else {
                throw refuse("only a weapon in store or in service is made surplus")
            }
            next.status = .surplus
            next.surplusReason = try required(reason, "reason")
            movement.detail = next.surplusReason
        case .reportLoss(let loss):
            guard ![.lost, .stolen, .destroyed].contains(status) else { throw refuse("it cannot be lost again") }
            next.status = loss.stolen ? .stolen : .lost
            next.site = nil
            next.transit = nil
            movement.holder = holder
            movement.detail = try required(loss.place, "place") + ": " + (try required(loss.circumstances, "circumstances"))
        }
        return (next, movement)
    }

    /// The shared record a loss or theft creates, so that the next search anywhere finds the weapon (PoA III 9):
    /// its identification, the member's own reference `stock:<id>`, the loss as the event, the sharing chosen.
    public func lossRecord(_ loss: StockLoss, country: String?) -> WeaponRecord.Details {
        WeaponRecord.Details(
            externalRef: "stock:\(id)",
            category: category,
            make: make,
            model: model,
            calibre: calibre,
            serialNumber: serialNumber,
            markings: markings,
            status: loss.stolen ? .stolen : .lost,
            event: WeaponRecord.Event(date: loss.date, country: country, place: loss.place, circumstances: loss.circumstances),
            sharing: loss.sharing,
            notes: "State-held weapon reported \(loss.stolen ? "stolen" : "lost") from the member's stockpile."
        )
    }
}
