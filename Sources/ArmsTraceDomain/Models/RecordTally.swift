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

    /// One group of records as a store counts them: what ``init(groups:months:endingIn:)`` adds up.
    public struct Group: Sendable, Equatable {
        public var status: RecordStatus
        public var category: WeaponCategory
        /// The month the records were entered, `yyyy-MM`.
        public var enteredMonth: String
        /// The month of the event, `yyyy-MM`, when the records have an event date.
        public var eventMonth: String?
        public var count: Int

        public init(status: RecordStatus, category: WeaponCategory, enteredMonth: String, eventMonth: String?, count: Int) {
            self.status = status
            self.category = category
            self.enteredMonth = enteredMonth
            self.eventMonth = eventMonth
            self.count = count
        }
    }

    public var total: Int
    /// Every status, in ``RecordStatus``'s order, with zeros.
    public var byStatus: [(status: RecordStatus, count: Int)]
    /// The categories that occur, most records first.
    public var byCategory: [(category: WeaponCategory, count: Int)]
    /// The last months, oldest first, up to the month of `endingIn`.
    public var months: [Month]

    /// Adds up a store's groups.
    /// - Parameters:
    ///   - months: how many months the chart covers.
    ///   - endingIn: the last month, `yyyy-MM`.
    public init(groups: [Group], months: Int, endingIn: String) {
        total = groups.reduce(0) { $0 + $1.count }
        var statuses: [RecordStatus: Int] = [:]
        var categories: [WeaponCategory: Int] = [:]
        var entered: [String: Int] = [:]
        var seized: [String: Int] = [:]
        for group in groups {
            statuses[group.status, default: 0] += group.count
            categories[group.category, default: 0] += group.count
            entered[group.enteredMonth, default: 0] += group.count
            if group.status == .seized, let month = group.eventMonth { seized[month, default: 0] += group.count }
        }
        byStatus = RecordStatus.allCases.map { ($0, statuses[$0] ?? 0) }
        byCategory = categories.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.map { ($0.key, $0.value) }
        self.months = Self.monthsBack(months, from: endingIn).map { Month(month: $0, entered: entered[$0] ?? 0, seized: seized[$0] ?? 0) }
    }

    /// `count` months ending with `last` (`yyyy-MM`), oldest first.
    static func monthsBack(_ count: Int, from last: String) -> [String] {
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
