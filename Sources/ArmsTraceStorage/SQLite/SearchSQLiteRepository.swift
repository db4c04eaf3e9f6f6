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
                        serial_number, markings
                    FROM weapon_record WHERE rowid > ? ORDER BY rowid LIMIT ?
                    """
            )
            let decoder = JSONDecoder()
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
                    let markingsJSON = row.text(10) ?? "[]"
                    let markings =
                        try [Marking].texts(inJSON: markingsJSON)
                        ?? decoder.decode([MarkingText].self, from: Data(markingsJSON.utf8)).map(\.text)
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
                            markings: markings
                        )
                    )
                }
            )
            if !listed.isEmpty {
                var shares: [String: [MemberCode]] = [:]
                let request = SQLRequest<Row>(
                    literal: "SELECT record_id, member_code FROM weapon_record_share WHERE record_id IN \(Array(listed.values)) ORDER BY member_code"
                )
                for row in try Row.fetchAll(db, request) {
                    if let code = MemberCode(row[1]) { shares[row[0], default: []].append(code) }
                }
                for (index, id) in listed { entries[index].sharing = .members(shares[id] ?? []) }
            }
            return SearchEntryPage(
                entries: entries,
                position: entries.isEmpty ? position : String(lastRowID),
                isLast: entries.count < limit
            )
        }
    }

    /// The one field of a stored marking that the index reads.
    private struct MarkingText: Decodable {
        var text: String
    }

    func records(_ ids: [WeaponRecord.ID]) async throws -> [WeaponRecord] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            let request = SQLRequest<Row>(literal: "SELECT * FROM weapon_record WHERE id IN \(ids.map(\.description))")
            return try WeaponRecordSQLiteRepository.records(db, rows: Row.fetchAll(db, request))
        }
    }

    func log(_ search: SearchLogEntry, notices: [HitNotice]) async throws {
        try await searchLog.write(LoggedSearch(search: search, notices: notices))
    }

    /// A search with its notices: one item of the search log's group commit.
    struct LoggedSearch: Sendable {
        var search: SearchLogEntry
        var notices: [HitNotice]

        /// Inserts the search and its notices.
        static func insert(_ db: Database, _ logged: LoggedSearch) throws {
            let search = logged.search
            let request = String(decoding: try JSONEncoder.snakeCase.encode(search.request), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO search_log (id, searched_at, user_id, member_code, channel, request, candidate_count)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    search.id.description, search.searchedAt, search.userID?.description, search.member.rawValue,
                    search.channel.rawValue, request, search.candidateCount,
                ]
            )
            let serial = search.request.serial
            try AuditChain.append(
                db,
                AuditEvent(
                    at: search.searchedAt,
                    member: search.member,
                    userID: search.userID,
                    channel: search.channel,
                    action: .search,
                    subject: "search:\(search.id)",
                    detail: "serial \(serial): \(search.candidateCount) candidate(s), \(logged.notices.count) notice(s)"
                )
            )
            for notice in logged.notices {
                try db.execute(
                    sql: """
                        INSERT INTO hit_notice (id, recipient_code, record_id, search_id, source, distance)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        notice.id.description, notice.recipient.rawValue, notice.recordID.description, search.id.description,
                        notice.source.rawValue, notice.distance,
                    ]
                )
            }
        }
    }

    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<HitNotice> {
        var sql: SQL = """
            SELECT n.id, n.recipient_code, n.record_id, n.search_id, n.source, n.distance,
                s.member_code, s.user_id, s.searched_at, s.request
            FROM hit_notice n JOIN search_log s ON s.id = n.search_id
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
                    distance: row[5]
                )
            }
        }
        return Page(readAhead: notices, limit: limit, cursor: \.id.description)
    }

    func searchCount(member: MemberCode, since: Date?) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM search_log WHERE member_code = ? AND searched_at >= ?",
                arguments: [member.rawValue, since ?? .distantPast]
            ) ?? 0
        }
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
