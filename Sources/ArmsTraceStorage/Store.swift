public import ArmsTraceDomain
public import Crypto
public import Foundation

/// A whole ArmsTrace database on one engine: its repositories, and what the command line does with the database as
/// a whole (migrations, bulk import and export, the audit chain's check, the copy to another store).
///
/// ``SQLiteDatabase`` and ``PostgresDatabase`` are the two; ``openStore(_:)`` picks one from a path or a URL.
public protocol Store: Sendable {
    /// Where the database is, without any secret: for messages.
    var location: String { get }

    /// The repositories over this database.
    var repositories: Repositories { get }

    /// Applies every migration not yet applied.
    func migrate() async throws

    /// The names of the migrations that `migrate()` would apply.
    func pendingMigrations() async throws -> [String]

    /// What in the engine's settings would let a committed transaction be lost in a crash or a power cut, one
    /// sentence each; empty when nothing does. The server logs each as a warning when it starts.
    func durabilityWarnings() async throws -> [String]

    /// Imports a member's records from CSV. First every row is checked, and when any has a problem nothing is
    /// stored (see ``ImportReport``); then the rows are stored in batches of `options.batchRows`, each committed with
    /// the import's checkpoint (`import_job`: the file's SHA-256, the last line stored), so that an import cut short
    /// (killed, a power cut) keeps every batch it committed and, run again on the same file, goes on after the last.
    func importRecords(by actor: Actor, from source: ImportSource, options: ImportOptions) async throws -> ImportReport

    /// Streams the actor's member's own records, oldest first, to `write` in chunks, from one consistent snapshot;
    /// the export is in the audit trail, as the actor's, before any record leaves. Whether the actor may export is
    /// the caller's to check (the command line's operator may; on the server, ``Permission/editRecords``).
    /// - Returns: how many records were written.
    func exportRecords(by actor: Actor, format: ExportFormat, write: @escaping @Sendable (String) throws -> Void) async throws -> Int

    /// Reads the whole audit chain in order and checks every link; then, given the operator's public key, every
    /// signed head. Stops at the first problem, which it names.
    func verifyAuditChain(publicKey: Curve25519.Signing.PublicKey?) async throws -> AuditVerification

    /// Writes new records with given IDs and times, each with its `created` history entry, in one transaction: how
    /// demo data is seeded fast.
    func insertRecords(_ records: [GeneratedRecord]) async throws

    /// Reads one table's rows in key order, a page at a time, as the engine-neutral values of ``StoreTable``.
    func tableRows(_ table: StoreTable, after key: [StoreValue]?, limit: Int) async throws -> [[StoreValue]]

    /// Writes rows read from another store's table, as they are, in one transaction.
    func insertTableRows(_ table: StoreTable, _ rows: [[StoreValue]]) async throws

    /// Lets the store finish what `insertTableRows` began: resets counters that the copied rows have used.
    func finishCopy() async throws

    /// Ends the store's connections.
    func close() async
}

/// A record to write as it is, with its ID and time: what demo data is made of.
public struct GeneratedRecord: Sendable {
    public var id: WeaponRecord.ID
    public var owner: MemberCode
    public var details: WeaponRecord.Details
    public var enteredAt: Date

    public init(id: WeaponRecord.ID, owner: MemberCode, details: WeaponRecord.Details, enteredAt: Date) {
        self.id = id
        self.owner = owner
        self.details = details
        self.enteredAt = enteredAt
    }
}

/// Opens the store `location` names: a `postgres://` URL, or the path of a SQLite file. Does not migrate.
/// - Throws: `StorageError` for a URL that is not usable or a file that cannot be opened.
public func openStore(_ location: String) throws -> any Store {
    if PostgresURL.matches(location) { return try PostgresDatabase(url: location) }
    return try SQLiteDatabase(path: location)
}

/// How `location` is shown: a `postgres://` URL without secrets, a path as it is.
public func describeStore(_ location: String) -> String {
    guard PostgresURL.matches(location) else { return location }
    return (try? PostgresURL(location).redacted) ?? "a PostgreSQL database"
}

extension Store {
    /// Whether the database holds no member yet.
    public func isEmpty() async throws -> Bool {
        try await repositories.members.list().isEmpty
    }

    /// Imports a member's records from a CSV file; see ``Store/importRecords(by:from:options:)``.
    /// - Throws: `DomainError.notFound` for an unknown member; `StorageError` when the file cannot be read.
    public func importRecords(
        csvAt path: String,
        by actor: Actor,
        dryRun: Bool = false,
        onProblem: @escaping @Sendable (RecordCSV.Problem) -> Void = { _ in }
    ) async throws -> ImportReport {
        var options = ImportOptions(dryRun: dryRun)
        options.onProblem = onProblem
        return try await importRecords(by: actor, from: .file(at: path), options: options)
    }

    /// Reads the whole audit chain and checks it, without signed heads.
    public func verifyAuditChain() async throws -> AuditVerification {
        try await verifyAuditChain(publicKey: nil)
    }
}
