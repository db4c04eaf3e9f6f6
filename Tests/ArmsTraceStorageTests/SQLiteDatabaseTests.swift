import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Testing

@Suite struct SQLiteDatabaseTests {
    @Test func fileDatabaseIsDurable() async throws {
        let folder = try TemporaryFolder()
        let database = try SQLiteDatabase(path: folder.path("durable.sqlite"))
        #expect(try await database.pragma("synchronous") == "2", "synchronous=FULL survives GRDB's own NORMAL")
        #expect(try await database.pragma("journal_mode") == "wal")
        #expect(try await database.pragma("foreign_keys") == "1")
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
}
