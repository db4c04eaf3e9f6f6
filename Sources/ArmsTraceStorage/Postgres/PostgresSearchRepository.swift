import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``SearchRepository`` on PostgreSQL.
///
/// The search index follows `weapon_record.change_xid`, the transaction that last wrote each row, in
/// `(change_xid, id)` order. A row is *final* once its transaction is older than every transaction still running
/// (`pg_snapshot_xmin`): no row can later appear before it. Positions cover final rows only; rows committed by newer
/// transactions are handed out as well, and again on the next call until they are final, so a record written on
/// any server reaches every server's index at its next catch-up, and none is skipped however commits interleave.
struct PostgresSearchRepository: SearchRepository {
    let database: PostgresDatabase

    func entries(after position: String?, limit: Int) async throws -> SearchEntryPage {
        let start = try position.map(Self.position)
        return try await database.snapshot { connection in
            let logger = database.logger
            let xmin = try await connection.rows("SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin", logger)[0].text("xmin")
            var sql = QueryBuilder(Self.columns + " WHERE change_xid < \("$1")::xid8")
            _ = sql.bind(xmin)
            if let start {
                sql.append(" AND (change_xid, id) > (\(sql.bind(start.xid))::xid8, \(sql.bind(start.id)))")
            }
            sql.append(" ORDER BY change_xid, id LIMIT \(limit)")
            let final = try await connection.rows(sql.query, logger)
            var entries = try await Self.entries(connection, final, logger)
            var newPosition = position
            if let last = final.last { newPosition = "\(try last.text("xid")):\(try last.uuid("id").lowercasedString)" }
            guard final.count < limit else { return SearchEntryPage(entries: entries, position: newPosition, isLast: false) }
            // Rows of transactions newer than the oldest one running: visible now, final later.
            let recent = try await connection.rows(
                PostgresQuery(unsafeSQL: Self.columns + " WHERE change_xid >= $1::xid8 ORDER BY change_xid, id", binds: Self.binds(xmin)),
                logger
            )
            entries += try await Self.entries(connection, recent, logger)
            return SearchEntryPage(entries: entries, position: newPosition, isLast: true)
        }
    }

    private static let columns = """
        SELECT change_xid::text AS xid, id, owner_code, sharing_mode, category, make, model, calibre, country_of_manufacture,
            serial_number, markings::text AS markings, version
        FROM weapon_record
        """

    private static func binds(_ value: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }

    /// Parses a position, `xid:uuid`.
    private static func position(_ text: String) throws -> (xid: String, id: UUID) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, UInt64(parts[0]) != nil, let id = UUID(canonical: String(parts[1])) else {
            throw StorageError("'\(text)' is no position of the PostgreSQL change feed")
        }
        return (String(parts[0]), id)
    }

    private static func entries(_ connection: PostgresConnection, _ rows: [PostgresRandomAccessRow], _ logger: Logger) async throws -> [SearchEntry] {
        var listed: [Int: UUID] = [:]
        var entries: [SearchEntry] = []
        entries.reserveCapacity(rows.count)
        for row in rows {
            let id = try row.uuid("id")
            let sharing: Sharing
            switch try row.text("sharing_mode") {
            case "all": sharing = .all
            case "owner": sharing = .owner
            default:
                sharing = .members([])
                listed[entries.count] = id
            }
            let markings = try [Marking].stored(try row.text("markings")).map(\.text)
            entries.append(
                SearchEntry(
                    id: WeaponRecord.ID(id),
                    owner: try row.member("owner_code"),
                    sharing: sharing,
                    category: try row.enumeration("category"),
                    make: try row.text("make"),
                    model: try row.optionalText("model"),
                    calibre: try row.optionalText("calibre"),
                    countryOfManufacture: try row.optionalText("country_of_manufacture"),
                    serial: try row.optionalText("serial_number"),
                    markings: markings,
                    version: try row.int("version")
                )
            )
        }
        if !listed.isEmpty {
            var shares: [UUID: [MemberCode]] = [:]
            let shareRows = try await connection.rows(
                "SELECT record_id, member_code FROM weapon_record_share WHERE record_id = ANY(\(Array(listed.values))) ORDER BY member_code COLLATE \"C\"",
                logger
            )
            for row in shareRows { shares[try row.uuid("record_id"), default: []].append(try row.member("member_code")) }
            for (index, id) in listed { entries[index].sharing = .members(shares[id] ?? []) }
        }
        return entries
    }

    func searchContext(member: MemberCode, on day: CalendarDate, records ids: [WeaponRecord.ID]) async throws -> SearchContext {
        try await database.read { connection in
            let quota = try await connection.rows(
                """
                SELECT s.searches_per_day, s.maximum_candidates,
                    (SELECT searches FROM search_usage WHERE member_code = \(member.rawValue) AND day = \(day.description)::date) AS searches
                FROM (SELECT 1) AS one LEFT JOIN member_settings s ON s.member_code = \(member.rawValue)
                """,
                database.logger
            )
            let row = quota.first
            let settings =
                if let row, let perDay = try row.optionalInt("searches_per_day"), let maximum = try row.optionalInt("maximum_candidates") {
                    MemberSettings(searchesPerDay: perDay, maximumCandidates: maximum)
                } else {
                    MemberSettings.standard
                }
            var records: [WeaponRecord] = []
            if !ids.isEmpty {
                let rows = try await connection.rows("SELECT * FROM weapon_record WHERE id = ANY(\(ids.map(\.uuid)))", database.logger)
                records = try await PostgresWeaponRecordRepository.records(connection, rows: rows, database.logger)
            }
            return SearchContext(settings: settings, searchesToday: try row?.optionalInt("searches") ?? 0, records: records)
        }
    }

    func log(_ search: SearchLogEntry, notices: [HitNotice]) async throws {
        try await database.searchLog.write(LoggedSearch(search: search, notices: notices))
    }

    /// Inserts a search, its day's count and its notices, and appends it to the audit chain, in the caller's
    /// transaction: what the search log's group commit runs for each search of a batch.
    static func insert(_ connection: PostgresConnection, _ logged: LoggedSearch, database: PostgresDatabase) async throws {
        let (search, notices) = (logged.search, logged.notices)
        let logger = database.logger
        let request = String(decoding: try JSONEncoder.snakeCase.encode(search.request), as: UTF8.self)
        try await connection.rows(
            """
            INSERT INTO search_log (id, searched_at, user_id, member_code, channel, request, candidate_count)
            VALUES (\(search.id.uuid), \(search.searchedAt.stored), \(search.userID?.uuid), \(search.member.rawValue),
                \(search.channel.rawValue), \(request)::json, \(search.candidateCount))
            """,
            logger
        )
        try await connection.rows(
            """
            INSERT INTO search_usage (member_code, day, searches) VALUES (\(search.member.rawValue), \(CalendarDate(search.searchedAt).description)::date, 1)
            ON CONFLICT (member_code, day) DO UPDATE SET searches = search_usage.searches + 1
            """,
            logger
        )
        for notice in notices {
            try await connection.rows(
                """
                INSERT INTO hit_notice (id, recipient_code, record_id, search_id, source, distance, restricted)
                VALUES (\(notice.id.uuid), \(notice.recipient.rawValue), \(notice.recordID.uuid), \(search.id.uuid),
                    \(notice.source.rawValue), \(notice.distance), \(notice.restricted))
                """,
                logger
            )
        }
        try await database.audit(connection, .searched(search, notices: notices))
    }

    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<HitNotice> {
        var sql = QueryBuilder(
            """
            SELECT n.id, n.recipient_code, n.record_id, n.search_id, n.source, n.distance, s.member_code, s.user_id, s.searched_at,
                s.request::text AS request, n.restricted, r.released_by, r.released_at
            FROM hit_notice n JOIN search_log s ON s.id = n.search_id LEFT JOIN hit_release r ON r.notice_id = n.id
            WHERE n.recipient_code = $1
            """
        )
        _ = sql.bind(recipient.rawValue)
        if let after = try HitNotice.ID.cursor(cursor) { sql.append(" AND n.id < \(sql.bind(after.uuid))") }
        sql.append(" ORDER BY n.id DESC LIMIT \(limit + 1)")
        let statement = sql.query
        let rows = try await database.read { connection in try await connection.rows(statement, database.logger) }
        let decoder = JSONDecoder.snakeCase
        let notices = try rows.map { row in
            let id: HitNotice.ID = try row.id("id")
            let recordID: WeaponRecord.ID = try row.id("record_id")
            let searcher = try row.member("member_code")
            return HitNotice(
                id: id,
                recipient: try row.member("recipient_code"),
                recordID: recordID,
                searchID: try row.id("search_id"),
                searcherMember: searcher,
                searcherUserID: try row.optionalID("user_id"),
                searchedAt: try row.date("searched_at"),
                request: try decoder.decode(SearchRequest.self, from: Data(try row.text("request").utf8)),
                source: try row.enumeration("source"),
                distance: try row.value("distance", as: Double.self),
                restricted: try row.bool("restricted"),
                release: try row.optionalDate("released_at").map {
                    HitRelease(noticeID: id, recordID: recordID, releasedTo: searcher, releasedBy: try row.optionalID("released_by"), releasedAt: $0)
                }
            )
        }
        return Page(readAhead: notices, limit: limit, cursor: \.id.description)
    }

    func release(_ noticeID: HitNotice.ID, by actor: Actor, at now: Date) async throws -> (HitRelease, WeaponRecord) {
        try await database.write { connection in
            let logger = database.logger
            let notFound = DomainError.notFound(entity: "notice", id: noticeID.description)
            guard
                let row = try await connection.rows(
                    """
                    SELECT n.record_id, n.restricted, s.member_code, r.notice_id AS released
                    FROM hit_notice n JOIN search_log s ON s.id = n.search_id LEFT JOIN hit_release r ON r.notice_id = n.id
                    WHERE n.id = \(noticeID.uuid) AND n.recipient_code = \(actor.member.rawValue)
                    """,
                    logger
                ).first
            else { throw notFound }
            let recordID: WeaponRecord.ID = try row.id("record_id")
            let searcher = try row.member("member_code")
            guard try row.bool("restricted") else {
                throw DomainError.conflict("notice \(noticeID) is not restricted: \(searcher) sees the record already")
            }
            guard try row.optionalUUID("released") == nil else { throw DomainError.conflict("notice \(noticeID) was released already") }
            guard let current = try await PostgresWeaponRecordRepository.fetch(connection, id: recordID, forUpdate: true, logger) else {
                throw notFound
            }
            try current.authorizeChange(by: actor)
            var details = current.details
            if !details.sharing.includes(searcher) {
                details.sharing = .members(Array(Set(details.sharing.memberCodes + [searcher])).sorted())
                try await PostgresRecordWriter(connection: connection, logger: logger).update(
                    recordID,
                    from: current.details,
                    to: .init(details),
                    version: current.version + 1,
                    by: actor,
                    at: now
                )
            }
            let release = HitRelease(noticeID: noticeID, recordID: recordID, releasedTo: searcher, releasedBy: actor.userID, releasedAt: now)
            try await connection.rows(
                """
                INSERT INTO hit_release (notice_id, record_id, released_to, released_by, released_at)
                VALUES (\(noticeID.uuid), \(recordID.uuid), \(searcher.rawValue), \(actor.userID?.uuid), \(now.stored))
                """,
                logger
            )
            try await database.audit(
                connection,
                AuditEvent(.hitRelease, by: actor, at: now, subject: "record:\(recordID)", concerns: searcher, detail: "notice \(noticeID)")
            )
            return (release, try await PostgresWeaponRecordRepository.fetch(connection, id: recordID, logger)!)
        }
    }

    func searchCount(member: MemberCode, on day: CalendarDate?) async throws -> Int {
        try await database.read { connection in
            let rows =
                if let day {
                    try await connection.rows(
                        "SELECT searches AS n FROM search_usage WHERE member_code = \(member.rawValue) AND day = \(day.description)::date",
                        database.logger
                    )
                } else {
                    try await connection.rows("SELECT count(*) AS n FROM search_log WHERE member_code = \(member.rawValue)", database.logger)
                }
            return try rows.first?.int("n") ?? 0
        }
    }
}
