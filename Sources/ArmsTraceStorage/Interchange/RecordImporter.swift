public import ArmsTraceDomain
import Foundation
import GRDB

/// What a bulk upload did, or would do on a dry run.
public struct ImportReport: Sendable, Equatable {
    /// Data rows read, the header excluded.
    public var rows = 0
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    /// The first ``problemsKept`` problems found; when there is any, nothing was stored.
    public var problems: [RecordCSV.Problem] = []
    /// How many problems were found in all; `onProblem` saw each of them.
    public var problemCount = 0
    /// Whether the import was rolled back on purpose.
    public var dryRun = false

    /// Whether the file was accepted.
    public var accepted: Bool { problemCount == 0 }

    /// How many problems a report keeps, so that a file of ten million bad rows does not fill memory.
    public static let problemsKept = 1000

    /// Counts a problem, keeps it if there is room, and passes it on as found.
    mutating func record(_ problem: RecordCSV.Problem, _ onProblem: (RecordCSV.Problem) -> Void) {
        problemCount += 1
        if problems.count < Self.problemsKept { problems.append(problem) }
        onProblem(problem)
    }

    /// The problem of a row whose `external_ref` an earlier line of the same file used.
    static func repeated(_ reference: String, line: Int) -> RecordCSV.Problem {
        .init(line: line, column: "external_ref", reason: "'\(reference)' appears on an earlier line of this file")
    }
}

extension SQLiteDatabase {
    /// Imports a member's records from a stream of CSV byte chunks, all or nothing, in one transaction.
    ///
    /// The file is streamed: memory is bounded whatever its size (a few batches between the reading and writing
    /// threads, and SQLite's page cache, raised to 512 MiB for the import). Each row is validated by the same rules
    /// as the API; a row whose `external_ref` the member already uses updates that record (with a history entry)
    /// when anything differs and is left alone otherwise, so importing a file twice changes nothing the second time.
    /// When any row has a problem, reading goes on to find every problem, then the whole import is rolled back.
    /// - Throws: `DomainError.notFound` for an unknown member; an I/O error when the file cannot be read.
    public func importRecords(
        by actor: Actor,
        dryRun: Bool,
        onProblem: @escaping @Sendable (RecordCSV.Problem) -> Void,
        nextChunk: @escaping @Sendable () throws -> [UInt8]?
    ) async throws -> ImportReport {
        do {
            return try await writer.write { db in
                var report = try Self.runImport(db, by: actor, onProblem: onProblem, nextChunk: nextChunk)
                if !report.accepted || dryRun {
                    report.dryRun = dryRun
                    throw RollBack(report: report)
                }
                try AuditChain.append(db, .imported(report, by: actor))
                return report
            }
        } catch let rollBack as RollBack {
            return rollBack.report
        } catch let error as DatabaseError {
            throw StorageError.translate(error)
        }
    }

    /// Thrown inside the transaction to undo it while handing the report out.
    private struct RollBack: Error { var report: ImportReport }

    /// Runs the import in two stages on the machine's two cores: a reading thread parses, maps and validates rows
    /// and prepares their details (``ImportReader``); this, GRDB's writer, stores them in the transaction.
    private static func runImport(
        _ db: Database,
        by actor: Actor,
        onProblem: (RecordCSV.Problem) -> Void,
        nextChunk: @escaping @Sendable () throws -> [UInt8]?
    ) throws -> ImportReport {
        let members = Set(try String.fetchAll(db, sql: "SELECT code FROM member").compactMap(MemberCode.init))
        guard members.contains(actor.member) else { throw DomainError.notFound(entity: "member", id: actor.member.rawValue) }
        let writer = try RecordRowWriter(db)
        let now = RecordRowWriter.Timestamp(Date())
        var report = ImportReport()

        // A large import inserts into the indexes all over: give this connection 512 MiB of page cache while it runs
        // (pages are taken only as needed), then hand back the usual 64 MiB.
        try db.execute(sql: "PRAGMA cache_size = -524288")
        defer { try? db.execute(sql: "PRAGMA cache_size = -65536") }
        // Rows tend to come in runs of new ones (a first upload) or known ones (a re-upload): try each row the way
        // the previous one turned out.
        var expectExisting = false
        let reader = ImportReader(owner: actor.member, members: members, nextChunk: nextChunk)
        reader.start()
        defer { reader.cancel() }
        while let batch = reader.next() {
            for item in batch {
                switch item {
                case .failure(let error):
                    throw error
                case .fileProblem(let problem):
                    report.record(problem, onProblem)
                case .rejected(let problems):
                    report.rows += 1
                    for problem in problems { report.record(problem, onProblem) }
                case .record(let line, let prepared):
                    report.rows += 1
                    // After the first problem nothing will be kept, so rows are only checked, not written.
                    guard report.accepted else { continue }
                    let outcome = try writer.upsert(prepared, expectExisting: expectExisting, by: actor, at: now)
                    if case .created = outcome { expectExisting = false } else { expectExisting = true }
                    switch outcome {
                    case .created: report.created += 1
                    case .updated: report.updated += 1
                    case .unchanged: report.unchanged += 1
                    case .repeated:
                        report.record(ImportReport.repeated(prepared.details.externalRef, line: line), onProblem)
                    }
                }
            }
        }
        return report
    }
}

/// The reading stage of an import: on a thread of its own, parses the CSV, maps each row to a record input,
/// validates it and prepares the clean details for binding (``RecordRowWriter/PreparedDetails``), and hands the results on in batches, in file order.
///
/// The queue between the stages holds a few batches at most, so memory stays flat whatever the file's size.
final class ImportReader: Sendable {
    /// What the reader makes of the file, item by item.
    enum Item: Sendable {
        /// A valid row: its line, and its details ready to bind.
        case record(line: Int, details: RecordRowWriter.PreparedDetails)
        /// A data row with problems.
        case rejected([RecordCSV.Problem])
        /// A problem of the file itself: its header, its syntax, its emptiness.
        case fileProblem(RecordCSV.Problem)
        /// The file could not be read.
        case failure(any Error)
    }

    private let owner: MemberCode
    private let members: Set<MemberCode>
    private let nextChunk: @Sendable () throws -> [UInt8]?
    private let queue = BoundedQueue<[Item]>(capacity: 8)
    static let batchSize = 256

    init(owner: MemberCode, members: Set<MemberCode>, nextChunk: @escaping @Sendable () throws -> [UInt8]?) {
        self.owner = owner
        self.members = members
        self.nextChunk = nextChunk
    }

    /// Starts reading on a thread of its own.
    func start() {
        let thread = Thread { [self] in read() }
        thread.name = "armstrace-import-reader"
        thread.start()
    }

    /// The next batch, in file order; `nil` at the end.
    func next() -> [Item]? { queue.receive() }

    /// Stops the reader early, as when the writer fails.
    func cancel() { queue.cancel() }

    private func read() {
        let validator = RecordValidator(owner: owner)
        var parser = CSVParser()
        var header: RecordCSV.Header?
        var batch: [Item] = []
        batch.reserveCapacity(Self.batchSize)
        struct Stop: Error {}

        func emit(_ item: Item) throws {
            batch.append(item)
            if batch.count >= Self.batchSize {
                guard queue.send(batch) else { throw Stop() }
                batch.removeAll(keepingCapacity: true)
            }
        }
        func handle(_ row: CSVParser.Row) throws {
            guard let currentHeader = header else {
                do {
                    header = try RecordCSV.Header(row)
                } catch {
                    for problem in error.problems { try emit(.fileProblem(problem)) }
                    throw Stop()
                }
                return
            }
            do {
                let details = try validator.validate(try currentHeader.input(row))
                let unknown = details.sharing.memberCodes.filter { !members.contains($0) }
                guard unknown.isEmpty else {
                    let reason = "unknown members: " + unknown.map(\.rawValue).joined(separator: ", ")
                    return try emit(.rejected([.init(line: row.line, column: "sharing", reason: reason)]))
                }
                try emit(.record(line: row.line, details: RecordRowWriter.PreparedDetails(details)))
            } catch let list as RecordCSV.ProblemList {
                try emit(.rejected(list.problems))
            } catch DomainError.invalid(let errors) {
                try emit(.rejected(RecordCSV.problems(line: row.line, errors)))
            }
        }

        do {
            while let chunk = try nextChunk() {
                try parser.parse(chunk, handle)
            }
            try parser.finish(handle)
            if header == nil {
                try emit(.fileProblem(.init(line: 1, column: nil, reason: "the file is empty; it needs a header row naming the columns")))
            }
        } catch is Stop {
        } catch let error as CSVParser.SyntaxError {
            try? emit(.fileProblem(.init(line: error.line, column: nil, reason: error.reason)))
        } catch {
            try? emit(.failure(error))
        }
        if !batch.isEmpty { _ = queue.send(batch) }
        queue.close()
    }
}

/// A first-in first-out queue between two threads that blocks the sender while it is full and the receiver
/// while it is empty.
///
/// `@unchecked Sendable`: every access to the mutable state happens under `condition`'s lock.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Adds an element, waiting for room; returns `false`, dropping it, once the queue is cancelled.
    func send(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(element)
        condition.broadcast()
        return true
    }

    /// Takes the oldest element, waiting for one; `nil` once the queue is closed and empty, or cancelled.
    func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed && !cancelled { condition.wait() }
        guard !cancelled, !items.isEmpty else { return nil }
        let element = items.removeFirst()
        condition.broadcast()
        return element
    }

    /// No more elements will be sent.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The receiver has stopped: senders stop waiting and their elements are dropped.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
