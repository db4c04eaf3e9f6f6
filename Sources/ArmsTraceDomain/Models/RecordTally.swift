import Foundation

/// A member's own records counted for its dashboard: by status, by category, and month by month, records entered
/// and weapons seized.
public struct RecordTally: Sendable, Equatable {
    /// Records entered and seizures in one calendar month.
    public struct Month: Sendable, Equatable {
        /// `yyyy-MM`.
        public var month: String
        /// Records entered into ArmsTrace in the month.
        public var entered: Int
        /// Records of status `seized` whose event date falls in the month.
        public var seized: Int

        public init(month: String, entered: Int, seized: Int) {
            self.month = month
            self.entered = entered
            self.seized = seized
        }
    }

    /// What a store counts, for ``init(_:months:endingIn:)`` to arrange.
    public struct Counts: Sendable, Equatable {
        /// Records by status and category; pairs without records are left out.
        public var byStatusAndCategory: [StatusAndCategory: Int]
        /// Records entered, by month (`yyyy-MM`, UTC), from the month asked for on.
        public var enteredByMonth: [String: Int]
        /// Records of status `seized` by the month of their event date, from the month asked for on.
        public var seizedByMonth: [String: Int]

        public init(byStatusAndCategory: [StatusAndCategory: Int], enteredByMonth: [String: Int], seizedByMonth: [String: Int]) {
            self.byStatusAndCategory = byStatusAndCategory
            self.enteredByMonth = enteredByMonth
            self.seizedByMonth = seizedByMonth
        }
    }

    public struct StatusAndCategory: Sendable, Hashable {
        public var status: RecordStatus
        public var category: WeaponCategory

        public init(_ status: RecordStatus, _ category: WeaponCategory) {
            self.status = status
            self.category = category
        }
    }

    public var total: Int
    /// Every status, in ``RecordStatus``'s order, with zeros.
    public var byStatus: [(status: RecordStatus, count: Int)]
    /// The categories that occur, most records first.
    public var byCategory: [(category: WeaponCategory, count: Int)]
    /// The last months, oldest first, up to the month of `endingIn`.
    public var months: [Month]

    /// Arranges a store's counts.
    /// - Parameters:
    ///   - months: how many months the chart covers.
    ///   - endingIn: the last month, `yyyy-MM`.
    public init(_ counts: Counts, months: Int, endingIn: String) {
        total = counts.byStatusAndCategory.values.reduce(0, +)
        var statuses: [RecordStatus: Int] = [:]
        var categories: [WeaponCategory: Int] = [:]
        for (pair, count) in counts.byStatusAndCategory {
            statuses[pair.status, default: 0] += count
            categories[pair.category, default: 0] += count
        }
        byStatus = RecordStatus.allCases.map { ($0, statuses[$0] ?? 0) }
        byCategory = categories.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.map { ($0.key, $0.value) }
        self.months = Self.monthsBack(months, from: endingIn).map {
            Month(month: $0, entered: counts.enteredByMonth[$0] ?? 0, seized: counts.seizedByMonth[$0] ?? 0)
        }
    }

    /// `count` months ending with `last` (`yyyy-MM`), oldest first.
    public static func monthsBack(_ count: Int, from last: String) -> [String] {
        let parts = last.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2 else { return [] }
        let end = parts[0] * 12 + parts[1] - 1
        return (0..<max(count, 0)).reversed().map { back in
            let index = end - back
            return String(format: "%04d-%02d", index / 12, index % 12 + 1)
        }
    }

    public static func == (lhs: RecordTally, rhs: RecordTally) -> Bool {
        lhs.total == rhs.total && lhs.months == rhs.months && lhs.byStatus.elementsEqual(rhs.byStatus, by: { $0 == $1 })
            && lhs.byCategory.elementsEqual(rhs.byCategory, by: { $0 == $1 })
    }
}
