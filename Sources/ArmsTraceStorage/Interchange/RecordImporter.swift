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
    /// The last line of the file stored so far; the whole file once the import is done.
    public var lastLine = 1
    /// The line an interrupted import of the same file had stored, when this one went on from there.
    public var resumedAfterLine: Int?

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

/// The reading stage of an import: on a thread of its own, parses the CSV, maps each row to a record input,
/// validates it and, when storing, prepares the clean details for binding (``RecordRowWriter/PreparedDetails``), and
/// hands the results on in batches, in file order.
///
/// The queue between the stages holds a few batches at most, so memory stays flat whatever the file's size.
final class ImportReader: Sendable {
    /// What the reader makes of the file, item by item.
    enum Item: Sendable {
        /// A valid row: its line, and its details ready to bind.
        case record(line: Int, details: RecordRowWriter.PreparedDetails)
        /// A valid row, when only checking: its line and its `external_ref`.
        case checked(line: Int, reference: String)
        /// A data row with problems.
        case rejected([RecordCSV.Problem])
        /// A problem of the file itself: its header, its syntax, its emptiness.
        case fileProblem(RecordCSV.Problem)
        /// The file could not be read.
        case failure(any Error)
    }

    /// What the reader does with each row.
    enum Mode: Sendable {
        /// Validates it: the first reading of an import.
        case check
        /// Validates and prepares the rows after line `skipThrough` (those an interrupted import stored), and skips
        /// the others unread.
        case prepare(skipThrough: Int)
    }

    private let owner: MemberCode
    private let members: Set<MemberCode>
    private let mode: Mode
    private let nextChunk: @Sendable () throws -> [UInt8]?
    private let queue = BoundedQueue<[Item]>(capacity: 8)
    static let batchSize = 256

    init(owner: MemberCode, members: Set<MemberCode>, mode: Mode, nextChunk: @escaping @Sendable () throws -> [UInt8]?) {
        self.owner = owner
        self.members = members
        self.mode = mode
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
            if case .prepare(let skipThrough) = mode, row.line <= skipThrough { return }
            do {
                let details = try validator.validate(try currentHeader.input(row))
                let unknown = details.sharing.memberCodes.filter { !members.contains($0) }
                guard unknown.isEmpty else {
                    let reason = "unknown members: " + unknown.map(\.rawValue).joined(separator: ", ")
                    return try emit(.rejected([.init(line: row.line, column: "sharing", reason: reason)]))
                }
                switch mode {
                case .check: try emit(.checked(line: row.line, reference: details.externalRef))
                case .prepare: try emit(.record(line: row.line, details: RecordRowWriter.PreparedDetails(details)))
                }
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
