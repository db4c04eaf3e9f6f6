public import ArmsTraceDomain
import Crypto
public import Foundation
import Synchronization

/// A CSV file for an import, which reads it more than once: to check every row and to take its hash (together on
/// SQLite), then to store the rows. Each reading starts at the first byte and hands out the file in chunks, `nil` at the end.
public struct ImportSource: Sendable {
    /// Starts a reading: a function that returns the next chunk of bytes, `nil` at the end.
    public let open: @Sendable () throws -> @Sendable () throws -> [UInt8]?
    /// How many bytes there are, when that is known before reading them.
    public let size: Int?

    public init(size: Int? = nil, open: @escaping @Sendable () throws -> @Sendable () throws -> [UInt8]?) {
        self.open = open
        self.size = size
    }

    /// The file at `path`, read in chunks of 1 MiB.
    public static func file(at path: String) -> ImportSource {
        ImportSource(size: (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) {
            guard let handle = FileHandle(forReadingAtPath: path) else { throw StorageError("cannot open \(path) for reading") }
            let file = ClosingFile(handle)
            return { try file.handle.read(upToCount: 1 << 20).map { [UInt8]($0) } }
        }
    }

    /// Bytes held in memory (an uploaded file), handed out in chunks of `chunkSize`.
    public static func bytes(_ bytes: [UInt8], chunkSize: Int = 1 << 20) -> ImportSource {
        ImportSource(size: bytes.count) {
            let offset = Mutex(0)
            return {
                offset.withLock { offset in
                    guard offset < bytes.count else { return nil }
                    let end = min(offset + chunkSize, bytes.count)
                    defer { offset = end }
                    return Array(bytes[offset..<end])
                }
            }
        }
    }
}

extension ImportSource {
    /// The SHA-256 of the bytes, in hexadecimal, from a reading of their own on a thread of its own (the reading
    /// blocks; the caller's task only waits): what an import's job knows its file by.
    func sha256() async throws -> String {
        try await offCooperativePool {
            var hasher = SHA256()
            let next = try open()
            while let chunk = try next() { hasher.update(data: chunk) }
            return Data(hasher.finalize()).hex
        }
    }
}

/// A file open for one reading, closed when the reading is dropped.
private final class ClosingFile: Sendable {
    let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle }
    deinit { try? handle.close() }
}

/// How an import runs.
public struct ImportOptions: Sendable {
    /// Check the file and count what would change, storing nothing.
    public var dryRun = false
    /// How many rows each transaction stores; each commits with the import's checkpoint. A dry run is one transaction.
    public var batchRows = 50_000
    /// Sees each problem as it is found.
    public var onProblem: @Sendable (RecordCSV.Problem) -> Void = { _ in }
    /// Sees the check's report when the whole file passed it, before or while the first rows are stored.
    public var onChecked: @Sendable (ImportReport) -> Void = { _ in }
    /// Sees the report so far each time a batch is committed (``ImportReport/lastLine`` is then stored).
    public var onCommit: @Sendable (ImportReport) -> Void = { _ in }

    public init(dryRun: Bool = false, batchRows: Int = 50_000) {
        self.dryRun = dryRun
        self.batchRows = max(1, batchRows)
    }
}

/// An import's checkpoint, stored with each batch it commits: which file (its SHA-256), for which member, how far.
/// An import of the same file by the same member that finds its job unfinished goes on after ``lastLine``.
struct ImportJob: Sendable {
    var id: UUID
    /// The time every row of the import is stored with; it stays the same when the import is resumed.
    var startedAt: Date
    /// The last CSV line stored; 1 (the header) before the first batch.
    var lastLine: Int
    var created: Int
    var updated: Int
    var unchanged: Int
}

extension ImportJob {
    /// A job not yet begun, its time kept to the millisecond as both stores keep it, so that a resumed import stores
    /// its rows with the very same time.
    static func new() -> ImportJob {
        let startedAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        return ImportJob(id: UUID(), startedAt: startedAt, lastLine: 1, created: 0, updated: 0, unchanged: 0)
    }

    /// Takes the counts and the last line of `report`, as a batch commits.
    mutating func advance(to report: ImportReport) {
        (created, updated, unchanged, lastLine) = (report.created, report.updated, report.unchanged, report.lastLine)
    }
}

extension ImportReport {
    /// The report of an import of `rows` going on from `job`: its counts so far, and the line it resumes after when
    /// it had stored any.
    init(rows: Int, continuing job: ImportJob) {
        self.init(rows: rows, created: job.created, updated: job.updated, unchanged: job.unchanged, lastLine: job.lastLine)
        if job.lastLine > 1 { resumedAfterLine = job.lastLine }
    }
}

/// Runs `body`, which blocks (it reads a file), on a thread of Dispatch's own, so that the caller's task only
/// waits and Swift's cooperative threads stay free.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
