public import Foundation

/// A state-held weapon, accounted for one by one (MOSAIC 05.20): what it is, where it is and in what state. It is at
/// exactly one site, with a holder when issued, or in transit between two sites; a lost or stolen weapon is at none and
/// points to the shared record its loss created.
public struct StockWeapon: Sendable, Equatable, Codable {
    public typealias ID = Identifier<StockWeapon>

    public enum Status: String, Sendable, Codable, CaseIterable {
        case inService = "in_service"
        case inStore = "in_store"
        case issued
        case inTransit = "in_transit"
        case surplus
        case awaitingDestruction = "awaiting_destruction"
        case destroyed, lost, stolen

        /// Whether the weapon is physically at its site, to be counted there.
        public var isAtSite: Bool { [.inService, .inStore, .surplus, .awaitingDestruction].contains(self) }
    }

    public enum Condition: String, Sendable, Codable, CaseIterable {
        case serviceable, repairable, unserviceable
    }

    /// Where a weapon in transit is going, and since when.
    public struct Transit: Sendable, Equatable, Codable {
        public var from: StockSite.ID
        public var to: StockSite.ID
        public var dispatchedAt: Date
        public var document: String
        /// The status it takes again on receipt (in store, or surplus still awaiting its destruction).
        public var resumes: Status

        public init(from: StockSite.ID, to: StockSite.ID, dispatchedAt: Date, document: String, resumes: Status) {
            self.from = from
            self.to = to
            self.dispatchedAt = dispatchedAt
            self.document = document
            self.resumes = resumes
        }
    }

    public var id: ID
    public var owner: MemberCode
    public var version: Int
    public var serialNumber: String
    public var category: WeaponCategory
    public var make: String
    public var model: String?
    public var calibre: String?
    /// The marks on it, the state-ownership mark among them.
    public var markings: [Marking]
    public var condition: Condition
    public var status: Status
    /// The site it is at; `nil` in transit, lost, stolen or destroyed.
    public var site: StockSite.ID?
    /// The unit or person it is issued to.
    public var holder: String?
    public var transit: Transit?
    public var surplusReason: String?
    /// The shared record its loss or theft created (PoA III 9: the next search anywhere finds it).
    public var lossRecord: WeaponRecord.ID?
    /// The seal number of the sealed container it is packed in, in a bulk store; a check may count the container.
    public var container: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: ID,
        owner: MemberCode,
        version: Int = 1,
        serialNumber: String,
        category: WeaponCategory,
        make: String,
        model: String? = nil,
        calibre: String? = nil,
        markings: [Marking] = [],
        condition: Condition = .serviceable,
        status: Status,
        site: StockSite.ID?,
        holder: String? = nil,
        transit: Transit? = nil,
        surplusReason: String? = nil,
        lossRecord: WeaponRecord.ID? = nil,
        container: String? = nil,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.owner = owner
        self.version = version
        self.serialNumber = serialNumber
        self.category = category
        self.make = make
        self.model = model
        self.calibre = calibre
        self.markings = markings
        self.condition = condition
        self.status = status
        self.site = site
        self.holder = holder
        self.transit = transit
        self.surplusReason = surplusReason
        self.lossRecord = lossRecord
        self.container = container
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The serial as compared at a physical check: letters and digits only, upper case (``SerialNormalizer``).
    public var serialKey: String { Self.serialKey(serialNumber) }

    public static func serialKey(_ serial: String) -> String { SerialNormalizer.normalizedText(serial) }

    /// Whether a dispatched weapon has not been received within `days`.
    public func transitOverdue(at now: Date, days: Int = StockWeapon.transitDays) -> Bool {
        transit.map { $0.dispatchedAt.addingTimeInterval(Double(days) * 86_400) < now } ?? false
    }

    /// How long a transfer may take before it is flagged.
    public static let transitDays = 14
}

/// A weapon as received into a member's stock.
public struct StockWeaponInput: Sendable, Equatable, Decodable {
    public var serialNumber: String
    public var category: String
    public var make: String
    public var model: String?
    public var calibre: String?
    public var markings: [Marking]?
    public var condition: String?
    /// `in_store` (the default) or `in_service`.
    public var status: String?
    public var site: String
    /// The seal number of the sealed container it is packed in, if any.
    public var container: String?

    public init(
        serialNumber: String,
        category: String,
        make: String,
        model: String? = nil,
        calibre: String? = nil,
        markings: [Marking]? = nil,
        condition: String? = nil,
        status: String? = nil,
        site: String,
        container: String? = nil
    ) {
        self.serialNumber = serialNumber
        self.category = category
        self.make = make
        self.model = model
        self.calibre = calibre
        self.markings = markings
        self.condition = condition
        self.status = status
        self.site = site
        self.container = container
    }

    /// The weapon, received by `owner` at `now`, once every field is checked.
    /// - Throws: `DomainError.invalid` naming each field at fault, with `prefix` before each name (`weapons[3].`).
    public func validated(owner: MemberCode, at now: Date, prefix: String = "") throws -> StockWeapon {
        var problems: [FieldError] = []
        func problem(_ field: String, _ message: String) { problems.append(FieldError(field: prefix + field, message: message)) }
        func text(_ value: String?, _ field: String, required: Bool = false) -> String? {
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if trimmed.isEmpty {
                if required { problem(field, "is required") }
                return nil
            }
            if trimmed.count > 200 { problem(field, "must be at most 200 characters") }
            return trimmed
        }
        let serial = text(serialNumber, "serial_number", required: true)
        if let serial, StockWeapon.serialKey(serial).isEmpty { problem("serial_number", "must hold letters or digits") }
        let category = WeaponCategory(rawValue: category)
        if category == nil { problem("category", "'\(self.category)' is not a weapon category") }
        let make = text(make, "make", required: true)
        let condition = StockWeapon.Condition(rawValue: condition ?? "serviceable")
        if condition == nil { problem("condition", "one of: serviceable, repairable, unserviceable") }
        let status = StockWeapon.Status(rawValue: status ?? "in_store")
        if status != .inStore && status != .inService { problem("status", "a weapon is received in_store or in_service") }
        let site = StockSite.ID(site)
        if site == nil { problem("site", "'\(self.site)' is not a site ID") }
        for (index, marking) in (markings ?? []).enumerated() where marking.text.trimmingCharacters(in: .whitespaces).isEmpty {
            problem("markings[\(index)].text", "is required")
        }
        let container = text(container, "container")
        let model = text(model, "model")
        let calibre = text(calibre, "calibre")
        guard problems.isEmpty, let serial, let category, let make, let condition, let status, let site else {
            throw DomainError.invalid(problems)
        }
        return StockWeapon(
            id: .generate(at: now),
            owner: owner,
            serialNumber: serial,
            category: category,
            make: make,
            model: model,
            calibre: calibre,
            markings: markings ?? [],
            condition: condition,
            status: status,
            site: site,
            container: container,
            createdAt: now,
            updatedAt: now
        )
    }
}
