public import ArmsTraceDomain
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Imports a member's records from CSV: checks the whole file and stores it in batches, each committed with the
    /// import's checkpoint, none before the check has passed.
    ///
    /// The file is streamed by both readings: memory is bounded whatever its size (a few batches between the reading
    /// and writing threads, SQLite's page cache, raised to 512 MiB for the import, and the check's set of reference
    /// hashes). Each row is validated by the same rules as the API; a row whose `external_ref` the member already uses
    /// updates that record (with a history entry) when anything differs and is left alone otherwise, so importing a
    /// file twice changes nothing the second time. A dry run stores in one transaction and rolls it back.
    /// - Throws: `DomainError.notFound` for an unknown member; an I/O error when the file cannot be read.
    public func importRecords(by actor: Actor, from source: ImportSource, options: ImportOptions) async throws -> ImportReport {
        do {
            let members = try await writer.read { db in Set(try String.fetchAll(db, sql: "SELECT code FROM member").compactMap(MemberCode.init)) }
            guard members.contains(actor.member) else { throw DomainError.notFound(entity: "member", id: actor.member.rawValue) }
            return try await admission.duringBulkWrite {
                try await withImportCache {
                    options.dryRun
                        ? try await storeAndRollBack(source, members: members, by: actor, options: options)
                        : try await store(source, members: members, by: actor, options: options)
                }
            }
        } catch let rollBack as RollBack {
            return rollBack.report
        } catch let error as DatabaseError {
            throw StorageError.translate(error)
        }
    }

    /// The largest file whose storing begins beside its check, in bytes: the first transaction holds the write lock
    /// until the check is done, and the check of 384 MiB (about 1.5 million rows of the demo's) takes some 5 s beside
    /// the storing on 2 cores, half of the 10 s that another connection's write waits for the lock before it fails.
    static let largestStoredWhileChecked = 384 << 20

    /// Threads for a check that nothing else runs beside: it takes every core, the parsing thread one of them (on 2
    /// cores, one worker beside it checked 1M rows in 2.4 s, two in 2.5-2.7 s).
    private static var checkWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount - 1) }

    /// Checks the file, then stores it in one transaction and rolls that back, for the counts of a dry run.
    private func storeAndRollBack(
        _ source: ImportSource,
        members: Set<MemberCode>,
        by actor: Actor,
        options: ImportOptions
    ) async throws -> ImportReport {
        let checking = try ImportCheck.start(source, owner: actor.member, members: members, workers: Self.checkWorkers, options: options)
        let check = try await checking.outcome().report
        guard check.accepted else { return check }
        let job = ImportJob.new()
        let reader = try startReader(source, actor: actor, members: members, after: job.lastLine)
        defer { reader.cancel() }
        return try await writer.write { db in
            var report = ImportReport(rows: check.rows, dryRun: true)
            _ = try Self.store(db, from: reader, rows: .max, job: job, into: &report, by: actor)
            throw RollBack(report: report)
        }
    }

    /// Stores the file in batches, each committed with the import's checkpoint, going on after the last line an
    /// interrupted import of the same file stored.
    ///
    /// The check hashes the file as it reads it: the import's job knows its file by that hash. A member with no
    /// unfinished import has none to go on from, so its first batch is stored while the check runs, by a writer
    /// that would otherwise wait, and committed once the check has passed (``storeWhileChecking``). A member with
    /// one needs the hash before anything is stored, to tell whether this file is that import's; and a file over
    /// ``largestStoredWhileChecked`` would hold the write lock too long: for those the check has every core, and the
    /// storing waits for it.
    private func store(_ source: ImportSource, members: Set<MemberCode>, by actor: Actor, options: ImportOptions) async throws -> ImportReport {
        let mayResume = try await writer.read { db in try ImportJobRows.anyUnfinished(db, member: actor.member) }
        let besideTheCheck = !mayResume && (source.size ?? 0) <= Self.largestStoredWhileChecked
        let check = try ImportCheck.start(
            source,
            owner: actor.member,
            members: members,
            workers: besideTheCheck ? 0 : Self.checkWorkers,
            options: options,
            hashing: true
        )
        if besideTheCheck {
            let reader = try startReader(source, actor: actor, members: members, after: 1)
            defer { reader.cancel() }
            if let (report, job, finished) = try await storeWhileChecking(from: reader, check: check, by: actor, options: options) {
                options.onCommit(report)
                return try await storeBatches(from: reader, report: report, job: job, finished: finished, by: actor, options: options)
            }
        }
        let (checked, fileHash) = try await check.outcome()
        guard checked.accepted else { return checked }
        let job = try await writer.write { db in
            try ImportJobRows.startOrResume(db, member: actor.member, fileHash: fileHash ?? "", rows: checked.rows, by: actor)
        }
        let reader = try startReader(source, actor: actor, members: members, after: job.lastLine)
        defer { reader.cancel() }
        let report = ImportReport(rows: checked.rows, continuing: job)
        return try await storeBatches(from: reader, report: report, job: job, finished: false, by: actor, options: options)
    }

    /// Stores the rest of the file from `reader` in batches, each committed with the job's checkpoint.
    private func storeBatches(
        from reader: ImportReader,
        report: ImportReport,
        job: ImportJob,
        finished: Bool,
        by actor: Actor,
        options: ImportOptions
    ) async throws -> ImportReport {
        var (report, job, finished) = (report, job, finished)
        while !finished {
            (report, job, finished) = try await writer.writeWithoutTransaction { [report, job] db in
                var batch = (report: report, job: job, finished: false)
                try Self.inImportTransaction(db) {
                    batch.finished = try Self.store(db, from: reader, rows: options.batchRows, job: job, into: &batch.report, by: actor)
                    batch.job.advance(to: batch.report)
                    try ImportJobRows.checkpoint(db, batch.job, finished: batch.finished)
                    if batch.finished { try AuditChain.append(db, .imported(batch.report, by: actor)) }
                    return .commit
                }
                return batch
            }
            options.onCommit(report)
        }
        return report
    }

    /// The first transaction of an import that goes on from no other: rows stored from `reader` while the check
    /// runs, a batch at a time until it is done, then the job begun with its first checkpoint and committed if the
    /// check passed; rolled back with the check's report (``RollBack``) if it did not.
    ///
    /// The transaction holds the write lock for as long as the check runs (some 3.5 s for a million rows beside the
    /// storing on 2 cores), where each later batch holds it about half a second.
    /// - Returns: the report, the job and whether the file is done; `nil`, with nothing stored, when the member has
    ///   an unfinished import after all (another process's, begun since it was asked).
    private func storeWhileChecking(
        from reader: ImportReader,
        check: ImportCheck.InProgress,
        by actor: Actor,
        options: ImportOptions
    ) async throws -> (ImportReport, ImportJob, Bool)? {
        try await writer.writeWithoutTransaction { db in
            var first: (ImportReport, ImportJob, Bool)?
            try Self.inImportTransaction(db) {
                guard try !ImportJobRows.anyUnfinished(db, member: actor.member) else { return .rollback }
                var job = ImportJob.new()
                var report = ImportReport(rows: 0, continuing: job)
                var finished = false
                do {
                    repeat {
                        finished = try Self.store(db, from: reader, rows: options.batchRows, job: job, into: &report, by: actor)
                    } while !finished && !check.isDone
                } catch {
                    // A row that cannot be stored failed the check too, whose report says where.
                    if let (checked, _) = try? check.wait(), !checked.accepted { throw RollBack(report: checked) }
                    throw error
                }
                let (checked, fileHash) = try check.wait()
                guard checked.accepted else { throw RollBack(report: checked) }
                report.rows = checked.rows
                job.advance(to: report)
                try ImportJobRows.begin(
                    db,
                    job,
                    member: actor.member,
                    fileHash: fileHash ?? "",
                    rows: checked.rows,
                    finished: finished,
                    by: actor
                )
                if finished { try AuditChain.append(db, .imported(report, by: actor)) }
                first = (report, job, finished)
                return .commit
            }
            return first
        }
    }

    /// Runs `body` as one transaction of the import: immediate, as GRDB's own writes (the write lock is taken at
    /// once, so that a re-import's reads before its first write never meet another process's commit in between),
    /// and with SQLite's foreign key checks off on the writer's connection, which no other statement uses meanwhile;
    /// they are back on before anything else can write.
    ///
    /// The checks found nothing to refuse, and cost more than half of SQLite's time for a new record (a lookup in
    /// another table's index for each reference): what the import writes refers by construction to rows that exist,
    /// the owner and the members of a sharing list checked against the members when the file was, and a history
    /// entry or sharing list to the record written just before it.
    static func inImportTransaction(_ db: Database, _ body: () throws -> Database.TransactionCompletion) throws {
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        let result = Result { try db.inTransaction(.immediate, body) }
        try db.execute(sql: "PRAGMA foreign_keys = ON")
        try result.get()
    }

    /// Runs `body` with 512 MiB of page cache for the writer, as a large import inserts into the indexes all over
    /// (pages are taken only as needed), and without checkpoints of the write-ahead log between its batches, which
    /// would write the same index pages back to the database file again and again; then hands back the usual 64 MiB,
    /// checkpoints once, and lets SQLite checkpoint as usual.
    ///
    /// That checkpoint is the import's courtesy, not part of it: what it copies is committed already. Another
    /// connection checkpointing at the same moment (a server's write after the import's last batch starts one) makes
    /// it fail at once with `SQLITE_BUSY`; that failure is left to the other checkpoint, not made the import's.
    private func withImportCache<T>(_ body: () async throws -> T) async throws -> T {
        try await writer.write { db in try db.execute(sql: "PRAGMA cache_size = -524288; PRAGMA wal_autocheckpoint = 0") }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 1000")
            do {
                _ = try db.checkpoint(.passive)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            }
        }
        return try result.get()
    }

    /// Thrown inside the transaction to undo it while handing the report out.
    private struct RollBack: Error { var report: ImportReport }

    /// Starts the second reading of the file, which prepares the rows after line `after` for storing.
    private func startReader(_ source: ImportSource, actor: Actor, members: Set<MemberCode>, after line: Int) throws -> ImportReader {
        let reader = ImportReader(owner: actor.member, members: members, mode: .prepare(skipThrough: line), nextChunk: try source.open())
        reader.start()
        return reader
    }

    /// Stores up to `limit` rows from `reader` in the transaction of `db`, counting them in `report`.
    ///
    /// The rows were checked; a problem now means the file changed since, and the transaction fails.
    /// - Returns: whether the file is done.
    private static func store(
        _ db: Database,
        from reader: ImportReader,
        rows limit: Int,
        job: ImportJob,
        into report: inout ImportReport,
        by actor: Actor
    ) throws -> Bool {
        let now = RecordRowWriter.Timestamp(job.startedAt)
        var stored = 0
        // Rows tend to come in runs of new ones (a first upload) or known ones (a re-upload): try each row the way
        // the previous one turned out.
        var expectExisting = false
        return try RecordRowWriter.within(db, batch: true) { writer in
            while stored < limit {
                guard let batch = reader.next() else { return true }
                for item in batch {
                    guard case .record(let line, let prepared) = item else {
                        if case .failure(let error) = item { throw error }
                        throw StorageError("the file changed while it was imported: its rows no longer pass the check they passed")
                    }
                    let outcome = try writer.upsert(prepared, expectExisting: expectExisting, by: actor, at: now)
                    if case .created = outcome { expectExisting = false } else { expectExisting = true }
                    switch outcome {
                    case .created: report.created += 1
                    case .updated: report.updated += 1
                    case .unchanged: report.unchanged += 1
                    case .repeated:
                        throw StorageError("the file changed while it was imported: '\(prepared.details.externalRef)' is now on two lines")
                    }
                    report.lastLine = line
                    stored += 1
                }
                reader.recycle(batch)
            }
            return false
        }
    }
}

/// The `import_job` rows on SQLite: each import's checkpoint.
private enum ImportJobRows {
    /// Whether the member has an import that has not finished (interrupted, or running in another process).
    static func anyUnfinished(_ db: Database, member: MemberCode) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM import_job WHERE member_code = ? AND finished_at IS NULL)",
            arguments: [member.rawValue]
        ) ?? false
    }

    /// The unfinished job of this member for the file with this hash, or a new one.
    static func startOrResume(_ db: Database, member: MemberCode, fileHash: String, rows: Int, by actor: Actor) throws -> ImportJob {
        if let row = try Row.fetchOne(
            db,
            sql: """
                SELECT id, started_at, last_line, created, updated, unchanged FROM import_job
                WHERE member_code = ? AND file_sha256 = ? AND finished_at IS NULL ORDER BY started_at DESC LIMIT 1
                """,
            arguments: [member.rawValue, fileHash]
        ), let id = UUID(uuidString: row["id"]) {
            return ImportJob(
                id: id,
                startedAt: row["started_at"],
                lastLine: row["last_line"],
                created: row["created"],
                updated: row["updated"],
                unchanged: row["unchanged"]
            )
        }
        let job = ImportJob.new()
        try begin(db, job, member: member, fileHash: fileHash, rows: rows, finished: false, by: actor)
        return job
    }

    /// Stores a new job as far as it got, and when it finished if it did: one statement, where an import stored
    /// beside its check begins its job with its first batch.
    static func begin(_ db: Database, _ job: ImportJob, member: MemberCode, fileHash: String, rows: Int, finished: Bool, by actor: Actor) throws {
        try db.execute(
            sql: """
                INSERT INTO import_job (
                    id, member_code, file_sha256, rows, last_line, created, updated, unchanged, user_id, channel, started_at, finished_at
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                job.id.uuidString.lowercased(), member.rawValue, fileHash, rows, job.lastLine, job.created, job.updated, job.unchanged,
                actor.userID?.description, actor.channel.rawValue, job.startedAt, finished ? Date() : nil,
            ]
        )
    }

    /// Stores how far the job got, and when it finished.
    static func checkpoint(_ db: Database, _ job: ImportJob, finished: Bool) throws {
        try db.execute(
            sql: """
                UPDATE import_job SET last_line = ?, created = ?, updated = ?, unchanged = ?, finished_at = ?
                WHERE id = ?
                """,
            arguments: [job.lastLine, job.created, job.updated, job.unchanged, finished ? Date() : nil, job.id.uuidString.lowercased()]
        )
    }
}
