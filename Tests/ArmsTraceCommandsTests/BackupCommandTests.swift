import ArgumentParser
import ArmsTraceCommands
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Testing

/// `armstrace backup` and `armstrace restore` on real files: the restored database holds every row the original did.
@Suite struct BackupCommandTests {
    func run(_ arguments: [String]) async throws {
        var command = try ArmsTraceCommand.parseAsRoot(arguments)
        if var asynchronous = command as? any AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
    }

    /// Every row of every table, in key order.
    static func rows(_ store: any Store) async throws -> [String: [[StoreValue]]] {
        var all: [String: [[StoreValue]]] = [:]
        for table in StoreTable.all {
            all[table.name] = try await store.tableRows(table, after: nil, limit: 1_000_000)
        }
        return all
    }

    @Test func aBackupRestoresToTheSameRows() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("armstrace-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = directory.appendingPathComponent("live.sqlite").path
        let backup = directory.appendingPathComponent("backup.sqlite").path
        let restored = directory.appendingPathComponent("restored.sqlite").path
        try await run(["demo", "--database", original, "--records", "300", "--traces", "5", "--seed", "3"])

        try await run(["backup", "--database", original, "--to", backup])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }.isEmpty)
        try await run(["restore", "--from", backup, "--database", restored])
        let before = try await Self.rows(SQLiteDatabase(path: original))
        let after = try await Self.rows(SQLiteDatabase(path: restored))
        #expect(before["weapon_record"]?.count == 300)
        #expect(before == after)

        // Never over an existing database; never from a file that is not a backup.
        await #expect(throws: (any Error).self) { try await run(["restore", "--from", backup, "--database", restored]) }
        let junk = directory.appendingPathComponent("junk.sqlite").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: junk))
        await #expect(throws: (any Error).self) {
            try await run(["restore", "--from", junk, "--database", directory.appendingPathComponent("x.sqlite").path])
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.sqlite").path))
    }
}
