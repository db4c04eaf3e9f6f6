import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Synchronization

/// A folder under the system's temporary directory, removed when the value is released.
final class TemporaryFolder: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("armstrace-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A thread-safe counter for unique names.
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}

extension SQLiteDatabase {
    /// The database with every migration applied.
    func migrated() throws -> SQLiteDatabase {
        try migrate()
        return self
    }

    /// A migrated in-memory database with the given members.
    static func withMembers(_ codes: [String] = ["KEN", "UGA", "FRA"]) async throws -> SQLiteDatabase {
        let database = try SQLiteDatabase.inMemory().migrated()
        for code in codes {
            try await database.repositories.members.create(try Member.validated(code: code, name: code))
        }
        return database
    }

}

/// The stores tests run on: SQLite always, PostgreSQL when `ARMSTRACE_TEST_POSTGRES` names a server.
enum StoreKind: String, CustomStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [StoreKind] { PostgresDatabase.testServer == nil ? [.sqlite] : [.sqlite, .postgres] }

    var description: String { rawValue }

    /// A new, empty, migrated store: in memory, or in a schema of its own.
    func make() async throws -> any Store {
        switch self {
        case .sqlite: try SQLiteDatabase.inMemory().migrated()
        case .postgres: try await PostgresDatabase.scratch(url: PostgresDatabase.testServer!)
        }
    }

    /// A new store with the given members.
    func withMembers(_ codes: [String] = ["KEN", "UGA", "FRA"]) async throws -> any Store {
        let database = try await make()
        for code in codes {
            try await database.repositories.members.create(try Member.validated(code: code, name: code))
        }
        return database
    }
}

extension Store {
    /// Imports CSV text as `member`'s operator.
    func importCSV(_ text: String, member: String = "KEN", dryRun: Bool = false, batchRows: Int = 50_000) async throws -> ImportReport {
        try await importRecords(
            by: .commandLine(for: MemberCode(member)!),
            from: .bytes(Array(text.utf8)),
            options: ImportOptions(dryRun: dryRun, batchRows: batchRows)
        )
    }

    /// Exports `member`'s records as CSV text.
    func exportCSV(member: String = "KEN", format: ExportFormat = .csv) async throws -> String {
        let output = Mutex("")
        _ = try await exportRecords(by: .commandLine(for: MemberCode(member)!), format: format) { text in output.withLock { $0 += text } }
        return output.withLock { $0 }
    }
}
