public import Foundation

/// The destruction of surplus or illicit weapons (PoA III 14; MOSAIC 05.50): planned with its method, place and
/// weapons; recorded when done, with at least two witnesses; signed off by an independent verifier, a user other than
/// the one who recorded it. Only then do the weapons show destroyed; their records stay for good.
public struct DestructionEvent: Sendable, Equatable, Codable {
    public typealias ID = Identifier<DestructionEvent>

    public enum Method: String, Sendable, Codable, CaseIterable {
        case cutting, crushing, smelting, burning, other
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        /// The weapons are set aside, awaiting destruction.
        case planned
        /// Done and witnessed, awaiting the verifier.
        case recorded
        /// Signed off: the weapons are destroyed.
        case verified
    }

    public var id: ID
    public var owner: MemberCode
    public var method: Method
    public var place: String
    public var plannedFor: CalendarDate
    public var weapons: [StockWeapon.ID]
    public var status: Status
    public var plannedAt: Date
    public var plannedBy: User.ID?
    public var destroyedOn: CalendarDate?
    public var witnesses: [String]
    public var recordedAt: Date?
    public var recordedBy: User.ID?
    public var verifiedAt: Date?
    public var verifiedBy: User.ID?
    public var verification: String?

    public init(
        id: ID,
        owner: MemberCode,
        method: Method,
        place: String,
        plannedFor: CalendarDate,
        weapons: [StockWeapon.ID],
        status: Status = .planned,
        plannedAt: Date,
        plannedBy: User.ID?,
        destroyedOn: CalendarDate? = nil,
        witnesses: [String] = [],
        recordedAt: Date? = nil,
        recordedBy: User.ID? = nil,
        verifiedAt: Date? = nil,
        verifiedBy: User.ID? = nil,
        verification: String? = nil
    ) {
        self.id = id
        self.owner = owner
        self.method = method
        self.place = place
        self.plannedFor = plannedFor
        self.weapons = weapons
        self.status = status
        self.plannedAt = plannedAt
        self.plannedBy = plannedBy
        self.destroyedOn = destroyedOn
        self.witnesses = witnesses
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.verifiedAt = verifiedAt
        self.verifiedBy = verifiedBy
        self.verification = verification
    }

    /// The most weapons one event destroys.
    public static let maximumWeapons = 10_000

    /// The event as recorded: done on `date` before `witnesses`.
    /// - Throws: `.conflict` unless it is planned; `.invalid` for fewer than two distinct witnesses or a date before
    ///   the plan was made.
    public func recorded(on date: CalendarDate, witnesses: [String], by actor: Actor, at now: Date) throws -> DestructionEvent {
        guard status == .planned else { throw DomainError.conflict("destruction \(id) is \(status.rawValue), not planned") }
        let names = witnesses.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        var problems: [FieldError] = []
        if Set(names.map { $0.lowercased() }).count < 2 {
            problems.append(FieldError(field: "witnesses", message: "name at least two different witnesses"))
        }
        if names.contains(where: { $0.count > 200 }) { problems.append(FieldError(field: "witnesses", message: "at most 200 characters a name")) }
        if date < CalendarDate(plannedAt) {
            problems.append(FieldError(field: "date", message: "the destruction cannot come before it was planned (\(CalendarDate(plannedAt)))"))
        }
        if !problems.isEmpty { throw DomainError.invalid(problems) }
        var next = self
        next.status = .recorded
        next.destroyedOn = date
        next.witnesses = names
        next.recordedAt = now
        next.recordedBy = actor.userID
        return next
    }

    /// The event signed off by an independent verifier.
    /// - Throws: `.conflict` unless it is recorded; `.forbidden` when the verifier is not a named user or is the user
    ///   who recorded it.
    public func verified(note: String, by actor: Actor, at now: Date) throws -> DestructionEvent {
        guard status == .recorded else { throw DomainError.conflict("destruction \(id) is \(status.rawValue), not recorded") }
        guard let verifier = actor.userID else { throw DomainError.forbidden("a destruction is verified by a named user, not at the command line") }
        guard verifier != recordedBy else {
            throw DomainError.forbidden("the user who recorded a destruction may not verify it; an independent verifier signs off")
        }
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 2_000 else {
            throw DomainError.invalid(field: "verification", "say what was checked (1 to 2,000 characters)")
        }
        var next = self
        next.status = .verified
        next.verifiedAt = now
        next.verifiedBy = verifier
        next.verification = note
        return next
    }
}

/// A destruction as a member plans it.
public struct DestructionInput: Sendable, Equatable, Decodable {
    public var method: String
    public var place: String
    public var plannedFor: String
    public var weapons: [String]

    public init(method: String, place: String, plannedFor: String, weapons: [String]) {
        self.method = method
        self.place = place
        self.plannedFor = plannedFor
        self.weapons = weapons
    }

    /// The planned event, once every field is checked.
    /// - Throws: `DomainError.invalid` naming each field at fault.
    public func validated(owner: MemberCode, by actor: Actor, at now: Date) throws -> DestructionEvent {
        var problems: [FieldError] = []
        let method = DestructionEvent.Method(rawValue: method)
        if method == nil {
            problems.append(
                FieldError(field: "method", message: "one of: " + DestructionEvent.Method.allCases.map(\.rawValue).joined(separator: ", "))
            )
        }
        let place = place.trimmingCharacters(in: .whitespacesAndNewlines)
        if place.isEmpty || place.count > 200 { problems.append(FieldError(field: "place", message: "must be 1 to 200 characters")) }
        let date = CalendarDate(plannedFor)
        if date == nil { problems.append(FieldError(field: "planned_for", message: "'\(plannedFor)' is not a date (YYYY-MM-DD)")) }
        var ids: [StockWeapon.ID] = []
        for (index, text) in weapons.enumerated() {
            guard let id = StockWeapon.ID(text) else {
                problems.append(FieldError(field: "weapons[\(index)]", message: "'\(text)' is not a weapon ID"))
                continue
            }
            if !ids.contains(id) { ids.append(id) }
        }
        if weapons.isEmpty || weapons.count > DestructionEvent.maximumWeapons {
            problems.append(FieldError(field: "weapons", message: "list from 1 to \(DestructionEvent.maximumWeapons) weapons"))
        }
        guard problems.isEmpty, let method, let date else { throw DomainError.invalid(problems) }
        return DestructionEvent(
            id: .generate(at: now),
            owner: owner,
            method: method,
            place: place,
            plannedFor: date,
            weapons: ids,
            plannedAt: now,
            plannedBy: actor.userID
        )
    }
}

extension StockWeapon {
    /// The weapon set aside for a planned destruction.
    /// - Throws: `.conflict` unless it is surplus at a site.
    public func settingAside(for event: DestructionEvent, by actor: Actor, at now: Date) throws -> (StockWeapon, StockMovement) {
        guard status == .surplus, site != nil else {
            throw DomainError.conflict(
                "weapon \(serialNumber) is \(status.rawValue.replacingOccurrences(of: "_", with: " ")): only surplus weapons are destroyed"
            )
        }
        var next = self
        next.version += 1
        next.updatedAt = now
        next.status = .awaitingDestruction
        let movement = StockMovement(
            weapon: id,
            kind: .destructionPlanned,
            at: now,
            member: actor.member,
            userID: actor.userID,
            fromSite: site,
            detail: "\(event.method.rawValue) at \(event.place) planned for \(event.plannedFor) (destruction \(event.id))"
        )
        return (next, movement)
    }

    /// The weapon destroyed, once its destruction is verified; it leaves its site and stays on record.
    public func destroyed(in event: DestructionEvent, by actor: Actor, at now: Date) throws -> (StockWeapon, StockMovement) {
        guard status == .awaitingDestruction else { throw DomainError.conflict("weapon \(serialNumber) is not awaiting destruction") }
        var next = self
        next.version += 1
        next.updatedAt = now
        next.status = .destroyed
        next.site = nil
        let movement = StockMovement(
            weapon: id,
            kind: .destroyed,
            at: now,
            member: actor.member,
            userID: actor.userID,
            fromSite: site,
            detail: "\(event.method.rawValue) on \(event.destroyedOn.map(\.description) ?? "?") at \(event.place), witnessed by "
                + event.witnesses.joined(separator: ", ") + "; verified (destruction \(event.id))"
        )
        return (next, movement)
    }
}
