public import Foundation

/// Stores what searches leave behind (the search log and hit notices) and feeds the search index.
public protocol SearchRepository: Sendable {
    /// Up to `limit` records' index entries in the store's own order (the cheapest to read), starting after the
    /// position `after` (`nil` for the start). How an index is loaded, and how it later picks up, from the last
    /// page's position, records that other processes added (a bulk import) and, where several servers share the
    /// store, changed. An entry may come again; applying it again changes nothing.
    func entries(after position: String?, limit: Int) async throws -> SearchEntryPage

    /// What a search needs from the store once the index has answered, read together: the member's settings, how
    /// many searches its users made on `day` (UTC), and those of the records with these IDs that exist, in no
    /// particular order. One read, because on a store that every search writes to (its log), each read begins cold
    /// and costs more than the few rows it reads.
    func searchContext(member: MemberCode, on day: CalendarDate, records ids: [WeaponRecord.ID]) async throws -> SearchContext

    /// Appends a search to the log together with its notices, in one transaction: once this returns, neither is lost.
    func log(_ search: SearchLogEntry, notices: [HitNotice]) async throws

    /// A page of the notices addressed to `recipient`, newest first.
    /// - Throws: `DomainError.invalid` for a malformed cursor.
    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<HitNotice>

    /// Releases the record of a restricted hit notice addressed to the actor's member to the member that searched:
    /// the record's sharing gains that member (a new version, in its history), and the release is stored and
    /// audited, in one transaction.
    /// - Returns: the release and the record as it now is.
    /// - Throws: `.notFound` for a notice not addressed to the actor's member; `.conflict` for a notice that is not
    ///   restricted or already released.
    func release(_ notice: HitNotice.ID, by actor: Actor, at now: Date) async throws -> (HitRelease, WeaponRecord)

    /// How many searches `member` made on `day` (UTC), or in all when `day` is `nil`. A day's count is one read of a
    /// per-day counter the log keeps in the same transaction: what the quota check on every search costs.
    func searchCount(member: MemberCode, on day: CalendarDate?) async throws -> Int
}

/// What ``SearchRepository/searchContext(member:on:records:)`` reads.
public struct SearchContext: Sendable {
    /// The member's settings: its daily quota of searches and its maximum of candidates.
    public var settings: MemberSettings
    /// The searches its users made on the day asked about, the one being made not counted.
    public var searchesToday: Int
    /// Those of the records asked for that exist.
    public var records: [WeaponRecord]

    public init(settings: MemberSettings, searchesToday: Int, records: [WeaponRecord]) {
        self.settings = settings
        self.searchesToday = searchesToday
        self.records = records
    }
}

/// One page of ``SearchRepository/entries(after:limit:)``.
public struct SearchEntryPage: Sendable {
    public var entries: [SearchEntry]
    /// Where this page ends: pass it as `after` for the next page, or later for what was added since.
    public var position: String?
    /// Whether the store had nothing after this page when it was read.
    public var isLast: Bool

    public init(entries: [SearchEntry], position: String?, isLast: Bool) {
        self.entries = entries
        self.position = position
        self.isLast = isLast
    }
}
