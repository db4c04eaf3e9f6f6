/// Filters and paging for listing records.
public struct RecordQuery: Sendable, Equatable {
    public var status: RecordStatus?
    public var category: WeaponCategory?
    /// The make, compared without regard to case.
    public var make: String?
    /// Matches any country of the record: of manufacture, of import, or of the event.
    public var country: String?
    /// The first day of the event date range, inclusive.
    public var eventFrom: CalendarDate?
    /// The last day of the event date range, inclusive.
    public var eventTo: CalendarDate?
    public var owner: MemberCode?
    /// How many records a page holds, 1 to ``maximumLimit``.
    public var limit: Int
    /// Where the page starts: the `nextCursor` of the previous page.
    public var cursor: String?

    public static let defaultLimit = 50
    public static let maximumLimit = 500

    /// Checks a page size against ``maximumLimit``: the rule for every list of the API.
    /// - Throws: `DomainError.invalid` for a limit out of range.
    public static func checkLimit(_ limit: Int) throws {
        guard (1...maximumLimit).contains(limit) else {
            throw DomainError.invalid(field: "limit", "must be from 1 to \(maximumLimit), got \(limit)")
        }
    }

    public init(
        status: RecordStatus? = nil,
        category: WeaponCategory? = nil,
        make: String? = nil,
        country: String? = nil,
        eventFrom: CalendarDate? = nil,
        eventTo: CalendarDate? = nil,
        owner: MemberCode? = nil,
        limit: Int = RecordQuery.defaultLimit,
        cursor: String? = nil
    ) {
        self.status = status
        self.category = category
        self.make = make
        self.country = country
        self.eventFrom = eventFrom
        self.eventTo = eventTo
        self.owner = owner
        self.limit = limit
        self.cursor = cursor
    }
}

/// Stores weapon records and their history.
///
/// Every method that reads takes the viewing member and behaves, for a record that member may not see, exactly as
/// for a record that does not exist: nothing leaks, not even by ID.
public protocol WeaponRecordRepository: Sendable {
    /// Stores a new record owned by the actor's member, with its first history entry, in one transaction.
    /// - Throws: `DomainError.conflict` when the owner already has a record with the same `external_ref`.
    func create(_ details: WeaponRecord.Details, by actor: Actor) async throws -> WeaponRecord

    /// Replaces a record's details, bumps its version and appends the change to its history, in one transaction.
    /// - Parameter expectedVersion: when given, the update is refused unless the stored version matches.
    /// - Throws: `DomainError.notFound` when the actor's member may not see the record; `.forbidden` when it may
    ///   see but does not own it; `.conflict` on a version mismatch or a duplicate `external_ref`.
    func update(
        _ id: WeaponRecord.ID,
        details: WeaponRecord.Details,
        expectedVersion: Int?,
        by actor: Actor
    ) async throws
        -> WeaponRecord

    /// The record, if `viewer` may see it.
    /// - Throws: `DomainError.notFound` otherwise.
    func get(_ id: WeaponRecord.ID, viewer: MemberCode) async throws -> WeaponRecord

    /// A page of the records `viewer` may see that match the query, newest first.
    /// - Throws: `DomainError.invalid` for a malformed cursor.
    func list(_ query: RecordQuery, viewer: MemberCode) async throws -> Page<WeaponRecord>

    /// A record's whole history, oldest first.
    /// - Throws: `DomainError.notFound` when `viewer` may not see the record.
    func history(_ id: WeaponRecord.ID, viewer: MemberCode) async throws -> [RecordHistoryEntry]

    /// How many records a member owns, or all members together when `owner` is `nil`.
    func count(owner: MemberCode?) async throws -> Int

    /// A member's own records counted for its dashboard (``RecordTally``): by status and category, and by month
    /// entered and month seized from `sinceMonth` (`yyyy-MM`) on.
    func tally(owner: MemberCode, sinceMonth: String) async throws -> RecordTally.Counts
}

extension WeaponRecord {
    /// Checks that `actor` may change this record, in the order that leaks nothing: a record the actor's member
    /// may not see is not found; one it sees but does not own is forbidden.
    public func authorizeChange(by actor: Actor) throws {
        guard isVisible(to: actor.member) else { throw DomainError.notFound(entity: "record", id: id.description) }
        guard owner == actor.member else {
            throw DomainError.forbidden("only the owner (\(owner)) changes this record")
        }
    }
}
