public import ArmsTraceDomain
public import Foundation
public import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// An ArmsTrace database on a PostgreSQL server, through a pool of PostgresNIO connections.
///
/// Several ArmsTrace processes may share one database: every write is one transaction; the audit chain's appends are
/// serialised by a transaction-scoped advisory lock; the search index follows the records through a change column
/// that is final once no older transaction runs (see ``PostgresSearchRepository``). Sessions run in UTC.
///
/// ```swift
/// let database = try PostgresDatabase(url: "postgres://armstrace@db.example:5432/armstrace")
/// try await database.migrate()
/// let repositories = database.repositories
/// ```
public final class PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The connection pool runs as long as this task does.
    private let running: Task<Void, Never>
    /// Where the database is, without any secret: for messages and logs.
    public let location: String
    /// The URL it was opened with, to open it again.
    private let url: String
    /// The schema named in the URL, if any.
    private let schema: String?
    /// Commits concurrent searches' log entries together (see ``GroupCommit``): one transaction, one turn at the
    /// audit chain's lock and one WAL flush for every search waiting. Set once, at the end of `init` (its commit
    /// needs `self`), and never again: hence `nonisolated(unsafe)`.
    private(set) nonisolated(unsafe) var searchLog: GroupCommit<LoggedSearch>! = nil

    /// Connects to the database a `postgres://user@host:port/database` URL names. The password never comes from
    /// the URL: it is read from `ARMSTRACE_DATABASE_PASSWORD`, else from the file `ARMSTRACE_DATABASE_PASSWORD_FILE`
    /// names, else `PGPASSWORD`; none is needed with `trust` or peer authentication.
    ///
    /// Query items: `sslmode` as libpq reads it (`disable`; `prefer`, the default, and `require` encrypt without
    /// checking the certificate; `verify-ca` and `verify-full` check it); `host`, a directory holding the
    /// server's Unix socket instead of a TCP host; `schema`, the schema the tables live in (default `public`).
    /// - Throws: `StorageError` naming what is wrong with the URL or the password file. Does not connect yet.
    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger? = nil) throws {
        let url = try PostgresURL(text)
        let password = try Self.password(environment)
        var configuration: PostgresClient.Configuration
        if let socketDirectory = url.socketDirectory {
            configuration = .init(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(url.port)",
                username: url.user,
                password: password,
                database: url.database
            )
        } else {
            configuration = .init(host: url.host, port: url.port, username: url.user, password: password, database: url.database, tls: url.tls)
        }
        configuration.options.additionalStartupParameters = [("TimeZone", "UTC")]
        if let schema = url.schema { configuration.options.additionalStartupParameters.append(("search_path", schema)) }
        configuration.options.maximumConnections = 16
        let logger = logger ?? Logger(label: "armstrace.postgres")
        // The pool's own log says little an operator needs that a failed query does not throw; it warns, though,
        // about every lease made before its run loop has started, which a command line does at once.
        var poolLogger = logger
        poolLogger.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: poolLogger)
        self.client = client
        self.logger = logger
        self.location = url.redacted
        self.url = text
        self.schema = url.schema
        self.running = Task { await client.run() }
        self.searchLog = GroupCommit { [unowned self] items in
            try await self.write { connection in
                for item in items { try await PostgresSearchRepository.insert(connection, item, database: self) }
            }
        }
    }

    deinit { running.cancel() }

    /// Closes the pool's connections.
    public func close() async {
        running.cancel()
        await running.value
    }

    private static func password(_ environment: [String: String]) throws -> String? {
        if let password = environment["ARMSTRACE_DATABASE_PASSWORD"], !password.isEmpty { return password }
        if let file = environment["ARMSTRACE_DATABASE_PASSWORD_FILE"], !file.isEmpty {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw StorageError("cannot read the database password file \(file) (ARMSTRACE_DATABASE_PASSWORD_FILE)")
            }
            return text.trimmingCharacters(in: .newlines)
        }
        return environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The repositories over this database.
    public var repositories: Repositories {
        Repositories(
            members: PostgresMemberRepository(database: self),
            users: PostgresUserRepository(database: self),
            records: PostgresWeaponRecordRepository(database: self),
            searches: PostgresSearchRepository(database: self),
            traces: PostgresTraceRepository(database: self),
            audit: PostgresAuditRepository(database: self),
            signIn: PostgresSignInRepository(database: self),
            reference: PostgresReferenceRepository(database: self),
            stockpile: PostgresStockpileRepository(database: self),
            directory: PostgresDirectoryRepository(database: self),
            cooperation: PostgresCooperationRepository(database: self),
            idempotency: PostgresIdempotencyRepository(database: self),
            checkHealth: { [self] in _ = try await read { connection in try await connection.rows("SELECT 1", logger) } }
        )
    }

    // MARK: - Transactions

    /// Runs `body` on a pooled connection outside any transaction: for a single statement.
    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await translating { try await leasing(body) }
    }

    /// Runs `body` on a pooled connection; a connection that cannot be made is a ``StorageError`` that says where
    /// to look (PostgresNIO's own says only that its circuit breaker tripped).
    private func leasing<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var leased = false
        do {
            return try await client.withConnection { connection in
                leased = true
                return try await body(connection)
            }
        } catch  where !leased && !(error is CancellationError) {
            throw StorageError(
                "cannot connect to PostgreSQL at \(location) (\(error)); check that the server runs and the URL's host, port, database, "
                    + "sslmode and the password"
            )
        }
    }

    /// Runs `body` in a read-only transaction at REPEATABLE READ: every statement sees the same snapshot.
    func snapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Runs `body` in a read-write transaction, committed when it returns and rolled back when it throws; a
    /// serialisation failure or deadlock is retried up to three times. Errors come out as ``DomainError`` or
    /// ``StorageError``, as on SQLite.
    func write<T: Sendable>(conflict: String = "a record with the same key exists", _ body: (PostgresConnection) async throws -> T) async throws -> T
    {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await transaction("BEGIN", conflict: conflict, body)
            } catch let error as PostgresRetry where attempt < 4 {
                logger.debug("retrying a transaction", metadata: ["sqlState": "\(error.sqlState)"])
            } catch let error as PostgresRetry {
                throw StorageError("PostgreSQL error \(error.sqlState): the transaction failed \(attempt) times under contention")
            }
        }
    }

    private func transaction<T: Sendable>(
        _ begin: PostgresQuery,
        conflict: String = "a record with the same key exists",
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await translating(conflict: conflict) {
            try await leasing { connection in
                try await connection.rows(begin, logger)
                do {
                    let result = try await body(connection)
                    try await connection.rows("COMMIT", logger)
                    return result
                } catch {
                    _ = try? await connection.rows("ROLLBACK", logger)
                    throw error
                }
            }
        }
    }

    /// Runs `body`, translating PostgreSQL's errors into those callers expect from any engine.
    private func translating<T>(conflict: String = "a record with the same key exists", _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            let state = error.serverInfo?[.sqlState]
            switch state {
            case "23505": throw DomainError.conflict(conflict)
            case "40001", "40P01": throw PostgresRetry(sqlState: state ?? "")
            case let state?: throw StorageError("PostgreSQL error \(state): \(error.serverInfo?[.message] ?? "no message")")
            default: throw StorageError("PostgreSQL \(location) failed: \(String(reflecting: error.code))")
            }
        }
    }
}

/// A serialisation failure or deadlock: the transaction may succeed when run again.
private struct PostgresRetry: Error {
    var sqlState: String
}

extension PostgresConnection {
    /// Runs a statement and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await result(query, logger).rows.map { $0.makeRandomAccess() }
    }

    /// Runs a statement: its rows and how many rows it changed.
    func result(_ query: PostgresQuery, _ logger: Logger) async throws -> PostgresQueryResult {
        let future: EventLoopFuture<PostgresQueryResult> = self.query(query, logger: logger)
        return try await future.get()
    }

    /// Runs a statement that changes rows and says how many it changed.
    func changes(_ query: PostgresQuery, _ logger: Logger) async throws -> Int {
        try await result(query, logger).metadata.rows ?? 0
    }
}

/// A `postgres://` URL, parsed.
struct PostgresURL {
    var user: String
    var host: String
    var port: Int
    var database: String?
    var socketDirectory: String?
    var schema: String?
    var tls: PostgresClient.Configuration.TLS
    var redacted: String

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    static func matches(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    init(_ text: String) throws {
        guard Self.matches(text), let components = URLComponents(string: text) else {
            throw StorageError("'\(text)' is not a postgres://user@host:port/database URL")
        }
        guard components.password == nil else {
            throw StorageError(
                "the database URL holds a password, which others can read on a command line; "
                    + "give it in ARMSTRACE_DATABASE_PASSWORD or a file named by ARMSTRACE_DATABASE_PASSWORD_FILE"
            )
        }
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        user = components.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        database = path.isEmpty ? nil : path
        socketDirectory = items["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let schema = items["schema"] {
            guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw StorageError("schema '\(schema)' in the database URL is not a plain identifier")
            }
            self.schema = schema
        }
        // As libpq: `prefer` and `require` encrypt without checking the server's certificate (Debian's clusters
        // come with a self-signed one); `verify-ca` checks the chain, `verify-full` the chain and the host name.
        var encryptOnly = TLSConfiguration.makeClientConfiguration()
        encryptOnly.certificateVerification = .none
        var chainOnly = TLSConfiguration.makeClientConfiguration()
        chainOnly.certificateVerification = .noHostnameVerification
        switch items["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(encryptOnly)
        case "require": tls = .require(encryptOnly)
        case "verify-ca": tls = .require(chainOnly)
        case "verify-full": tls = .require(.makeClientConfiguration())
        case let mode: throw StorageError("sslmode '\(mode)' in the database URL is not one of disable, prefer, require, verify-ca, verify-full")
        }
        redacted = "postgres://\(user)@\(socketDirectory ?? host):\(port)/\(database ?? "")"
    }
}

extension PostgresDatabase {
    /// The environment variable naming the PostgreSQL server that tests use; tests of PostgreSQL are skipped
    /// without it.
    package static let testServerKey = "ARMSTRACE_TEST_POSTGRES"

    /// The test server's URL, if one is configured.
    package static var testServer: String? {
        ProcessInfo.processInfo.environment[testServerKey].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A new, empty, migrated schema of its own on the server `url` names: what each test works in, so that tests
    /// run side by side on one database.
    package static func scratch(url: String) async throws -> PostgresDatabase {
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresDatabase(url: url)
        try await admin.read { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), admin.logger)
        }
        await admin.close()
        let separator = url.contains("?") ? "&" : "?"
        let database = try PostgresDatabase(url: url + separator + "schema=" + schema)
        try await database.migrate()
        return database
    }

    /// Drops the schema the URL named, with everything in it: how a scratch schema is cleared away.
    package func dropSchema() async throws {
        guard let schema else { return }
        try await read { connection in try await connection.rows(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), logger) }
    }

    /// The same database through a pool of its own: what a second server on the database would have.
    package func reopened() throws -> PostgresDatabase {
        try PostgresDatabase(url: url, logger: logger)
    }

    /// Applies every migration not yet applied.
    public func migrate() async throws {
        try await PostgresMigrations.migrate(self)
    }

    /// The names of the migrations that `migrate()` would apply.
    public func pendingMigrations() async throws -> [String] {
        try await PostgresMigrations.pending(self)
    }

    /// What in the server's settings would let a committed transaction be lost (``Store/durabilityWarnings()``).
    public func durabilityWarnings() async throws -> [String] {
        let rows = try await read { connection in
            try await connection.rows(
                "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')",
                logger
            )
        }
        var settings: [String: String] = [:]
        for row in rows { settings[try row.text("name")] = try row.text("setting") }
        return Durability.postgresWarnings(settings)
    }
}
