import ArmsTraceDomain
import Foundation
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

    /// What the server checks at startup (and logs as warnings): nothing to say on a file database; an in-memory one
    /// has no write-ahead log.
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
}
