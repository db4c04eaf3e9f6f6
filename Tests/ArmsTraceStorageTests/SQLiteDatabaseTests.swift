import ArmsTraceDomain
import Foundation
import GRDB
import GRDBSQLite
import Synchronization
import Testing

@testable import ArmsTraceStorage

@Suite struct SQLiteDatabaseTests {
    @Test func fileDatabaseIsDurable() async throws {
        let folder = try TemporaryFolder()
        let database = try SQLiteDatabase(path: folder.path("durable.sqlite"))
        #expect(try await database.pragma("synchronous") == "2", "synchronous=FULL survives GRDB's own NORMAL")
        #expect(try await database.pragma("journal_mode") == "wal")
        #expect(try await database.pragma("foreign_keys") == "1")
    }

    /// A new file gets pages of 8 KiB; a file made before keeps its own size, which SQLite cannot change in place.
    @Test func newFilesHaveLargerPagesAndOldOnesKeepTheirs() async throws {
        let folder = try TemporaryFolder()
        #expect(try await SQLiteDatabase(path: folder.path("new.sqlite")).pragma("page_size") == "8192")
        let old = folder.path("old.sqlite")
        try await DatabaseQueue(path: old).write { db in try db.execute(sql: "PRAGMA page_size = 4096; CREATE TABLE t (x)") }
        let reopened = try SQLiteDatabase(path: old)
        try reopened.migrate()
        #expect(try await reopened.pragma("page_size") == "4096")
    }

    /// A file database's import, in many small batches without the writer's own checkpoints between them, ends with
    /// every row there, the file sound, and nothing left in the write-ahead log to copy into it; its job holds the
    /// file's hash.
    @Test func aFileImportLeavesTheFileWholeAndTheLogCopied() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("import.sqlite")
        let database = try SQLiteDatabase(path: path)
        try database.migrate()
        for code in ["KEN", "UGA", "FRA"] { try await database.repositories.members.create(try Member.validated(code: code, name: code)) }
        let csv = RecordImportTests.csv(rows: 400)
        let report = try await database.importCSV(csv, batchRows: 25)
        #expect(report.created == 400)
        // The job knows the file by the hash its check took while reading it, the same as a reading of its own.
        let jobHash = try await database.writer.read { db in try String.fetchOne(db, sql: "SELECT file_sha256 FROM import_job") }
        #expect(try await jobHash == ImportSource.bytes(Array(csv.utf8), chunkSize: 1000).sha256())
        let (busy, logged, copied) = try await database.writer.writeWithoutTransaction { db in
            let row = try #require(try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)"))
            return (row[0] as Int, row[1] as Int, row[2] as Int)
        }
        #expect(busy == 0 && logged == copied, "\(copied) of \(logged) frames copied")
        let file = try DatabaseQueue(path: path)
        let (records, history, integrity) = try await file.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM weapon_record"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM weapon_record_history"),
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        #expect(records == 400 && history == 400)
        #expect(integrity == "ok")
    }

    /// What the server checks at startup (and logs as warnings): nothing to say on a file database; an in-memory one
    /// has no write-ahead log.
    /// A write that finds another process's write transaction for longer than the busy timeout gives up with
    /// `unavailable` (the API's 503 with `Retry-After`) instead of a bare failure, leaves nothing behind, and the same
    /// write succeeds once the other is done. Reads are not held up at all.
    @Test func aWriteHeldUpPastTheBusyTimeoutIsUnavailableAndChangesNothing() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("busy.sqlite")
        let database = try SQLiteDatabase(path: path, busyTimeout: .milliseconds(200))
        try database.migrate()
        let members = database.repositories.members
        try await members.create(try Member.validated(code: "KEN", name: "Kenya"))
        // Another process's connection, in the middle of a long write.
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: unsafe)
        try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }

        let start = ContinuousClock.now
        do {
            try await members.create(try Member.validated(code: "UGA", name: "Uganda"))
            Issue.record("the write went through another connection's write transaction")
        } catch DomainError.unavailable(let message, let retryAfter) {
            #expect(message.contains("try again") && retryAfter == 5)
        }
        #expect(ContinuousClock.now - start >= .milliseconds(200), "it waited for the other write first")
        #expect(try await members.list().map(\.id.rawValue) == ["KEN"], "reads go on meanwhile")

        try await other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
        try await members.create(try Member.validated(code: "UGA", name: "Uganda"))
        #expect(try await members.list().map(\.id.rawValue) == ["KEN", "UGA"])
    }

    /// A token's user is read on the writer connection (its page cache stays warm), which still sees at once what
    /// another process committed: a token revoked there is refused here on the next request.
    @Test func aTokenRevokedByAnotherProcessIsRefusedAtOnce() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("tokens.sqlite")
        let (server, user, issued) = try await Self.fileWithAnOfficersToken(path)
        #expect(try await server.repositories.users.authenticate(token: issued.secret, at: Date()).id == user.id)

        let command = try SQLiteDatabase(path: path)
        #expect(try await command.repositories.users.revokeAllTokens(of: user.id, by: Actor(user, channel: .cli), at: Date()) == 1)
        await #expect(throws: DomainError.unauthenticated) {
            try await server.repositories.users.authenticate(token: issued.secret, at: Date())
        }
    }

    /// While an import holds the writer connection, the reads that use it otherwise (a token's user) go to the
    /// readers instead of waiting behind the import.
    @Test func aTokensUserIsReadWhileAnImportHoldsTheWriter() async throws {
        let folder = try TemporaryFolder()
        let (database, user, issued) = try await Self.fileWithAnOfficersToken(folder.path("held.sqlite"))

        let held = DispatchSemaphore(value: 0)
        let holding = Atomic<Bool>(false)
        let importing = Task {
            try await database.admission.duringBulkWrite {
                try await database.writer.write { _ in
                    holding.store(true, ordering: .relaxed)
                    _ = held.wait(timeout: .now() + 10)
                }
            }
        }
        defer { held.signal() }
        while !holding.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        let start = ContinuousClock.now
        #expect(try await database.repositories.users.authenticate(token: issued.secret, at: Date()).id == user.id)
        #expect(ContinuousClock.now - start < .seconds(5), "the read did not wait for the writer")
        held.signal()
        try await importing.value
    }

    /// A migrated database file at `path` with Kenya, one officer and a token of theirs.
    private static func fileWithAnOfficersToken(_ path: String) async throws -> (SQLiteDatabase, User, IssuedToken) {
        let database = try SQLiteDatabase(path: path)
        try database.migrate()
        try await database.repositories.members.create(try Member.validated(code: "KEN", name: "Kenya"))
        let user = User(id: .generate(), member: MemberCode("KEN")!, name: "Officer", role: .officer, createdAt: Date())
        try await database.repositories.users.create(user)
        return (database, user, try await database.repositories.users.issueToken(for: user.id, name: "laptop", expiresAt: nil))
    }

    @Test func theServersDurabilityCheckReadsTheWriter() async throws {
        let folder = try TemporaryFolder()
        #expect(try await SQLiteDatabase(path: folder.path("durable.sqlite")).durabilityWarnings().isEmpty)
        #expect(try await SQLiteDatabase.inMemory().durabilityWarnings() == ["SQLite journal_mode is memory, not wal"])
        #expect(
            Durability.sqliteWarnings(journalMode: "wal", synchronous: "1")
                == ["SQLite synchronous is 1, not FULL (2): a power cut may lose committed transactions"]
        )
        #expect(Durability.postgresWarnings(["fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"]).isEmpty)
        #expect(
            Durability.postgresWarnings(["fsync": "off", "synchronous_commit": "on"]).map { $0.split(separator: ":")[0] } == [
                "PostgreSQL fsync is off", "PostgreSQL full_page_writes is unknown",
            ]
        )
    }

    /// `FastStatement` binds text and blobs from its own memory (`SQLITE_STATIC`): each run stores exactly what was
    /// bound (an empty text stays empty, not NULL; a value too large for the arena is copied by SQLite), a later run
    /// does not change what an earlier one stored, and nothing stays bound after a run.
    @Test func fastStatementsStoreWhatWasBound() throws {
        let database = try SQLiteDatabase.inMemory()
        let large = String(repeating: "é", count: 40_000)
        let values: [(String?, Data)] = [("a", Data([1])), ("", Data()), (nil, Data([0, 255])), (large, Data(repeating: 7, count: 70_000))]
        try database.writer.write { db in
            try db.execute(sql: "CREATE TABLE bound (n INTEGER, t TEXT, b BLOB)")
            let insert = try FastStatement(db, sql: "INSERT INTO bound VALUES (?, ?, ?)")
            for (n, value) in values.enumerated() {
                try insert.run { bind in
                    bind.int(n)
                    bind.text(value.0)
                    bind.blob(value.1)
                }
            }
            let stored = try Row.fetchAll(db, sql: "SELECT t, b FROM bound ORDER BY n")
            #expect(stored.map { $0["t"] as String? } == values.map(\.0))
            #expect(stored.map { $0["b"] as Data? } == values.map { Optional($0.1) })
            #expect(try String.fetchOne(db, sql: "SELECT typeof(t) || typeof(b) FROM bound WHERE n = 1") == "textblob")
            let select = try FastStatement(db, sql: "SELECT ? || t FROM bound WHERE n = 0")
            #expect(try select.first({ $0.text("b") }, { $0.text(0) }) == "ba")
            // Unbound after the run: the parameter reads NULL again.
            let handle = try db.cachedStatement(sql: "SELECT ? || t FROM bound WHERE n = 0").sqliteStatement
            let expanded = sqlite3_expanded_sql(handle)
            defer { sqlite3_free(expanded) }
            #expect(expanded.map { String(cString: $0) } == "SELECT NULL || t FROM bound WHERE n = 0")
        }
    }

    /// A statement run again and again binds from its own block once the first run sized it: every row stored as
    /// bound, short and long, none changed by the runs after it.
    @Test func fastStatementsRunManyTimesStoreEveryRow() throws {
        let database = try SQLiteDatabase.inMemory()
        let texts = (0..<50).map { String(repeating: "ab\($0)-", count: (50 - $0) * 40) }
        try database.writer.write { db in
            try db.execute(sql: "CREATE TABLE bound (n INTEGER, t TEXT, u TEXT)")
            let insert = try FastStatement(db, sql: "INSERT INTO bound VALUES (?, ?, ?)")
            for (n, text) in texts.enumerated() {
                try insert.run { bind in
                    bind.int(n)
                    bind.text(text)
                    bind.text("row \(n)")
                }
            }
            let stored = try Row.fetchAll(db, sql: "SELECT t, u FROM bound ORDER BY n")
            #expect(stored.map { $0["t"] as String } == texts)
            #expect(stored.map { $0["u"] as String } == texts.indices.map { "row \($0)" })
        }
    }

    /// A bulk import's batch writes the `created` history entries of its new records at its end, one statement for
    /// all: one entry each, for the records of this batch only, and a batch written by two actors fails.
    @Test func aBatchWritesItsCreatedHistoryAtItsEnd() async throws {
        let database = try await SQLiteDatabase.withMembers(["KEN"])
        var demo = DemoData(seed: 5)
        let officer = Actor(userID: nil, member: MemberCode("KEN")!, role: .officer, channel: .cli)
        var prepared: [String: RecordRowWriter.PreparedDetails] = [:]
        for reference in ["A-1", "A-2", "B-1", "A-1 changed", "B-2", "C-1", "C-2"] {
            var details = demo.next().details
            details.externalRef = String(reference.prefix(3))
            details.sharing = .all
            prepared[reference] = .init(details)
        }
        let details = prepared
        let now = RecordRowWriter.Timestamp(Date())
        let later = RecordRowWriter.Timestamp(now.date.addingTimeInterval(1))
        try await database.writer.write { db in
            _ = try RecordRowWriter.within(db, batch: true) { writer in
                for reference in ["A-1", "A-2"] { _ = try writer.upsert(details[reference]!, by: officer, at: now) }
            }
            _ = try RecordRowWriter.within(db, batch: true) { writer in
                for reference in ["B-1", "A-1 changed", "B-2"] { _ = try writer.upsert(details[reference]!, by: officer, at: later) }
            }
            let entries = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.external_ref, h.version, h.action FROM weapon_record_history h JOIN weapon_record r ON r.id = h.record_id
                    ORDER BY 1, 2
                    """
            ).map { "\($0[0] as String) \($0[1] as Int) \($0[2] as String)" }
            #expect(entries == ["A-1 1 created", "A-1 2 updated", "A-2 1 created", "B-1 1 created", "B-2 1 created"])
            let other = Actor(userID: nil, member: MemberCode("KEN")!, role: .admin, channel: .api)
            #expect(throws: StorageError.self) {
                try RecordRowWriter.within(db, batch: true) { writer in
                    _ = try writer.upsert(details["C-1"]!, by: officer, at: now)
                    _ = try writer.upsert(details["C-2"]!, by: other, at: now)
                }
            }
        }
    }

    @Test func migrationsAreTrackedAndIdempotent() async throws {
        let folder = try TemporaryFolder()
        let database = try SQLiteDatabase(path: folder.path("migrate.sqlite"))
        #expect(try await database.isMigrated() == false)
        #expect(try await database.pendingMigrations().isEmpty == false)
        try database.migrate()
        try database.migrate()
        #expect(try await database.isMigrated())
        #expect(try await database.pendingMigrations().isEmpty)
    }

    @Test func historyIsAppendOnlyInTheDatabase() async throws {
        let database = try await SQLiteDatabase.withMembers()
        let record = try await database.repositories.records.create(
            WeaponRecord.Details(externalRef: "X", category: .shotgun, make: "Mossberg", serialNumber: "U123456", status: .lost),
            by: .commandLine(for: MemberCode("KEN")!)
        )
        await #expect(throws: (any Error).self) {
            try await database.execute(sql: "UPDATE weapon_record_history SET action = 'updated'")
        }
        await #expect(throws: (any Error).self) {
            try await database.execute(sql: "DELETE FROM weapon_record_history")
        }
        #expect(try await database.repositories.records.history(record.id, viewer: MemberCode("KEN")!).count == 1)
    }

    @Test func demoDataIsDeterministicAndValid() async throws {
        let first = try await SQLiteDatabase.withMembers([])
        let second = try await SQLiteDatabase.withMembers([])
        _ = try await first.seedDemo(records: 300, seed: 7)
        _ = try await second.seedDemo(records: 300, seed: 7)
        #expect(try await first.repositories.records.count(owner: nil) == 300)
        #expect(try await first.exportCSV(member: "KEN") == second.exportCSV(member: "KEN"))
        #expect(try await first.repositories.members.list().count == 14)
        await #expect(throws: DomainError.self) { _ = try await first.seedDemo(records: 1, seed: 7) }
    }

    /// A database of the release before `weapon_record_count` gets its records counted by the migration, and the
    /// counts it gets are those every write kept (the demo's records went in through the same writer).
    @Test func theCountsMigrationCountsTheRecordsAlreadyThere() async throws {
        let database = try await SQLiteDatabase.withMembers([])
        _ = try await database.seedDemo(records: 500, seed: 3)
        let members = try await database.repositories.members.list().map(\.id)
        var kept: [MemberCode: RecordTally.Counts] = [:]
        for member in members { kept[member] = try await database.repositories.records.tally(owner: member, sinceMonth: "1900-01") }
        try await database.execute(
            sql: """
                DROP TABLE weapon_record_count;
                CREATE INDEX weapon_record_tally ON weapon_record(owner_code, created_at, status, category, event_date);
                DELETE FROM grdb_migrations WHERE identifier = '2026-11-30-21-record-counts';
                """
        )
        try database.migrate()
        for member in members {
            #expect(try await database.repositories.records.tally(owner: member, sinceMonth: "1900-01") == kept[member], "\(member)")
        }
        #expect(kept.values.map { $0.byStatusAndCategory.values.reduce(0, +) }.reduce(0, +) == 500)
    }

    /// A database of the release before keeps its records when the checks of the tables written in bulk become
    /// comparisons (SQLite builds a temporary b-tree for a list of three values or more on every row), and the
    /// comparisons refuse what the lists refused; the file's other connections read the new definitions.
    @Test func checksOfTablesWrittenInBulkAreComparisonsThatStillRefuse() async throws {
        let folder = try TemporaryFolder()
        let database = try SQLiteDatabase(path: folder.path("checks.sqlite"))
        try SQLiteMigrations.migrator.migrate(database.writer, upTo: "2026-11-30-21-record-counts")
        try await database.repositories.members.create(try Member.validated(code: "KEN", name: "Kenya"))
        var details = WeaponRecord.Details(externalRef: "X", category: .shotgun, make: "Mossberg", serialNumber: "U123456", status: .lost)
        details.serialObliterated = .partly
        let record = try await database.repositories.records.create(details, by: .commandLine(for: MemberCode("KEN")!))

        try database.migrate()
        let definitions = try await database.writer.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT sql FROM sqlite_master WHERE name IN ('weapon_record', 'hit_notice', 'stock_weapon', 'stock_movement')"
            )
        }
        #expect(definitions.count == 4)
        for definition in definitions { #expect(!definition.contains(" IN ('"), "\(definition)") }
        #expect(try await database.repositories.records.get(record.id, viewer: MemberCode("KEN")!) == record)
        try await database.execute(
            sql: """
                INSERT INTO search_log (id, searched_at, member_code, channel, request, candidate_count)
                VALUES ('s', '2026-12-01', 'KEN', 'api', '{}', 1)
                """
        )
        let notice = "INSERT INTO hit_notice (id, recipient_code, record_id, search_id, source, distance) VALUES ('n', 'KEN', '\(record.id)', 's'"
        for refused in [
            "UPDATE weapon_record SET serial_obliterated = 'maybe'", "UPDATE weapon_record SET sharing_mode = 'nobody'", notice + ", 'guess', 0)",
        ] {
            let error = await #expect(throws: DatabaseError.self, "\(refused)") { try await database.execute(sql: refused) }
            #expect(error?.extendedResultCode == .SQLITE_CONSTRAINT_CHECK, "\(refused)")
        }
        try await database.execute(sql: "UPDATE weapon_record SET serial_obliterated = 'yes', sharing_mode = 'members'")
        try await database.execute(sql: notice + ", 'marking', 0)")
        #expect(try await database.pragma("integrity_check") == "ok")
    }
}
