public import Foundation

/// One change to a record, as kept in its append-only history: who, when, through which channel, and what changed.
public struct RecordHistoryEntry: Sendable, Equatable, Codable {
    /// What happened to the record.
    public enum Action: String, Sendable, Codable {
        case created
        case updated
    }

    /// One field's value before and after; `nil` where the field was absent.
    public struct Change: Sendable, Equatable, Codable {
        /// The field, dotted for the event's fields (`event.date`).
        public var field: String
        public var from: JSONValue?
        public var to: JSONValue?

        public init(field: String, from: JSONValue?, to: JSONValue?) {
            self.field = field
            self.from = from
            self.to = to
        }
    }

    /// The record's version after this change.
    public var version: Int
    public var action: Action
    public var recordedAt: Date
    /// The user who made the change; absent for the operator at the command line.
    public var userID: User.ID?
    public var member: MemberCode
    public var channel: Actor.Channel
    public var changes: [Change]

    public init(
        version: Int,
        action: Action,
        recordedAt: Date,
        userID: User.ID?,
        member: MemberCode,
        channel: Actor.Channel,
        changes: [Change]
    ) {
        self.version = version
        self.action = action
        self.recordedAt = recordedAt
        self.userID = userID
        self.member = member
        self.channel = channel
        self.changes = changes
    }

    /// The field-by-field difference between two snapshots of a record's details (``WeaponRecord/Details/snapshotJSON()``),
    /// in the order of the later snapshot's fields; the event's fields are compared one by one.
    ///
    /// - Parameters:
    ///   - before: the earlier snapshot, `nil` for a creation (every present field is then a change).
    ///   - after: the later snapshot.
    public static func changes(from before: [String: JSONValue]?, to after: [String: JSONValue]) -> [Change] {
        let old = flatten(before ?? [:])
        let new = flatten(after)
        let fields = Set(old.keys).union(new.keys).sorted()
        return fields.compactMap { field in
            old[field] == new[field] ? nil : Change(field: field, from: old[field], to: new[field])
        }
    }

    private static func flatten(_ object: [String: JSONValue]) -> [String: JSONValue] {
        var flat: [String: JSONValue] = [:]
        for (key, value) in object {
            if case .object(let nested) = value, key == "event" {
                for (nestedKey, nestedValue) in nested { flat["event." + nestedKey] = nestedValue }
            } else {
                flat[key] = value
            }
        }
        return flat
    }
}
