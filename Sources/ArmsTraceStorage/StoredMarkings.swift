import ArmsTraceDomain
import Foundation

extension Array where Element == Marking {
    /// A record's markings as a store keeps them, JSON in a column: read directly when in the form ArmsTrace writes
    /// (``Swift/Array/init(storedJSON:)``), decoded otherwise (PostgreSQL hands `jsonb` back in its own spacing).
    static func stored(_ json: String) throws -> [Marking] {
        try [Marking](storedJSON: json) ?? markingsDecoder.decode([Marking].self, from: Data(json.utf8))
    }
}

/// Shared: configured once, never changed after.
private let markingsDecoder = JSONDecoder()
