public import ArmsTraceDomain
public import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresDatabase: Store {
    /// Imports a member's records from CSV as on SQLite: the whole file checked first (same validation, same
    /// report), then stored in batches, each committed with the import's checkpoint; a dry run stores in one
    /// transaction and rolls it back.
    ///
    /// The member's `external_ref`s and detail hashes are read first, so each row is sorted as it comes: a new
    /// record goes through `COPY` straight into `weapon_record`, an unchanged one is only counted, a changed one is
    /// kept aside and applied set-wise at the end of its batch through a temporary table, each with its history entry
    /// holding the details before. The created records' history entries and sharing lists follow in one statement
    /// each. A batch is read from the file before its transaction begins, so a transaction retried after a
    /// serialisation failure stores the same rows. Memory holds the member's references and one batch.
    public func importRecords(by actor: Actor, from source: ImportSource, options: ImportOptions) async throws -> ImportReport {
        let members = Set(try await read { connection in try await connection.rows("SELECT code FROM member", logger).map { try $0.member("code") } })
        guard members.contains(actor.member) else { throw DomainError.notFound(entity: "member", id: actor.member.rawValue) }
        let check = try await ImportCheck.run(source, owner: actor.member, members: members, onProblem: options.onProblem)
        guard check.report.accepted else { return check.report }
        let existing = try await read { connection in
            var existing: [String: Data] = [:]
            let stored = try await connection.query(
                "SELECT external_ref, details_hash FROM weapon_record WHERE owner_code = \(actor.member.rawValue)",
                logger: logger
            )
            for try await (reference, hash) in stored.decode((String, Data).self) { existing[reference] = hash }
            return existing
        }
        var job =
            options.dryRun
            ? ImportJob.new()
            : try await write { connection in
                try await Self.startOrResume(connection, member: actor.member, fileHash: check.fileHash, rows: check.report.rows, by: actor, logger)
            }
        var report = ImportReport(rows: check.report.rows, continuing: job)
        report.dryRun = options.dryRun
        let reader = ImportReader(owner: actor.member, members: members, mode: .prepare(skipThrough: job.lastLine), nextChunk: try source.open())
        reader.start()
        defer { reader.cancel() }
        if options.dryRun {
            let rows = try await Self.batch(from: reader, rows: .max)
            do {
                _ = try await write { [report, job] connection in
                    var report = report
                    try await store(rows.items, connection, into: &report, existing: existing, at: job.startedAt, by: actor)
                    throw RollBack(report: report)
                }
            } catch let rollBack as RollBack {
                return rollBack.report
            }
        }
        var finished = false
        while !finished {
            let rows = try await Self.batch(from: reader, rows: options.batchRows)
            (report, job) = try await write { [report, job] connection in
                var report = report
                var job = job
                try await store(rows.items, connection, into: &report, existing: existing, at: job.startedAt, by: actor)
                job.advance(to: report)
                try await Self.checkpoint(connection, job, finished: rows.last, logger)
                if rows.last { try await audit(connection, .imported(report, by: actor)) }
                return (report, job)
            }
            finished = rows.last
            options.onCommit(report)
        }
        return report
    }

    /// Thrown inside the transaction to undo it while handing the report out.
    private struct RollBack: Error { var report: ImportReport }

    /// Takes up to about `limit` prepared rows from the reader (whole batches of its), and whether the file is done.
    /// The rows were checked; a problem now means the file changed since.
    private static func batch(
        from reader: ImportReader,
        rows limit: Int
    ) async throws -> (items: [(line: Int, prepared: RecordRowWriter.PreparedDetails)], last: Bool) {
        var items: [(line: Int, prepared: RecordRowWriter.PreparedDetails)] = []
        while items.count < limit {
            guard let batch = await reader.nextBatch() else { return (items, true) }
            for item in batch {
                guard case .record(let line, let prepared) = item else {
                    if case .failure(let error) = item { throw error }
                    throw StorageError("the file changed while it was imported: its rows no longer pass the check they passed")
                }
                items.append((line, prepared))
            }
        }
        return (items, false)
    }

    /// Stores checked rows in the transaction of `connection`, counting them in `report`.
    private func store(
        _ items: [(line: Int, prepared: RecordRowWriter.PreparedDetails)],
        _ connection: PostgresConnection,
        into report: inout ImportReport,
        existing: [String: Data],
        at now: Date,
        by actor: Actor
    ) async throws {
        var created = StagedRecords.Line(.record)
        var changed = StagedRecords.Line(.staged)
        var shares = StagedRecords.Line(.share)
        for (number, prepared) in items {
            let id = WeaponRecord.ID.generate(at: now)
            switch existing[prepared.details.externalRef] {
            case prepared.hash?:
                report.unchanged += 1
            case .some:
                report.updated += 1
                changed.append(number: number, id: id, owner: actor.member, at: now, actor: actor, prepared)
            case nil:
                report.created += 1
                created.append(number: number, id: id, owner: actor.member, at: now, actor: actor, prepared)
                shares.append(number: number, id: id, owner: actor.member, at: now, actor: actor, prepared)
            }
            report.lastLine = number
        }
        try await StagedRecords.copy(created, connection, logger)
        try await StagedRecords.recordCreations(connection, by: actor, logger)
        try await StagedRecords.copy(shares, connection, logger)
        try await StagedRecords.copy(changed, connection, logger)
        try await StagedRecords.applyUpdates(connection, by: actor, at: now, logger)
    }

    /// The unfinished job of this member for the file with this hash, or a new one.
    private static func startOrResume(
        _ connection: PostgresConnection,
        member: MemberCode,
        fileHash: String,
        rows: Int,
        by actor: Actor,
        _ logger: Logger
    ) async throws -> ImportJob {
        let found = try await connection.rows(
            """
            SELECT id, started_at, last_line, created, updated, unchanged FROM import_job
            WHERE member_code = \(member.rawValue) AND file_sha256 = \(fileHash) AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1
            """,
            logger
        )
        if let row = found.first {
            return ImportJob(
                id: try row.uuid("id"),
                startedAt: try row.date("started_at"),
                lastLine: try row.int("last_line"),
                created: try row.int("created"),
                updated: try row.int("updated"),
                unchanged: try row.int("unchanged")
            )
        }
        let job = ImportJob.new()
        try await connection.rows(
            """
            INSERT INTO import_job (id, member_code, file_sha256, rows, last_line, created, updated, unchanged, user_id, channel, started_at)
            VALUES (\(job.id), \(member.rawValue), \(fileHash), \(rows), 1, 0, 0, 0, \(actor.userID?.uuid), \(actor.channel.rawValue), \(job.startedAt))
            """,
            logger
        )
        return job
    }

    /// Stores how far the job got, and when it finished.
    private static func checkpoint(_ connection: PostgresConnection, _ job: ImportJob, finished: Bool, _ logger: Logger) async throws {
        try await connection.rows(
            """
            UPDATE import_job SET last_line = \(job.lastLine), created = \(job.created), updated = \(job.updated),
                unchanged = \(job.unchanged), finished_at = \(finished ? Date().stored : nil)
            WHERE id = \(job.id)
            """,
            logger
        )
    }

    public func insertRecords(_ records: [GeneratedRecord]) async throws {
        guard !records.isEmpty else { return }
        try await write { connection in
            var created = StagedRecords.Line(.record)
            var shares = StagedRecords.Line(.share)
            for (number, record) in records.enumerated() {
                let prepared = RecordRowWriter.PreparedDetails(record.details)
                let actor = Actor.commandLine(for: record.owner)
                created.append(number: number, id: record.id, owner: record.owner, at: record.enteredAt.stored, actor: actor, prepared)
                shares.append(number: number, id: record.id, owner: record.owner, at: record.enteredAt.stored, actor: actor, prepared)
            }
            try await StagedRecords.copy(created, connection, logger)
            try await StagedRecords.recordCreations(connection, by: nil, logger)
            try await StagedRecords.copy(shares, connection, logger)
        }
    }

    public func exportRecords(
        by actor: Actor,
        format: ExportFormat,
        write output: @escaping @Sendable (String) throws -> Void
    ) async throws
        -> Int
    {
        try await write { connection in
            try await audit(connection, AuditEvent(.recordExport, by: actor, detail: format.rawValue))
        }
        let owner = actor.member
        return try await snapshot { connection in
            let encoder = JSONEncoder.export
            var buffer = format == .csv ? RecordCSV.headerRow : "["
            var count = 0
            var after = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
            while true {
                let rows = try await connection.rows(
                    "SELECT * FROM weapon_record WHERE owner_code = \(owner.rawValue) AND id > \(after) ORDER BY id LIMIT 500",
                    logger
                )
                for record in try await PostgresWeaponRecordRepository.records(connection, rows: rows, logger) {
                    switch format {
                    case .csv: buffer += RecordCSV.row(record.details)
                    case .json: buffer += (count == 0 ? "\n" : ",\n") + String(decoding: try encoder.encode(record), as: UTF8.self)
                    }
                    count += 1
                    after = record.id.uuid
                }
                try output(buffer)
                buffer = ""
                if rows.count < 500 { break }
            }
            if format == .json { buffer += "\n]\n" }
            try output(buffer)
            return count
        }
    }

    // MARK: - Copy

    public func tableRows(_ table: StoreTable, after key: [StoreValue]?, limit: Int) async throws -> [[StoreValue]] {
        var sql = QueryBuilder(
            "SELECT " + table.columns.map { Self.neutral($0.name, $0.kind) }.joined(separator: ", ") + " FROM " + table.name
        )
        let order = table.key.map { table.kind(of: $0) == .text ? "\($0) COLLATE \"C\"" : $0 }
        if let key {
            let values = zip(table.key, key).map { column, value in Self.cast(sql.bind(value), table.kind(of: column)) }
            sql.append(" WHERE (" + order.joined(separator: ", ") + ") > (" + values.joined(separator: ", ") + ")")
        }
        sql.append(" ORDER BY " + order.joined(separator: ", ") + " LIMIT \(limit)")
        let statement = sql.query
        let rows = try await read { connection in try await connection.rows(statement, logger) }
        return try rows.map { row in
            try table.columns.enumerated().map { index, column in
                let cell = row[index]
                guard cell.bytes != nil else { return .null }
                switch column.kind {
                case .integer, .boolean, .timestamp: return .integer(try cell.decode(Int64.self))
                case .real: return .real(try cell.decode(Double.self))
                case .blob: return .blob(try cell.decode(Data.self))
                case .text, .uuid, .date, .json: return .text(try cell.decode(String.self))
                }
            }
        }
    }

    public func insertTableRows(_ table: StoreTable, _ rows: [[StoreValue]]) async throws {
        let perStatement = max(1, min(1000, 60000 / table.columns.count))
        try await write { connection in
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(rows.count, start + perStatement)]
                var sql = QueryBuilder("INSERT INTO \(table.name) (" + table.columns.map(\.name).joined(separator: ", ") + ") VALUES ")
                var tuples: [String] = []
                for row in chunk {
                    let values = zip(table.columns, row).map { column, value in Self.cast(sql.bind(value), column.kind) }
                    tuples.append("(" + values.joined(separator: ", ") + ")")
                }
                sql.append(tuples.joined(separator: ", "))
                try await connection.rows(sql.query, logger)
                start += perStatement
            }
        }
    }

    public func finishCopy() async throws {
        try await write { connection in
            try await connection.rows(
                "SELECT setval(pg_get_serial_sequence('sign_in_attempt', 'id'), coalesce(max(id), 0) + 1, false) FROM sign_in_attempt",
                logger
            )
            try await connection.rows(
                """
                SELECT setval(pg_get_serial_sequence('stock_movement', 'sequence'), coalesce(max(sequence), 0) + 1, false)
                FROM stock_movement
                """,
                logger
            )
            try await connection.rows(
                """
                SELECT setval(pg_get_serial_sequence('ammunition_movement', 'sequence'), coalesce(max(sequence), 0) + 1, false)
                FROM ammunition_movement
                """,
                logger
            )
        }
    }

    /// The select expression giving a column's engine-neutral value.
    private static func neutral(_ column: String, _ kind: StoreTable.Kind) -> String {
        switch kind {
        case .timestamp: "(extract(epoch FROM \(column)) * 1000)::bigint"
        case .boolean: "\(column)::int::int8"
        case .integer: "\(column)::int8"
        case .uuid, .date, .json: "\(column)::text"
        case .text, .real, .blob: column
        }
    }

    /// The expression turning a bound engine-neutral value into the column's type.
    private static func cast(_ placeholder: String, _ kind: StoreTable.Kind) -> String {
        switch kind {
        case .timestamp: "to_timestamp(\(placeholder)::int8 / 1000.0)"
        case .boolean: "(\(placeholder)::int8 <> 0)"
        case .uuid: "\(placeholder)::uuid"
        case .date: "\(placeholder)::date"
        case .json: "\(placeholder)::json"
        case .text: "\(placeholder)::text COLLATE \"C\""
        case .integer: "\(placeholder)::int8"
        case .real: "\(placeholder)::float8"
        case .blob: "\(placeholder)::bytea"
        }
    }
}

extension ImportReader {
    /// The next batch, waited for off the cooperative thread pool.
    func nextBatch() async -> [Item]? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.next()) }
        }
    }
}

/// Records written in bulk through `COPY` in its text format: new records straight into `weapon_record` and
/// `weapon_record_share`, changed ones through a temporary table.
enum StagedRecords {
    /// The columns a record's details fill, in `weapon_record`'s names and in the order ``Line`` writes them.
    static let detailColumns = [
        "external_ref", "category", "make", "model", "calibre", "serial_number", "serial_obliterated", "markings", "country_of_manufacture",
        "year_of_manufacture", "import_country", "import_year", "status", "event_date", "event_country", "event_place",
        "event_circumstances", "event_legal_justification", "event_criminal_context", "event_case_reference", "sharing_mode", "notes",
        "details_hash",
    ]

    /// What each layout of ``Line`` writes, into which table.
    enum Layout {
        /// A new `weapon_record` row at version 1.
        case record
        /// A `staged_record` row: a changed record's new details.
        case staged
        /// The record's `weapon_record_share` rows, one per member it is shared with.
        case share

        var table: String {
            switch self {
            case .record: "weapon_record"
            case .staged: "staged_record"
            case .share: "weapon_record_share"
            }
        }

        var columns: [String] {
            switch self {
            case .record: ["id", "owner_code", "version"] + detailColumns + ["created_at", "updated_at"]
            case .staged: ["owner_code", "at"] + detailColumns + ["shares"]
            case .share: ["record_id", "member_code"]
            }
        }
    }

    /// Writes what `line` holds into its table; changed records first into a new temporary table.
    static func copy(_ line: Line, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard !line.bytes.isEmpty else { return }
        if line.layout == .staged {
            try await connection.rows(
                """
                CREATE TEMPORARY TABLE staged_record (
                    owner_code text NOT NULL, at timestamptz NOT NULL, external_ref text NOT NULL, category text NOT NULL,
                    make text NOT NULL, model text, calibre text, serial_number text, serial_obliterated text NOT NULL,
                    markings json NOT NULL, country_of_manufacture text, year_of_manufacture integer, import_country text,
                    import_year integer, status text NOT NULL, event_date date, event_country text, event_place text,
                    event_circumstances text, event_legal_justification text, event_criminal_context text,
                    event_case_reference text, sharing_mode text NOT NULL, notes text, details_hash bytea NOT NULL, shares text[]
                ) ON COMMIT DROP
                """,
                logger
            )
        }
        let bytes = line.bytes
        try await connection.copyFrom(table: line.layout.table, columns: line.layout.columns, logger: logger) { writer in
            try await writer.write(ByteBuffer(bytes: bytes))
        }
    }

    /// The `created` history entries of the records this transaction inserted (by `actor`, else by the operator
    /// for each record's owner): every row it has written so far carries its transaction ID.
    static func recordCreations(_ connection: PostgresConnection, by actor: Actor?, _ logger: Logger) async throws {
        let xid = try await connection.rows("SELECT pg_current_xact_id()::text AS xid", logger)[0].text("xid")
        try await connection.rows(
            """
            INSERT INTO weapon_record_history (record_id, version, action, recorded_at, user_id, member_code, channel, previous_details)
            SELECT id, 1, 'created', created_at, \(actor?.userID?.uuid), owner_code, \(actor?.channel.rawValue ?? Actor.Channel.cli.rawValue), NULL
            FROM weapon_record WHERE change_xid = \(xid)::xid8
            """,
            logger
        )
    }

    /// Updates the records whose owner has them under a staged `external_ref`: the version one up, the sharing
    /// list replaced, a history entry holding the details before.
    static func applyUpdates(_ connection: PostgresConnection, by actor: Actor, at now: Date, _ logger: Logger) async throws {
        guard try await !connection.rows("SELECT to_regclass('pg_temp.staged_record') IS NULL AS absent", logger)[0].bool("absent") else { return }
        let changedRows = try await connection.rows(
            """
            SELECT w.* FROM staged_record s JOIN weapon_record w ON w.owner_code = s.owner_code AND w.external_ref = s.external_ref
            FOR UPDATE OF w
            """,
            logger
        )
        let changed = try await PostgresWeaponRecordRepository.records(connection, rows: changedRows, logger)
        let ids = changed.map(\.id.uuid)
        try await connection.rows(
            """
            INSERT INTO weapon_record_history (record_id, version, action, recorded_at, user_id, member_code, channel, previous_details)
            SELECT t.id, t.version, 'updated', \(now), \(actor.userID?.uuid), \(actor.member.rawValue), \(actor.channel.rawValue), t.previous::json
            FROM unnest(\(ids)::uuid[], \(changed.map { $0.version + 1 })::int[], \(changed.map { $0.details.snapshotJSON() })::text[])
                AS t(id, version, previous)
            """,
            logger
        )
        let columns = detailColumns.joined(separator: ", ")
        let values = detailColumns.map { "s.\($0)" }.joined(separator: ", ")
        try await connection.rows(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE weapon_record w SET (\(columns)) = (\(values)), updated_at = s.at, version = w.version + 1
                    FROM staged_record s WHERE w.owner_code = s.owner_code AND w.external_ref = s.external_ref
                    """
            ),
            logger
        )
        try await connection.rows("DELETE FROM weapon_record_share WHERE record_id = ANY(\(ids))", logger)
        try await connection.rows(
            """
            INSERT INTO weapon_record_share (record_id, member_code)
            SELECT w.id, unnest(s.shares) FROM staged_record s JOIN weapon_record w ON w.owner_code = s.owner_code AND w.external_ref = s.external_ref
            WHERE s.shares IS NOT NULL
            """,
            logger
        )
    }

    /// Lines of `COPY`'s text format in one of the ``Layout``s: fields separated by tabs, `\N` for null,
    /// backslash escapes.
    struct Line {
        let layout: Layout
        private(set) var bytes: [UInt8] = []
        /// The last instant written and its text: an import writes the same one on every row.
        private var lastInstant: (date: Date, text: String)?

        init(_ layout: Layout) { self.layout = layout }

        mutating func append(
            number: Int,
            id: WeaponRecord.ID,
            owner: MemberCode,
            at: Date,
            actor: Actor,
            _ prepared: RecordRowWriter.PreparedDetails
        ) {
            let d = prepared.details
            let e = d.event
            if lastInstant?.date != at {
                lastInstant = (at, SQLiteTimestamp.text(Int64((at.timeIntervalSince1970 * 1000).rounded(.down))) + "+00")
            }
            let instant = lastInstant?.text
            switch layout {
            case .share:
                for member in d.sharing.memberCodes {
                    field(id.description)
                    field(member.rawValue, last: true)
                }
                return
            case .record:
                field(id.description)
                field(owner.rawValue)
                field("1")
            case .staged:
                field(owner.rawValue)
                field(instant)
            }
            field(d.externalRef)
            field(d.category.rawValue)
            field(d.make)
            field(d.model)
            field(d.calibre)
            field(d.serialNumber)
            field(d.serialObliterated.rawValue)
            field(prepared.markingsJSON)
            field(d.countryOfManufacture)
            field(d.yearOfManufacture.map(String.init))
            field(d.importCountry)
            field(d.importYear.map(String.init))
            field(d.status.rawValue)
            field(prepared.eventDate)
            field(e.country)
            field(e.place)
            field(e.circumstances)
            field(e.legalJustification)
            field(e.criminalContext)
            field(e.caseReference)
            field(d.sharing.mode)
            field(d.notes)
            // bytea in hex, its backslash escaped for COPY.
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\"), UInt8(ascii: "x")]
            bytes += prepared.hash.hexBytes
            switch layout {
            case .record:
                bytes.append(UInt8(ascii: "\t"))
                field(instant)
                field(instant, last: true)
            default:
                bytes.append(UInt8(ascii: "\t"))
                let shares = d.sharing.memberCodes
                field(shares.isEmpty ? nil : "{" + shares.map(\.rawValue).joined(separator: ",") + "}", last: true)
            }
        }

        private mutating func field(_ text: String?, last: Bool = false) {
            if let text {
                for byte in text.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                    case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                    case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                    case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                    default: bytes.append(byte)
                    }
                }
            } else {
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
            }
            bytes.append(last ? UInt8(ascii: "\n") : UInt8(ascii: "\t"))
        }
    }
}
