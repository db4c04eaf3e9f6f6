import Foundation
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

    struct ReadingKey: Hashable, Sendable {
        enum Kind: Hashable, Sendable { case `import`, state }
        var mark: String
        var kind: Kind
        var country: String?
        /// A mark's reading depends on the current year (a year of import cannot be in the future).
        var year: Int
    }

    /// A mark's first reading under the schemes it is read against, and whether its country has any of its own.
    struct Reading: Sendable {
        var parse: MarkingParse?
        var countryHasSchemes: Bool
    }

    private let identities = Table<IdentityKey, Identification>()
    private let readings = Table<ReadingKey, Reading>()

    func identification(_ key: IdentityKey, _ make: () -> Identification) -> Identification {
        identities.value(key, make)
    }

    func reading(_ key: ReadingKey, _ make: () -> Reading) -> Reading {
        readings.value(key, make)
    }

    private final class Table<Key: Hashable & Sendable, Value: Sendable>: Sendable {
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
