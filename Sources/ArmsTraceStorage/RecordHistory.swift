import ArmsTraceDomain
import Foundation

extension RecordHistoryEntry {
    /// A record's history as both engines store it, with each entry's changes filled in: every stored entry holds
    /// the details *before* its change (`previous`, `nil` for the creation), so the details after it are the next
    /// entry's "before", or, for the last entry, the record as it is now.
    /// - Parameters:
    ///   - entries: the stored entries, oldest first, without changes.
    ///   - previous: each entry's stored details before its change, as canonical JSON.
    ///   - current: the record's details now.
    static func rebuilt(_ entries: [RecordHistoryEntry], previous: [String?], current: WeaponRecord.Details) throws -> [RecordHistoryEntry] {
        let decoder = JSONDecoder()
        func object(_ json: String) throws -> [String: JSONValue] {
            try decoder.decode([String: JSONValue].self, from: Data(json.utf8))
        }
        let now = try object(current.snapshotJSON())
        var before: [String: JSONValue]? = nil
        return try entries.enumerated().map { index, entry in
            let after = try index + 1 < entries.count ? previous[index + 1].map(object) ?? now : now
            defer { before = after }
            var entry = entry
            entry.changes = RecordHistoryEntry.changes(from: before, to: after)
            return entry
        }
    }
}
