import ArmsTraceDomain
import Foundation
import GRDB

/// ``SearchRepository`` on SQLite.
struct SearchSQLiteRepository: SearchRepository {
    let writer: any DatabaseWriter

    func entries(after: WeaponRecord.ID?, limit: Int) async throws -> [SearchEntry] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, owner_code, sharing_mode, category, make, model, calibre, country_of_manufacture,
                        serial_number, markings
                    FROM weapon_record WHERE id > ? ORDER BY id LIMIT ?
                    """,
                arguments: [after?.description ?? "", limit]
            )
            let listed = rows.filter { $0[2] == "members" }.map { $0[0] as String }
            var shares: [String: [MemberCode]] = [:]
            if !listed.isEmpty {
                let request = SQLRequest<Row>(
                    literal: "SELECT record_id, member_code FROM weapon_record_share WHERE record_id IN \(listed) ORDER BY member_code"
                )
                for row in try Row.fetchAll(db, request) {
                    if let code = MemberCode(row[1]) { shares[row[0], default: []].append(code) }
                }
            }
            let decoder = JSONDecoder()
            return try rows.map { row in
                let id: String = row[0]
                guard let recordID = WeaponRecord.ID(id), let owner = MemberCode(row[1]), let category = WeaponCategory(rawValue: row[3])
                else { throw StorageError("weapon_record row \(id) is malformed") }
                let sharing: Sharing =
                    switch row[2] as String {
                    case "all": .all
                    case "owner": .owner
                    default: .members(shares[id] ?? [])
                    }
                let markingsJSON: String = row[9]
                let markings =
                    try [Marking].texts(inJSON: markingsJSON)
                    ?? decoder.decode([MarkingText].self, from: Data(markingsJSON.utf8)).map(\.text)
                return SearchEntry(
                    id: recordID,
                    owner: owner,
                    sharing: sharing,
                    category: category,
                    make: row[4],
                    model: row[5],
                    calibre: row[6],
                    countryOfManufacture: row[7],
                    serial: row[8],
                    markings: markings
                )
            }
        }
    }

    /// The one field of a stored marking that the index reads.
    private struct MarkingText: Decodable {
        var text: String
    }

    func records(_ ids: [WeaponRecord.ID]) async throws -> [WeaponRecord] {
        guard !ids.isEmpty else { return [] }
        return try await writer.read { db in
            let request = SQLRequest<Row>(literal: "SELECT * FROM weapon_record WHERE id IN \(ids.map(\.description))")
            return try WeaponRecordSQLiteRepository.records(db, rows: Row.fetchAll(db, request))
        }
    }

    func log(_ search: SearchLogEntry, notices: [HitNotice]) async throws {
        let request = String(decoding: try JSONEncoder.snakeCase.encode(search.request), as: UTF8.self)
        try await writer.translatedWrite(conflict: "search \(search.id) is already logged") { db in
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
            for notice in notices {
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

    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> NoticePage {
        var sql: SQL = """
            SELECT n.id, n.recipient_code, n.record_id, n.search_id, n.source, n.distance,
                s.member_code, s.user_id, s.searched_at, s.request
            FROM hit_notice n JOIN search_log s ON s.id = n.search_id
            WHERE n.recipient_code = \(recipient.rawValue)
            """
        if let cursor {
            guard let after = HitNotice.ID(cursor) else { throw DomainError.invalid(field: "cursor", "is not a cursor from a previous page") }
            sql += " AND n.id < \(after.description)"
        }
        sql += " ORDER BY n.id DESC LIMIT \(limit + 1)"
        let request = SQLRequest<Row>(literal: sql)
        let rows = try await writer.read { db in try Row.fetchAll(db, request) }
        let decoder = JSONDecoder.snakeCase
        var notices = try rows.map { row in
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
        var next: String?
        if notices.count > limit {
            notices.removeLast()
            next = notices.last?.id.description
        }
        return NoticePage(notices: notices, nextCursor: next)
    }

    func searchCount(member: MemberCode) async throws -> Int {
        try await writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM search_log WHERE member_code = ?", arguments: [member.rawValue]) ?? 0
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
