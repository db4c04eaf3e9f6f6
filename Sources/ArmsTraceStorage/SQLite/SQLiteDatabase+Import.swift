public import ArmsTraceDomain
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Imports a member's records from CSV: checks the whole file, then stores it in batches, each committed with
    /// the import's checkpoint.
    ///
    /// The file is streamed both times: memory is bounded whatever its size (a few batches between the reading and
    /// writing threads, SQLite's page cache, raised to 512 MiB for the import, and the check's set of reference
    /// hashes). Each row is validated by the same rules as the API; a row whose `external_ref` the member already uses
    /// updates that record (with a history entry) when anything differs and is left alone otherwise, so importing a
    /// file twice changes nothing the second time. A dry run stores in one transaction and rolls it back.
    /// - Throws: `DomainError.notFound` for an unknown member; an I/O error when the file cannot be read.
    public func importRecords(by actor: Actor, from source: ImportSource, options: ImportOptions) async throws -> ImportReport {
        do {
            let members = try await writer.read { db in Set(try String.fetchAll(db, sql: "SELECT code FROM member").compactMap(MemberCode.init)) }
            guard members.contains(actor.member) else { throw DomainError.notFound(entity: "member", id: actor.member.rawValue) }
            // Nothing else runs beside SQLite's check: it takes every core, the parsing thread one of them (on 2
            // cores, one worker beside it checked 1M rows in 2.4 s, two in 2.5-2.7 s), and hashes the file as it reads
            // unless nothing is to be stored.
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
            let (check, fileHash) = try await ImportCheck.run(
                source,
                owner: actor.member,
                members: members,
                workers: workers,
                options: options,
                hashing: !options.dryRun
            )
            guard check.accepted else { return check }
            let checked = (rows: check.rows, fileHash: fileHash ?? "")
            return try await withImportCache {
                try await store(source, checked: checked, members: members, by: actor, options: options)
            }
        } catch let rollBack as RollBack {
            return rollBack.report
        } catch let error as DatabaseError {
            throw StorageError.translate(error)
        }
    }

    /// The second reading: stores the checked file, in one transaction rolled back for a dry run, or in batches
    /// each committed with the import's checkpoint, going on after the last line an interrupted import stored.
    private func store(
        _ source: ImportSource,
        checked check: (rows: Int, fileHash: String),
        members: Set<MemberCode>,
        by actor: Actor,
        options: ImportOptions
    ) async throws -> ImportReport {
        let rows = check.rows
        if options.dryRun {
            let job = ImportJob.new()
            let reader = try startReader(source, actor: actor, members: members, after: job.lastLine)
            defer { reader.cancel() }
            return try await writer.write { db in
                var report = ImportReport(rows: rows, dryRun: true)
                _ = try Self.store(db, from: reader, rows: .max, job: job, into: &report, by: actor)
                throw RollBack(report: report)
            }
        }
        var job = try await writer.write { db in
            try ImportJobRows.startOrResume(db, member: actor.member, fileHash: check.fileHash, rows: rows, by: actor)
        }
        var report = ImportReport(rows: rows, continuing: job)
        let reader = try startReader(source, actor: actor, members: members, after: job.lastLine)
        defer { reader.cancel() }
        var finished = false
        while !finished {
            (report, job, finished) = try await writer.writeWithoutTransaction { [report, job] db in
                var batch = (report: report, job: job, finished: false)
                try Self.withoutForeignKeyChecks(db) {
                    // Immediate, as GRDB's own writes: the write lock is taken at once, so that a re-import's reads
                    // before its first write never meet another process's commit in between.
                    try db.inTransaction(.immediate) {
                        batch.finished = try Self.store(db, from: reader, rows: options.batchRows, job: job, into: &batch.report, by: actor)
                        batch.job.advance(to: batch.report)
                        try ImportJobRows.checkpoint(db, batch.job, finished: batch.finished)
                        if batch.finished { try AuditChain.append(db, .imported(batch.report, by: actor)) }
                        return .commit
                    }
                }
                return batch
            }
            options.onCommit(report)
        }
        return report
    }

    /// Runs `body`, a transaction of the import, with SQLite's foreign key checks off on the writer's connection,
    /// which no other statement uses meanwhile; they are back on before anything else can write.
    ///
    /// The checks found nothing to refuse, and cost more than half of SQLite's time for a new record (a lookup in
    /// another table's index for each reference): what the import writes refers by construction to rows that exist,
    /// the owner and the members of a sharing list checked against the members when the file was, and a history
    /// entry or sharing list to the record written just before it.
    static func withoutForeignKeyChecks(_ db: Database, _ body: () throws -> Void) throws {
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        let result = Result { try body() }
        try db.execute(sql: "PRAGMA foreign_keys = ON")
        try result.get()
    }

    /// Runs `body` with 512 MiB of page cache for the writer, as a large import inserts into the indexes all over
    /// (pages are taken only as needed), and without checkpoints of the write-ahead log between its batches, which
    /// would write the same index pages back to the database file again and again; then hands back the usual 64 MiB,
    /// checkpoints once, and lets SQLite checkpoint as usual.
    private func withImportCache<T>(_ body: () async throws -> T) async throws -> T {
        try await writer.write { db in try db.execute(sql: "PRAGMA cache_size = -524288; PRAGMA wal_autocheckpoint = 0") }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 1000")
            _ = try db.checkpoint(.passive)
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
        try db.execute(
            sql: """
                INSERT INTO import_job (id, member_code, file_sha256, rows, last_line, created, updated, unchanged, user_id, channel, started_at)
                VALUES (?, ?, ?, ?, 1, 0, 0, 0, ?, ?, ?)
                """,
            arguments: [
                job.id.uuidString.lowercased(), member.rawValue, fileHash, rows, actor.userID?.description, actor.channel.rawValue, job.startedAt,
            ]
        )
        return job
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
