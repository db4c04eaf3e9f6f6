public import Foundation

/// A member's stockpile report for a period (MOSAIC 05.20 record-keeping; PoA III 8 and 14): the stock by site,
/// category and status now; the movements, checks, losses and destructions of the period.
public struct StockReport: Sendable, Equatable, Codable {
    /// How many weapons of one category and status are at one site (or at none: in transit, lost, destroyed).
    public struct StockRow: Sendable, Equatable, Codable {
        public var site: StockSite.ID?
        public var category: WeaponCategory
        public var status: StockWeapon.Status
        public var count: Int

        public init(site: StockSite.ID?, category: WeaponCategory, status: StockWeapon.Status, count: Int) {
            self.site = site
            self.category = category
            self.status = status
            self.count = count
        }
    }

    public struct MovementCount: Sendable, Equatable, Codable {
        public var kind: StockMovement.Kind
        public var count: Int

        public init(kind: StockMovement.Kind, count: Int) {
            self.kind = kind
            self.count = count
        }
    }

    /// A check begun in the period, with its counts once closed.
    public struct CheckRow: Sendable, Equatable, Codable {
        public var check: StockCheck.ID
        public var site: StockSite.ID
        public var startedAt: Date
        public var closedAt: Date?
        public var expected: Int?
        public var found: Int?
        public var missing: Int?

        public init(check: StockCheck.ID, site: StockSite.ID, startedAt: Date, closedAt: Date?, expected: Int?, found: Int?, missing: Int?) {
            self.check = check
            self.site = site
            self.startedAt = startedAt
            self.closedAt = closedAt
            self.expected = expected
            self.found = found
            self.missing = missing
        }
    }

    /// A weapon reported lost or stolen in the period.
    public struct LossRow: Sendable, Equatable, Codable {
        public var weapon: StockWeapon.ID
        public var serialNumber: String
        public var make: String
        public var kind: StockMovement.Kind
        public var at: Date
        public var record: WeaponRecord.ID?

        public init(weapon: StockWeapon.ID, serialNumber: String, make: String, kind: StockMovement.Kind, at: Date, record: WeaponRecord.ID?) {
            self.weapon = weapon
            self.serialNumber = serialNumber
            self.make = make
            self.kind = kind
            self.at = at
            self.record = record
        }
    }

    /// Verified destructions of one method and year.
    public struct DestructionRow: Sendable, Equatable, Codable {
        public var method: DestructionEvent.Method
        public var year: Int
        public var events: Int
        public var weapons: Int

        public init(method: DestructionEvent.Method, year: Int, events: Int, weapons: Int) {
            self.method = method
            self.year = year
            self.events = events
            self.weapons = weapons
        }
    }

    public var from: CalendarDate
    /// The last day of the period, included.
    public var to: CalendarDate
    public var stock: [StockRow]
    public var movements: [MovementCount]
    public var checks: [CheckRow]
    /// Sites whose next check is past due now.
    public var overdueSites: [StockSite.ID]
    public var losses: [LossRow]
    /// Every verified destruction by method and year (not only the period's: the record of disposal is cumulative).
    public var destructions: [DestructionRow]

    public init(
        from: CalendarDate,
        to: CalendarDate,
        stock: [StockRow],
        movements: [MovementCount],
        checks: [CheckRow],
        overdueSites: [StockSite.ID],
        losses: [LossRow],
        destructions: [DestructionRow]
    ) {
        self.from = from
        self.to = to
        self.stock = stock
        self.movements = movements
        self.checks = checks
        self.overdueSites = overdueSites
        self.losses = losses
        self.destructions = destructions
    }

    /// The period's bounds as instants: from the first day's start to the day after the last, in UTC.
    public static func bounds(from: CalendarDate, to: CalendarDate) -> (start: Date, end: Date) {
        let start = from.startOfDay
        return (start, to.startOfDay.addingTimeInterval(86_400))
    }
}
