public import ArmsTraceDomain
public import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresDatabase: Store {
    /// Imports a member's records from CSV with the same outcome as on SQLite (a file with any problem changes
    /// nothing, and the same report; batches committed each with the import's checkpoint; a dry run rolled back),
    /// and more work done at once.
    ///
    /// The member's `external_ref`s and detail hashes are read first, so each row is sorted as it comes: a new
    /// record goes through `COPY` straight into `weapon_record`, an unchanged one is only counted, a changed one is
    /// kept aside and applied set-wise at the end of its batch through a temporary table, each with its history entry
    /// holding the details before; new records' history entries and sharing lists go through `COPY` too. The file is
    /// checked on a thread of its own while the first batches are written in a transaction that
    /// commits only once the check has passed, and is rolled back, the check's report returned, when it has not;
    /// after that, each batch is read and staged while the one before is written. Memory holds the member's
    /// references and two batches.
    public func importRecords(by actor: Actor, from source: ImportSource, options: ImportOptions) async throws -> ImportReport {
        let members = Set(try await read { connection in try await connection.rows("SELECT code FROM member", logger).map { try $0.member("code") } })
        guard members.contains(actor.member) else { throw DomainError.notFound(entity: "member", id: actor.member.rawValue) }
        let checking = try ImportCheck.start(source, owner: actor.member, members: members, options: options)
        let existing = try await read { connection in
            var existing: [String: Data] = [:]
            let stored = try await connection.query(
                "SELECT external_ref, details_hash FROM weapon_record WHERE owner_code = \(actor.member.rawValue)",
                logger: logger
            )
            for try await (reference, hash) in stored.decode((String, Data).self) { existing[reference] = hash }
            return existing
        }
        func startReader(after line: Int) throws -> ImportReader {
            let reader = ImportReader(owner: actor.member, members: members, mode: .prepare(skipThrough: line), nextChunk: try source.open())
            reader.start()
            return reader
        }
        if options.dryRun {
            let check = try await checking.outcome().report
            guard check.accepted else { return check }
            let job = ImportJob.new()
            let reader = try startReader(after: job.lastLine)
            defer { reader.cancel() }
            let batch = try await StagedBatch(from: reader, rows: .max, existing: existing, at: job.startedAt, by: actor)
            do {
                _ = try await write { connection in
                    try await store(batch, connection, at: job.startedAt, by: actor)
                    throw RollBack(report: batch.counted(in: ImportReport(rows: check.rows, dryRun: true)))
                }
            } catch let rollBack as RollBack {
                return rollBack.report
            }
        }
        let fileHash = try await source.sha256()
        // The first transaction: the job found or begun, and batches written until the check is done. Everything
        // in it is derived anew if PostgreSQL has it run again, the reader included.
        let first: (job: ImportJob, report: ImportReport, reader: ImportReader, finished: Bool)
        do {
            first = try await write { connection in
                var job = try await Self.startOrResume(connection, member: actor.member, fileHash: fileHash, by: actor, logger)
                var report = ImportReport(rows: 0, continuing: job)
                let reader = try startReader(after: job.lastLine)
                do {
                    var finished = false
                    repeat {
                        let batch = try await StagedBatch(from: reader, rows: options.batchRows, existing: existing, at: job.startedAt, by: actor)
                        try await store(batch, connection, at: job.startedAt, by: actor)
                        report = batch.counted(in: report)
                        finished = batch.last
                    } while !finished && !checking.isDone
                    let check = try await checking.outcome().report
                    guard check.accepted else { throw RollBack(report: check) }
                    report.rows = check.rows
                    job.advance(to: report)
                    try await Self.checkpoint(connection, job, rows: report.rows, finished: finished, logger)
                    if finished { try await audit(connection, .imported(report, by: actor)) }
                    return (job, report, reader, finished)
                } catch {
                    reader.cancel()
                    // A row that cannot be stored failed the check too, whose report says where.
                    if !(error is RollBack), let check = try? await checking.outcome().report, !check.accepted {
                        throw RollBack(report: check)
                    }
                    throw error
                }
            }
        } catch let rollBack as RollBack {
            return rollBack.report
        }
        var (job, report, finished) = (first.job, first.report, first.finished)
        let reader = first.reader
        defer { reader.cancel() }
        options.onCommit(report)
        let startedAt = job.startedAt
        @Sendable func nextBatch() async throws -> StagedBatch {
            try await StagedBatch(from: reader, rows: options.batchRows, existing: existing, at: startedAt, by: actor)
        }
        // The next batch is read, sorted and written out for COPY while the current one is stored.
        var next = finished ? nil : Task { try await nextBatch() }
        defer { next?.cancel() }
        while let pending = next {
            let batch = try await pending.value
            next = batch.last ? nil : Task { try await nextBatch() }
            (report, job) = try await write { [report, job] connection in
                let report = batch.counted(in: report)
                var job = job
                try await store(batch, connection, at: startedAt, by: actor)
                job.advance(to: report)
                try await Self.checkpoint(connection, job, rows: report.rows, finished: batch.last, logger)
                if batch.last { try await audit(connection, .imported(report, by: actor)) }
                return (report, job)
            }
            options.onCommit(report)
        }
        return report
    }

    /// Thrown inside the transaction to undo it while handing the report out.
    private struct RollBack: Error { var report: ImportReport }

    /// Writes a staged batch in the transaction of `connection`: new records with their history and sharing, then
    /// the changed ones.
    private func store(_ batch: StagedBatch, _ connection: PostgresConnection, at now: Date, by actor: Actor) async throws {
        try await batch.created.copy(connection, logger)
        try await StagedRecords.copy(batch.changed, connection, logger)
        try await StagedRecords.applyUpdates(connection, by: actor, at: now, logger)
    }

    /// The unfinished job of this member for the file with this hash, or a new one (its row count set at its first
    /// checkpoint, once the check has counted them).
    private static func startOrResume(
        _ connection: PostgresConnection,
        member: MemberCode,
        fileHash: String,
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
            VALUES (\(job.id), \(member.rawValue), \(fileHash), 0, 1, 0, 0, 0, \(actor.userID?.uuid), \(actor.channel.rawValue), \(job.startedAt))
            """,
            logger
        )
        return job
    }

    /// Stores how far the job got, and when it finished.
    private static func checkpoint(_ connection: PostgresConnection, _ job: ImportJob, rows: Int, finished: Bool, _ logger: Logger) async throws {
        try await connection.rows(
            """
            UPDATE import_job SET rows = \(rows), last_line = \(job.lastLine), created = \(job.created), updated = \(job.updated),
                unchanged = \(job.unchanged), finished_at = \(finished ? Date().stored : nil)
            WHERE id = \(job.id)
            """,
            logger
        )
    }

    public func insertRecords(_ records: [GeneratedRecord]) async throws {
        guard !records.isEmpty else { return }
        try await write { connection in
            var created = StagedRecords.NewRecords()
            for (number, record) in records.enumerated() {
                let prepared = RecordRowWriter.PreparedDetails(record.details)
                created.append(
                    number: number,
                    id: record.id,
                    owner: record.owner,
                    at: record.enteredAt.stored,
                    actor: .commandLine(for: record.owner),
                    prepared
                )
            }
            try await created.copy(connection, logger)
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

/// Up to a batch of an import's checked rows, sorted against the member's stored references and written out in
/// `COPY`'s format, all before the transaction that stores them: new records, changed ones, and counts.
private struct StagedBatch: Sendable {
    var created = StagedRecords.NewRecords()
    var changed = StagedRecords.Line(.staged)
    var createdCount = 0
    var updatedCount = 0
    var unchangedCount = 0
    /// The last line the batch holds, if it holds any.
    var lastLine: Int?
    /// Whether the file ends with this batch.
    var last = false

    /// Takes up to about `limit` prepared rows from the reader (whole batches of its), each new record given an ID
    /// and the time `now`. The rows were checked; a problem now means the file changed since.
    init(from reader: ImportReader, rows limit: Int, existing: [String: Data], at now: Date, by actor: Actor) async throws {
        var count = 0
        while count < limit {
            guard let items = await reader.nextBatch() else {
                last = true
                return
            }
            for item in items {
                guard case .record(let number, let prepared) = item else {
                    if case .failure(let error) = item { throw error }
                    throw StorageError("the file changed while it was imported: its rows no longer pass the check they passed")
                }
                let id = WeaponRecord.ID.generate(at: now)
                switch existing[prepared.details.externalRef] {
                case prepared.hash?:
                    unchangedCount += 1
                case .some:
                    updatedCount += 1
                    changed.append(number: number, id: id, owner: actor.member, at: now, actor: actor, prepared)
                case nil:
                    createdCount += 1
                    created.append(number: number, id: id, owner: actor.member, at: now, actor: actor, prepared)
                }
                lastLine = number
                count += 1
            }
        }
    }

    /// `report` with this batch counted in.
    func counted(in report: ImportReport) -> ImportReport {
        var report = report
        report.created += createdCount
        report.updated += updatedCount
        report.unchanged += unchangedCount
        if let lastLine { report.lastLine = lastLine }
        return report
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
        /// The record's `created` entry in `weapon_record_history`.
        case created

        var table: String {
            switch self {
            case .record: "weapon_record"
            case .staged: "staged_record"
            case .share: "weapon_record_share"
            case .created: "weapon_record_history"
            }
        }

        var columns: [String] {
            switch self {
            case .record: ["id", "owner_code", "version"] + detailColumns + ["created_at", "updated_at"]
            case .staged: ["owner_code", "at"] + detailColumns + ["shares"]
            case .share: ["record_id", "member_code"]
            case .created: ["record_id", "version", "action", "recorded_at", "user_id", "member_code", "channel"]
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

    /// New records in the three lines they are written through: the records, their `created` history entries and
    /// their sharing lists.
    struct NewRecords: Sendable {
        /// Records first: the others refer to them.
        private var lines = [Line(.record), Line(.created), Line(.share)]

        mutating func append(
            number: Int,
            id: WeaponRecord.ID,
            owner: MemberCode,
            at: Date,
            actor: Actor,
            _ prepared: RecordRowWriter.PreparedDetails
        ) {
            for index in lines.indices { lines[index].append(number: number, id: id, owner: owner, at: at, actor: actor, prepared) }
        }

        /// Writes the three in order.
        func copy(_ connection: PostgresConnection, _ logger: Logger) async throws {
            for line in lines { try await StagedRecords.copy(line, connection, logger) }
        }
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
            case .created:
                field(id.description)
                field("1")
                field("created")
                field(instant)
                field(actor.userID?.description)
                field(owner.rawValue)
                field(actor.channel.rawValue, last: true)
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
