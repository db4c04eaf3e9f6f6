import ArmsTraceDomain
import Foundation
import GRDB

/// ``SearchRepository`` on SQLite.
struct SearchSQLiteRepository: SearchRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission
    /// Shared by every copy of this repository over one database.
    let searchLog: GroupCommit<LoggedSearch>

    /// Pages by rowid: the table's own order, read sequentially. Records get their rowids as they are inserted,
    /// with IDs generated just before, so this is ID order in practice (the index does not depend on it).
    func entries(after position: String?, limit: Int) async throws -> SearchEntryPage {
        let start = position.flatMap { Int64($0) } ?? 0
        return try await read { db in
            var entries: [SearchEntry] = []
            entries.reserveCapacity(limit)
            var listed: [Int: String] = [:]
            var lastRowID = start
            let statement = try FastStatement(
                db,
                sql: """
                    SELECT rowid, id, owner_code, sharing_mode, category, make, model, calibre, country_of_manufacture,
                        serial_number, markings, version
                    FROM weapon_record WHERE rowid > ? ORDER BY rowid LIMIT ?
                    """
            )
            try statement.run(
                { binder in
                    binder.int(Int(start))
                    binder.int(limit)
                },
                row: { row in
                    lastRowID = Int64(row.int(0))
                    let id = row.text(1) ?? ""
                    guard let recordID = WeaponRecord.ID(id), let owner = MemberCode(row.text(2) ?? ""),
                        let category = WeaponCategory(rawValue: row.text(4) ?? ""), let make = row.text(5)
                    else { throw StorageError("weapon_record row \(id) is malformed") }
                    let sharing: Sharing
                    switch row.text(3) {
                    case "all": sharing = .all
                    case "owner": sharing = .owner
                    default:
                        sharing = .members([])
                        listed[entries.count] = id
                    }
                    let markings = try [Marking].stored(row.text(10) ?? "[]").map(\.text)
                    entries.append(
                        SearchEntry(
                            id: recordID,
                            owner: owner,
                            sharing: sharing,
                            category: category,
                            make: make,
                            model: row.text(6),
                            calibre: row.text(7),
                            countryOfManufacture: row.text(8),
                            serial: row.text(9),
                            markings: markings,
                            version: row.int(11)
                        )
                    )
                }
            )
            if !listed.isEmpty {
                // The page's sharing lists through a join on its rowid range: with a list of the page's IDs
                // (`IN (…)`) instead, loading 10 million records took 119 s rather than 49.
                var shares: [String: [MemberCode]] = [:]
                let statement = try FastStatement(
                    db,
                    sql: """
                        SELECT s.record_id, s.member_code FROM weapon_record r JOIN weapon_record_share s ON s.record_id = r.id
                        WHERE r.rowid > ? AND r.rowid <= ? AND r.sharing_mode = 'members' ORDER BY s.member_code
                        """
                )
                try statement.run(
                    { binder in
                        binder.int(Int(start))
                        binder.int(Int(lastRowID))
                    },
                    row: { row in
                        if let id = row.text(0), let code = MemberCode(row.text(1) ?? "") { shares[id, default: []].append(code) }
                    }
                )
                for (index, id) in listed { entries[index].sharing = .members(shares[id] ?? []) }
            }
            return SearchEntryPage(
                entries: entries,
                position: entries.isEmpty ? position : String(lastRowID),
                isLast: entries.count < limit
            )
        }
    }

    func searchContext(member: MemberCode, on day: CalendarDate, records ids: [WeaponRecord.ID]) async throws -> SearchContext {
        try await readOnWriter { db in
            SearchContext(
                settings: try MemberSQLiteRepository.settings(db, of: member),
                searchesToday: try Self.searchCount(db, member: member, on: day),
                records: try Self.records(db, ids)
            )
        }
    }

    /// The records with these IDs that exist.
    private static func records(_ db: Database, _ ids: [WeaponRecord.ID]) throws -> [WeaponRecord] {
        guard !ids.isEmpty else { return [] }
        // One statement prepared once per connection, the IDs passed as a JSON array: preparing an `IN (?, ?, …)`
        // list for each search cost more than the lookups.
        let statement = try FastStatement(db, sql: "SELECT * FROM weapon_record WHERE id IN (SELECT value FROM json_each(?))")
        return try WeaponRecordSQLiteRepository.records(db, selecting: statement) { $0.text(jsonArray(ids.map(\.description))) }
    }

    func log(_ search: SearchLogEntry, notices: [HitNotice]) async throws {
        try await searchLog.write(LoggedSearch(search: search, notices: notices))
    }

    /// The search log's group commit on `writer`.
    static func groupCommit(_ writer: any DatabaseWriter) -> GroupCommit<LoggedSearch> {
        GroupCommit { items in try await writer.translatedWrite { db in for item in items { try insert(db, item) } } }
    }

    /// Inserts a search and its notices.
    static func insert(_ db: Database, _ logged: LoggedSearch) throws {
        let search = logged.search
        let request = String(decoding: try JSONEncoder.snakeCase.encode(search.request), as: UTF8.self)
        // Statements prepared once per connection: this runs for every search.
        try db.cachedStatement(
            sql: """
                INSERT INTO search_log (id, searched_at, user_id, member_code, channel, request, candidate_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                search.id.description, search.searchedAt, search.userID?.description, search.member.rawValue,
                search.channel.rawValue, request, search.candidateCount,
            ]
        )
        try db.cachedStatement(
            sql: """
                INSERT INTO search_usage (member_code, day, searches) VALUES (?, ?, 1)
                ON CONFLICT (member_code, day) DO UPDATE SET searches = searches + 1
                """
        ).execute(
            arguments: [search.member.rawValue, CalendarDate(search.searchedAt).description]
        )
        try AuditChain.append(db, .searched(search, notices: logged.notices))
        for notice in logged.notices {
            try db.cachedStatement(
                sql: """
                    INSERT INTO hit_notice (id, recipient_code, record_id, search_id, source, distance, restricted)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    notice.id.description, notice.recipient.rawValue, notice.recordID.description, search.id.description,
                    notice.source.rawValue, notice.distance, notice.restricted,
                ]
            )
        }
    }

    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<HitNotice> {
        var sql: SQL = """
            SELECT n.id, n.recipient_code, n.record_id, n.search_id, n.source, n.distance,
                s.member_code, s.user_id, s.searched_at, s.request, n.restricted, r.released_by, r.released_at
            FROM hit_notice n JOIN search_log s ON s.id = n.search_id LEFT JOIN hit_release r ON r.notice_id = n.id
            WHERE n.recipient_code = \(recipient.rawValue)
            """
        if let after = try HitNotice.ID.cursor(cursor) { sql += " AND n.id < \(after.description)" }
        sql += " ORDER BY n.id DESC LIMIT \(limit + 1)"
        let request = SQLRequest<Row>(literal: sql)
        let notices = try await read { db in
            let decoder = JSONDecoder.snakeCase
            return try Row.fetchAll(db, request).map { row in
                guard let id = HitNotice.ID(row[0]), let recipient = MemberCode(row[1]), let recordID = WeaponRecord.ID(row[2]),
                    let searchID = SearchLogEntry.ID(row[3]), let source = IndexMatch.Source(rawValue: row[4]),
                    let searcher = MemberCode(row[6])
                else { throw StorageError("hit_notice row is malformed") }
                return HitNotice(
                    id: id,
                    recipient: recipient,
                    recordID: recordID,
                    searchID: searchID,
                    searcherMember: searcher,
                    searcherUserID: (row[7] as String?).flatMap(User.ID.init),
                    searchedAt: row[8],
                    request: try decoder.decode(SearchRequest.self, from: Data((row[9] as String).utf8)),
                    source: source,
                    distance: row[5],
                    restricted: row[10],
                    release: (row[12] as Date?).map {
                        HitRelease(
                            noticeID: id,
                            recordID: recordID,
                            releasedTo: searcher,
                            releasedBy: (row[11] as String?).flatMap(User.ID.init),
                            releasedAt: $0
                        )
                    }
                )
            }
        }
        return Page(readAhead: notices, limit: limit, cursor: \.id.description)
    }

    func release(_ noticeID: HitNotice.ID, by actor: Actor, at now: Date) async throws -> (HitRelease, WeaponRecord) {
        try await writer.translatedWrite { db in
            let notFound = DomainError.notFound(entity: "notice", id: noticeID.description)
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT n.record_id, n.restricted, s.member_code, r.notice_id AS released
                        FROM hit_notice n JOIN search_log s ON s.id = n.search_id LEFT JOIN hit_release r ON r.notice_id = n.id
                        WHERE n.id = ? AND n.recipient_code = ?
                        """,
                    arguments: [noticeID.description, actor.member.rawValue]
                ),
                let recordID = WeaponRecord.ID(row["record_id"] as String), let searcher = MemberCode(row["member_code"])
            else { throw notFound }
            guard row["restricted"] as Bool else {
                throw DomainError.conflict("notice \(noticeID) is not restricted: \(searcher) sees the record already")
            }
            guard row["released"] as String? == nil else { throw DomainError.conflict("notice \(noticeID) was released already") }
            guard let current = try WeaponRecordSQLiteRepository.fetch(db, id: recordID) else { throw notFound }
            try current.authorizeChange(by: actor)
            var details = current.details
            if !details.sharing.includes(searcher) {
                details.sharing = .members(Array(Set(details.sharing.memberCodes + [searcher])).sorted())
                try RecordRowWriter.within(db) { try $0.update(current, to: .init(details), by: actor, at: .init(now)) }
            }
            let release = HitRelease(noticeID: noticeID, recordID: recordID, releasedTo: searcher, releasedBy: actor.userID, releasedAt: now)
            try db.execute(
                sql: "INSERT INTO hit_release (notice_id, record_id, released_to, released_by, released_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [noticeID.description, recordID.description, searcher.rawValue, actor.userID?.description, now]
            )
            try AuditChain.append(
                db,
                AuditEvent(.hitRelease, by: actor, at: now, subject: "record:\(recordID)", concerns: searcher, detail: "notice \(noticeID)")
            )
            return (release, try WeaponRecordSQLiteRepository.fetch(db, id: recordID)!)
        }
    }

    func searchCount(member: MemberCode, on day: CalendarDate?) async throws -> Int {
        try await read { db in
            if let day { return try Self.searchCount(db, member: member, on: day) }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM search_log WHERE member_code = ?", arguments: [member.rawValue]) ?? 0
        }
    }

    /// The member's searches on `day`, from the per-day counter the log keeps.
    private static func searchCount(_ db: Database, member: MemberCode, on day: CalendarDate) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT searches FROM search_usage WHERE member_code = ? AND day = ?"),
            arguments: [member.rawValue, day.description]
        ) ?? 0
    }
}

extension JSONEncoder {
    /// Sorted keys in snake_case: how JSON columns are written.
    static var snakeCase: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
