public import Foundation

/// A physical check of one site's stock (MOSAIC 05.20): the weapons expected there when it began, the serials the
/// counters found, and, once closed, the discrepancies.
public struct StockCheck: Sendable, Equatable, Codable {
    public typealias ID = Identifier<StockCheck>

    public var id: ID
    public var owner: MemberCode
    public var site: StockSite.ID
    public var startedAt: Date
    /// The weapons at the site when the check began.
    public var expected: [StockWeapon.ID]
    /// The serials counted, as read, in the order recorded.
    public var counted: [String]
    /// The seal numbers of sealed containers found intact: every weapon packed in one counts as found.
    public var containers: [String]
    public var closedAt: Date?
    /// The discrepancies, once closed.
    public var result: StockReconciliation?

    public init(
        id: ID,
        owner: MemberCode,
        site: StockSite.ID,
        startedAt: Date,
        expected: [StockWeapon.ID],
        counted: [String] = [],
        containers: [String] = [],
        closedAt: Date? = nil,
        result: StockReconciliation? = nil
    ) {
        self.id = id
        self.owner = owner
        self.site = site
        self.startedAt = startedAt
        self.expected = expected
        self.counted = counted
        self.containers = containers
        self.closedAt = closedAt
        self.result = result
    }
}

/// What a check found against what was expected: weapons missing, serials found that the stock does not hold, and
/// weapons found here that the stock places elsewhere (another site, in transit, issued, lost).
public struct StockReconciliation: Sendable, Equatable, Codable {
    public struct Elsewhere: Sendable, Equatable, Codable {
        public var weapon: StockWeapon.ID
        public var serialNumber: String
        public var status: StockWeapon.Status
        public var site: StockSite.ID?

        public init(weapon: StockWeapon.ID, serialNumber: String, status: StockWeapon.Status, site: StockSite.ID?) {
            self.weapon = weapon
            self.serialNumber = serialNumber
            self.status = status
            self.site = site
        }
    }

    public struct Missing: Sendable, Equatable, Codable {
        public var weapon: StockWeapon.ID
        public var serialNumber: String
        public var make: String

        public init(weapon: StockWeapon.ID, serialNumber: String, make: String) {
            self.weapon = weapon
            self.serialNumber = serialNumber
            self.make = make
        }
    }

    public var expectedCount: Int
    public var foundCount: Int
    public var missing: [Missing]
    /// Serials as counted that no weapon of the member's stock carries.
    public var unexpected: [String]
    public var wrongPlace: [Elsewhere]

    public init(expectedCount: Int, foundCount: Int, missing: [Missing], unexpected: [String], wrongPlace: [Elsewhere]) {
        self.expectedCount = expectedCount
        self.foundCount = foundCount
        self.missing = missing
        self.unexpected = unexpected
        self.wrongPlace = wrongPlace
    }

    public var isClean: Bool { missing.isEmpty && unexpected.isEmpty && wrongPlace.isEmpty }

    /// Reconciles the serials counted at a site, and the sealed containers found intact, against the weapons expected
    /// there; `others` are the member's other weapons whose serials were counted (looked up by
    /// ``StockWeapon/serialKey``). Serials and seals compare as letters and digits; a serial counted twice counts once.
    public static func reconcile(
        expected: [StockWeapon],
        counted: [String],
        containers: [String] = [],
        others: [StockWeapon]
    ) -> StockReconciliation {
        let seals = Set(containers.map(StockWeapon.serialKey).filter { !$0.isEmpty })
        var countedKeys: [String: String] = [:]
        var order: [String] = []
        for serial in counted {
            let key = StockWeapon.serialKey(serial)
            guard !key.isEmpty, countedKeys[key] == nil else { continue }
            countedKeys[key] = serial
            order.append(key)
        }
        var expectedKeys = Set<String>()
        var missing: [Missing] = []
        for weapon in expected {
            expectedKeys.insert(weapon.serialKey)
            let sealed = weapon.container.map { seals.contains(StockWeapon.serialKey($0)) } ?? false
            if countedKeys[weapon.serialKey] == nil && !sealed {
                missing.append(Missing(weapon: weapon.id, serialNumber: weapon.serialNumber, make: weapon.make))
            }
        }
        let othersByKey = Dictionary(others.map { ($0.serialKey, $0) }, uniquingKeysWith: { first, _ in first })
        var unexpected: [String] = []
        var wrongPlace: [Elsewhere] = []
        for key in order where !expectedKeys.contains(key) {
            if let weapon = othersByKey[key] {
                wrongPlace.append(Elsewhere(weapon: weapon.id, serialNumber: weapon.serialNumber, status: weapon.status, site: weapon.site))
            } else {
                unexpected.append(countedKeys[key]!)
            }
        }
        return StockReconciliation(
            expectedCount: expected.count,
            foundCount: expected.count - missing.count,
            missing: missing,
            unexpected: unexpected,
            wrongPlace: wrongPlace
        )
    }
}
