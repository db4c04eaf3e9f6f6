public import ArmsTraceDomain
import CSQLiteSettings
import Foundation
public import GRDB

/// An ArmsTrace database in one SQLite file, opened once for the life of the process.
///
/// The file is in WAL mode with `synchronous=FULL`, so a committed transaction survives a power loss, not only a
/// process crash (GRDB's pool sets `NORMAL` itself; this type raises it on the writer after opening). Foreign keys
/// are enforced. Tests use ``inMemory()``.
///
/// ```swift
/// let database = try SQLiteDatabase(path: "armstrace.sqlite")
/// try await database.migrate()
/// let repositories = database.repositories
/// ```
public struct SQLiteDatabase: Sendable {
    /// The GRDB writer: a `DatabasePool` for a file, a `DatabaseQueue` in memory.
    let writer: any DatabaseWriter
    /// Keeps concurrent reads within the reader pool (see ``ReadAdmission``).
    let admission: ReadAdmission
    /// Commits concurrent searches' log entries together (see ``GroupCommit``).
    let searchLog: GroupCommit<LoggedSearch>
    /// The file's path, or `:memory:`.
    public let location: String

    /// How long a write waits for another connection's write transaction (another process's) before it gives up
    /// with `DomainError.unavailable`.
    public static let defaultBusyTimeout = Duration.seconds(10)

    /// Opens (and creates if need be) the database file at `path`. Does not migrate.
    /// - Parameter busyTimeout: how long a write waits for another process's write before it gives up.
    /// - Throws: `StorageError` when the file cannot be opened as a database.
    public init(path: String, busyTimeout: Duration = defaultBusyTimeout) throws {
        let configuration = Self.configuration(busyTimeout: busyTimeout)
        let pool = try StorageError.translating { try DatabasePool(path: path, configuration: configuration) }
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        self.writer = pool
        self.location = path
        self.admission = ReadAdmission(permits: pool.configuration.maximumReaderCount)
        self.searchLog = SearchSQLiteRepository.groupCommit(pool)
    }

    private init(writer: any DatabaseWriter) {
        self.writer = writer
        self.location = ":memory:"
        self.admission = ReadAdmission(permits: writer.configuration.maximumReaderCount)
        self.searchLog = SearchSQLiteRepository.groupCommit(writer)
    }

    /// A private database in memory, for tests.
    public static func inMemory() throws -> SQLiteDatabase {
        SQLiteDatabase(writer: try DatabaseQueue(configuration: configuration()))
    }

    private static func configuration(busyTimeout: Duration = defaultBusyTimeout) -> Configuration {
        _ = processSettings
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // A write that finds another connection's write transaction waits up to `busyTimeout`, trying again every
        // millisecond: SQLite's own timeout backs off to tries 100 ms apart, which almost never got in between the
        // batches of a bulk import in another process, as it begins the next one at once (a server's write waited
        // the whole 10 s and failed).
        let tries = Int(busyTimeout / .milliseconds(1))
        configuration.busyMode = .callback { tried in
            usleep(1000)
            return tried < tries
        }
        configuration.label = "armstrace"
        configuration.prepareDatabase { db in
            // Pages of 8 KiB for a new file (an existing one keeps its own): a bulk import of a million records
            // took 5-7 % less time than with SQLite's default of 4 KiB, searches over HTTP the same within noise.
            try db.execute(sql: "PRAGMA page_size = 8192")
            // 64 MiB of page cache per connection (SQLite's default is 2 MiB): bulk imports keep their index pages
            // in memory instead of spilling them to the WAL mid-transaction.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        return configuration
    }

    /// SQLite's process-wide settings, made once before the first connection opens: multi-thread mode (GRDB uses
    /// each connection from one thread at a time, so SQLite's own lock around every call on it is wasted) and no
    /// memory statistics (a lock around every allocation). Together they took a tenth of a bulk import's writing.
    /// Without effect, and harmlessly so, when something in the process opened a connection first.
    private static let processSettings: Void = { _ = armstrace_sqlite_configure() }()

    /// Applies every migration not yet applied, each in its own transaction.
    public func migrate() throws {
        try SQLiteMigrations.migrator.migrate(writer)
    }

    /// Whether every known migration has been applied.
    public func isMigrated() async throws -> Bool {
        try await writer.read { db in try SQLiteMigrations.migrator.hasCompletedMigrations(db) }
    }

    /// The names of the migrations that `migrate()` would apply.
    public func pendingMigrations() async throws -> [String] {
        let applied = try await writer.read { db in try SQLiteMigrations.migrator.appliedIdentifiers(db) }
        return SQLiteMigrations.migrator.migrations.filter { !applied.contains($0) }
    }

    /// What in SQLite's settings would let a committed transaction be lost (``Store/durabilityWarnings()``), read on
    /// the connection that writes.
    public func durabilityWarnings() async throws -> [String] {
        Durability.sqliteWarnings(journalMode: try await pragma("journal_mode"), synchronous: try await pragma("synchronous"))
    }

    /// The value of a PRAGMA as the writer connection, the one that commits, sees it (`synchronous` reads 2 for FULL).
    public func pragma(_ name: String) async throws -> String? {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return nil }
        return try await writer.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// The repositories over this database.
    public var repositories: Repositories {
        Repositories(
            members: MemberSQLiteRepository(writer: writer, admission: admission),
            users: UserSQLiteRepository(writer: writer, admission: admission),
            records: WeaponRecordSQLiteRepository(writer: writer, admission: admission),
            searches: SearchSQLiteRepository(writer: writer, admission: admission, searchLog: searchLog),
            traces: TraceSQLiteRepository(writer: writer, admission: admission),
            audit: AuditSQLiteRepository(writer: writer, admission: admission),
            signIn: SignInSQLiteRepository(writer: writer, admission: admission),
            reference: ReferenceSQLiteRepository(writer: writer, admission: admission),
            stockpile: StockpileSQLiteRepository(writer: writer, admission: admission),
            directory: DirectorySQLiteRepository(writer: writer, admission: admission),
            cooperation: CooperationSQLiteRepository(writer: writer, admission: admission),
            idempotency: IdempotencySQLiteRepository(writer: writer),
            checkHealth: { [writer, admission] in
                _ = try await admission.run { try await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") } }
            }
        )
    }
}

extension SQLiteDatabase {
    /// Runs raw SQL in a write transaction: for tests of the schema's own guarantees, never for application code.
    package func execute(sql: String) async throws {
        try await writer.write { db in try db.execute(sql: sql) }
    }
}
