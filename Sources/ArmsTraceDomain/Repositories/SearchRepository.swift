/// Stores what searches leave behind (the search log and hit notices) and feeds the search index.
public protocol SearchRepository: Sendable {
    /// Up to `limit` records' index entries in the store's own order (the cheapest to read), starting after the
    /// position `after` (`nil` for the start); with the position to continue from, `nil` after the last page. How an
    /// index is loaded.
    func entries(after position: String?, limit: Int) async throws -> (entries: [SearchEntry], next: String?)

    /// The records with these IDs that exist, in no particular order.
    func records(_ ids: [WeaponRecord.ID]) async throws -> [WeaponRecord]

    /// Appends a search to the log together with its notices, in one transaction: once this returns, neither is lost.
    func log(_ search: SearchLogEntry, notices: [HitNotice]) async throws

    /// A page of the notices addressed to `recipient`, newest first.
    /// - Throws: `DomainError.invalid` for a malformed cursor.
    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> NoticePage

    /// How many searches the log holds for `member`.
    func searchCount(member: MemberCode) async throws -> Int
}
