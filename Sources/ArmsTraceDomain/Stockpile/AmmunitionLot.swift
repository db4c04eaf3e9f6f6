public import Foundation

/// A lot of ammunition held at a site (MOSAIC 05.20; PoA III 8), accounted for by quantity: received, issued,
/// adjusted after a count, its expiry watched. A lot split between sites is one lot per site.
public struct AmmunitionLot: Sendable, Equatable, Codable {
    public typealias ID = Identifier<AmmunitionLot>

    public var id: ID
    public var owner: MemberCode
    public var lotNumber: String
    /// The kind of ammunition, as its designation: "7.62x39mm ball", "40mm HE grenade".
    public var type: String
    /// Rounds (or items) held now; never below zero.
    public var quantity: Int
    public var site: StockSite.ID
    public var expiry: CalendarDate?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID,
        owner: MemberCode,
        lotNumber: String,
        type: String,
        quantity: Int,
        site: StockSite.ID,
        expiry: CalendarDate?,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.owner = owner
        self.lotNumber = lotNumber
        self.type = type
        self.quantity = quantity
        self.site = site
        self.expiry = expiry
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether the lot is past its expiry on `day`.
    public func expired(on day: CalendarDate) -> Bool { expiry.map { $0 < day } ?? false }

    /// The lot after a change of `delta` rounds.
    /// - Throws: `.conflict` when more would leave than the lot holds; `.invalid` for no change or a missing reason.
    public func changed(by delta: Int, reason: String, at now: Date) throws -> AmmunitionLot {
        guard delta != 0, abs(delta) <= 100_000_000 else { throw DomainError.invalid(field: "quantity", "a change of 1 to 100,000,000, in or out") }
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw DomainError.invalid(field: "reason", "say why: the issue voucher, the count, the destruction")
        }
        guard quantity + delta >= 0 else {
            throw DomainError.conflict("lot \(lotNumber) holds \(quantity); \(-delta) cannot leave it")
        }
        var next = self
        next.quantity += delta
        next.updatedAt = now
        return next
    }
}

/// A lot as received.
public struct AmmunitionLotInput: Sendable, Equatable, Decodable {
    public var lotNumber: String
    public var type: String
    public var quantity: Int
    public var site: String
    public var expiry: String?

    public init(lotNumber: String, type: String, quantity: Int, site: String, expiry: String? = nil) {
        self.lotNumber = lotNumber
        self.type = type
        self.quantity = quantity
        self.site = site
        self.expiry = expiry
    }

    /// The lot, once every field is checked.
    /// - Throws: `DomainError.invalid` naming each field at fault.
    public func validated(owner: MemberCode, at now: Date) throws -> AmmunitionLot {
        var problems: [FieldError] = []
        let lot = lotNumber.trimmingCharacters(in: .whitespacesAndNewlines)
        let kind = type.trimmingCharacters(in: .whitespacesAndNewlines)
        if lot.isEmpty || lot.count > 100 { problems.append(FieldError(field: "lot_number", message: "must be 1 to 100 characters")) }
        if kind.isEmpty || kind.count > 200 { problems.append(FieldError(field: "type", message: "must be 1 to 200 characters")) }
        if !(1...100_000_000).contains(quantity) { problems.append(FieldError(field: "quantity", message: "must be from 1 to 100,000,000")) }
        let site = StockSite.ID(site)
        if site == nil { problems.append(FieldError(field: "site", message: "'\(self.site)' is not a site ID")) }
        let expiry = try expiry.flatMap { text -> CalendarDate? in
            guard !text.isEmpty else { return nil }
            guard let date = CalendarDate(text) else {
                problems.append(FieldError(field: "expiry", message: "'\(text)' is not a date (YYYY-MM-DD)"))
                return nil
            }
            return date
        }
        guard problems.isEmpty, let site else { throw DomainError.invalid(problems) }
        return AmmunitionLot(
            id: .generate(at: now),
            owner: owner,
            lotNumber: lot,
            type: kind,
            quantity: quantity,
            site: site,
            expiry: expiry,
            createdAt: now,
            updatedAt: now
        )
    }
}
