import Synchronization

/// What the reference lookups of one ``ReferenceSnapshot`` have answered, kept for the snapshot's life: its data
/// never changes, and a search explains every candidate it returns with the same few makes, models and import marks
/// (a loaded server spent about 8 % of its time identifying them again).
///
/// Each table holds at most ``capacity`` answers and starts again empty when full: the repeats that matter are the
/// frequent ones, which are back within a few searches.
final class ReferenceMemo: Sendable {
    static let capacity = 4_096

    struct IdentityKey: Hashable, Sendable {
        var make: String
        var model: String?
        var calibre: String?
    }

    /// A mark, the country whose schemes it is read under (none for state marks), and the current year, on which a
    /// reading depends (a year of import cannot be in the future).
    struct MarkKey: Hashable, Sendable {
        var mark: String
        var country: String?
        var year: Int
    }

    /// An import mark's first reading, and whether its country has schemes of its own.
    struct ImportReading: Sendable {
        var parse: MarkingParse?
        var countryHasSchemes: Bool
    }

    let identities = Table<IdentityKey, Identification>()
    let importReadings = Table<MarkKey, ImportReading>()
    let stateReadings = Table<MarkKey, MarkingParse?>()

    final class Table<Key: Hashable & Sendable, Value: Sendable>: Sendable {
        private let values = Mutex<[Key: Value]>([:])

        /// The value remembered for `key`, or the one `make` makes, remembered. `make` runs outside the lock, so two
        /// threads may both make the same value; they make equal ones.
        func value(_ key: Key, _ make: () -> Value) -> Value {
            if let known = values.withLock({ $0[key] }) { return known }
            let value = make()
            values.withLock { values in
                if values.count >= ReferenceMemo.capacity { values.removeAll(keepingCapacity: true) }
                values[key] = value
            }
            return value
        }
    }
}
