public import ArmsTraceDomain
import Foundation
import GRDB
import Synchronization

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

/// The reading stage of an import: parses the CSV on a thread of its own, maps each row to a record input, validates
/// it and, when storing, prepares the clean details for binding (``RecordRowWriter/PreparedDetails``); the results
/// come out in batches, in file order.
///
/// The mapping and validating, three quarters of the work, can be shared among workers on threads of their own, a
/// group of rows at a time: SQLite's check of a file, which nothing else runs beside, has one on every core but the
/// parsing thread's (handing rows between threads costs: on two cores, two workers were slower than one). Where the
/// reading runs beside the storing, which needs a core of its own, the parsing thread does it all. At most a few
/// groups are between the parsing and the taking of their results, so memory stays flat whatever the file's size.
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
        /// the others unmapped.
        case prepare(skipThrough: Int)
    }

    /// Rows parsed and waiting for a worker, with the header that names their fields.
    private struct Group: Sendable {
        let sequence: Int
        let header: RecordCSV.Header
        let rows: [CSVParser.Row]
    }

    private let owner: MemberCode
    private let members: Set<MemberCode>
    private let mode: Mode
    private let workers: Int
    private let nextChunk: @Sendable () throws -> [UInt8]?
    private let groups = BoundedQueue<Group>(capacity: 4)
    private let results = Reordering<[Item]>(inFlight: 8)
    private let used = Mutex<[[Item]]>([])
    static let batchSize = 256

    /// - Parameter workers: how many threads map and validate the rows besides the parsing thread; with none, it
    ///   does that itself.
    init(
        owner: MemberCode,
        members: Set<MemberCode>,
        mode: Mode,
        workers: Int = 0,
        nextChunk: @escaping @Sendable () throws -> [UInt8]?
    ) {
        self.owner = owner
        self.members = members
        self.mode = mode
        self.workers = workers
        self.nextChunk = nextChunk
    }

    /// Starts the parsing thread and the workers.
    func start() {
        Thread.start(named: "import-parser") { [self] in parse() }
        for index in 0..<workers {
            Thread.start(named: "import-worker-\(index)") { [self] in work() }
        }
    }

    /// The next batch, in file order; `nil` at the end.
    func next() -> [Item]? { results.receive() }

    /// Hands a batch the caller is done with back to the parsing thread, which frees it with its next group.
    ///
    /// The rows' strings were allocated on that thread: freed there, they go back to its own free lists, where the
    /// next rows find them, instead of costing the writer, the import's busiest thread, a free into another
    /// thread's heap for each one.
    func recycle(_ batch: [Item]) {
        used.withLock { $0.append(batch) }
    }

    /// Stops the reader early, as when the writer fails.
    func cancel() {
        results.cancel()
        groups.cancel()
    }

    /// Parses the file into groups of rows for the workers; handles the header, and the file's own problems, here.
    private func parse() {
        let validator = RecordValidator(owner: owner)
        var parser = CSVParser()
        var header: RecordCSV.Header?
        var rows: [CSVParser.Row] = []
        rows.reserveCapacity(Self.batchSize)
        struct Stop: Error {}
        let skipThrough: Int
        switch mode {
        case .check: skipThrough = 0
        case .prepare(let line): skipThrough = line
        }

        /// Hands on items made here, in their place among the groups.
        func emit(_ items: [Item]) throws {
            guard let sequence = results.reserve() else { throw Stop() }
            results.put(items, at: sequence)
        }
        func flush() throws {
            guard let header, !rows.isEmpty else { return }
            guard let sequence = results.reserve() else { throw Stop() }
            if workers == 0 {
                results.put(rows.map { row in item(for: row, header: header, validator: validator) }, at: sequence)
            } else {
                guard groups.send(Group(sequence: sequence, header: header, rows: rows)) else { throw Stop() }
            }
            rows.removeAll(keepingCapacity: true)
            // Frees what the writer handed back, on this thread and outside the lock.
            var handedBack: [[Item]] = []
            used.withLock { swap(&$0, &handedBack) }
        }
        func handle(_ row: CSVParser.Row) throws {
            guard header != nil else {
                do {
                    header = try RecordCSV.Header(row)
                } catch {
                    try emit(error.problems.map { .fileProblem($0) })
                    throw Stop()
                }
                return
            }
            guard row.line > skipThrough else { return }
            rows.append(row)
            if rows.count >= Self.batchSize { try flush() }
        }

        do {
            while let chunk = try nextChunk() {
                try parser.parse(chunk, handle)
            }
            try parser.finish(handle)
            try flush()
            if header == nil {
                try emit([.fileProblem(.init(line: 1, column: nil, reason: "the file is empty; it needs a header row naming the columns"))])
            }
        } catch is Stop {
        } catch let error as CSVParser.SyntaxError {
            try? flush()
            try? emit([.fileProblem(.init(line: error.line, column: nil, reason: error.reason))])
        } catch {
            try? flush()
            try? emit([.failure(error)])
        }
        groups.close()
        results.close()
    }

    /// Maps, validates and prepares groups of rows until there are no more.
    private func work() {
        let validator = RecordValidator(owner: owner)
        while let group = groups.receive() {
            results.put(group.rows.map { row in item(for: row, header: group.header, validator: validator) }, at: group.sequence)
        }
    }

    private func item(for row: CSVParser.Row, header: RecordCSV.Header, validator: RecordValidator) -> Item {
        do {
            let details = try validator.validate(try header.input(row))
            let unknown = details.sharing.memberCodes.filter { !members.contains($0) }
            guard unknown.isEmpty else {
                let reason = "unknown members: " + unknown.map(\.rawValue).joined(separator: ", ")
                return .rejected([.init(line: row.line, column: "sharing", reason: reason)])
            }
            switch mode {
            case .check: return .checked(line: row.line, reference: details.externalRef)
            case .prepare: return .record(line: row.line, details: RecordRowWriter.PreparedDetails(details))
            }
        } catch let list as RecordCSV.ProblemList {
            return .rejected(list.problems)
        } catch DomainError.invalid(let errors) {
            return .rejected(RecordCSV.problems(line: row.line, errors))
        } catch {
            return .failure(error)
        }
    }
}

/// Results made out of order by several threads, taken in order by one: each gets its place in the sequence when
/// its work is handed out, and at most `inFlight` places are given and not yet taken.
///
/// `@unchecked Sendable`: every access to the mutable state happens under `condition`'s lock.
final class Reordering<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Int: Element] = [:]
    private var given = 0
    private var taken = 0
    private var closed = false
    private var cancelled = false
    private let inFlight: Int

    init(inFlight: Int) { self.inFlight = inFlight }

    /// The next place in the sequence, waiting while too many are given and not taken; `nil` once cancelled.
    func reserve() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while given - taken >= inFlight && !cancelled { condition.wait() }
        guard !cancelled else { return nil }
        given += 1
        return given - 1
    }

    /// The result for a place `reserve` gave.
    func put(_ element: Element, at place: Int) { condition.changing { ready[place] = element } }

    /// The result of the next place, waiting for it; `nil` once every place given is taken and no more will be, or
    /// once cancelled.
    func receive() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while ready[taken] == nil && !(closed && taken == given) && !cancelled { condition.wait() }
        guard !cancelled, let element = ready.removeValue(forKey: taken) else { return nil }
        taken += 1
        condition.broadcast()
        return element
    }

    /// No more places will be reserved.
    func close() { condition.changing { closed = true } }

    /// The receiver has stopped: whoever waits for a place stops waiting.
    func cancel() { condition.changing { cancelled = true } }
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
    func close() { condition.changing { closed = true } }

    /// The receiver has stopped: senders stop waiting and their elements are dropped.
    func cancel() { condition.changing { cancelled = true } }
}

extension Thread {
    /// Starts `body` on a thread of its own named `name`, as `top`, `perf` and debuggers show it: at most 15
    /// characters, set from within the thread (Foundation on Linux names a thread only from inside it).
    static func start(named name: String, _ body: @escaping @Sendable () -> Void) {
        Thread {
            Thread.current.name = name
            body()
        }.start()
    }
}

extension NSCondition {
    /// Changes the state the condition guards, under its lock, and wakes every thread that waits on it.
    func changing(_ change: () -> Void) {
        lock()
        change()
        broadcast()
        unlock()
    }
}
