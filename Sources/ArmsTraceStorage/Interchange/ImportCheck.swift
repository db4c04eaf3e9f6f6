import ArmsTraceDomain
import Crypto
import Foundation
import Synchronization

/// The first reading of an import, which writes nothing: every row checked by the rules the import stores it by,
/// and each `external_ref` the file repeats found. Nothing is committed before the whole file has passed, so a file
/// with any problem changes nothing even though the import commits in batches (the first of which may be stored,
/// uncommitted, while the check runs).
enum ImportCheck {
    /// What a check finds: its report, and the file's SHA-256 in hexadecimal when it was asked to take it.
    typealias Outcome = (report: ImportReport, fileHash: String?)

    /// Starts reading the whole of `source` once, on threads of its own, to check every row; the caller goes on,
    /// and asks the check returned whether it is done, or waits for it.
    ///
    /// Repeated references are found with a set of 64-bit hashes of them (about 16 bytes a row while the check
    /// runs, whatever the rows' size); when two hashes agree, the file is read once more to compare those
    /// references themselves, so a chance agreement of hashes never passes for a repeat. No counts of what would
    /// change: the check reads no record. `options.onChecked` sees the report of a file that passed.
    /// - Throws: an I/O error when the file cannot be opened.
    /// - Parameters:
    ///   - workers: threads that map and validate rows besides the one that parses (``ImportReader``).
    ///   - hashing: whether to take the file's SHA-256 in hexadecimal (what an import's job knows its file by) from
    ///     the same reading, on the parsing thread: one reading of the file fewer than ``ImportSource/sha256()``.
    static func start(
        _ source: ImportSource,
        owner: MemberCode,
        members: Set<MemberCode>,
        workers: Int = 0,
        options: ImportOptions,
        hashing: Bool = false
    ) throws -> InProgress {
        let progress = InProgress()
        // Opened here, so that the check's reading is the first of the import's whatever the threads do.
        let reading = try source.open()
        Thread.start(named: "import-check") {
            let outcome = Result {
                try check(
                    source,
                    reading: reading,
                    owner: owner,
                    members: members,
                    workers: workers,
                    hashing: hashing,
                    onProblem: options.onProblem
                )
            }
            if case .success(let checked) = outcome, checked.report.accepted { options.onChecked(checked.report) }
            progress.finish(outcome)
        }
        return progress
    }

    /// A check running on threads of its own, beside the storing of the rows it checks.
    final class InProgress: Sendable {
        private let outcome = Mutex<Result<Outcome, any Error>?>(nil)
        private let finished = DispatchSemaphore(value: 0)

        /// Whether the check is over, asked without waiting.
        var isDone: Bool { outcome.withLock { $0 != nil } }

        /// The check's outcome, waited for on the calling thread, which it blocks: a writer's, inside the
        /// transaction that must not commit before the check has passed.
        /// - Throws: an I/O error when the file could not be read.
        func wait() throws -> Outcome {
            finished.wait()
            finished.signal()
            return try outcome.withLock { $0! }.get()
        }

        /// The check's outcome, waited for off the cooperative thread pool.
        func outcome() async throws -> Outcome {
            try await offCooperativePool { try self.wait() }
        }

        fileprivate func finish(_ result: Result<Outcome, any Error>) {
            outcome.withLock { $0 = result }
            finished.signal()
        }
    }

    private static func check(
        _ source: ImportSource,
        reading next: @escaping @Sendable () throws -> [UInt8]?,
        owner: MemberCode,
        members: Set<MemberCode>,
        workers: Int,
        hashing: Bool,
        onProblem: (RecordCSV.Problem) -> Void
    ) throws -> Outcome {
        // Only the parsing thread reads; the lock is there for the closure to be sendable.
        let hasher = Mutex(SHA256())
        let nextChunk: @Sendable () throws -> [UInt8]?
        if hashing {
            nextChunk = {
                let chunk = try next()
                if let chunk { hasher.withLock { $0.update(data: chunk) } }
                return chunk
            }
        } else {
            nextChunk = next
        }
        let reader = ImportReader(owner: owner, members: members, mode: .check, workers: workers, nextChunk: nextChunk)
        reader.start()
        defer { reader.cancel() }
        var report = ImportReport()
        var seen = Set<Int>()
        var agreeing = Set<Int>()
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
                case .checked(_, let reference):
                    report.rows += 1
                    let hash = reference.hashValue
                    if !seen.insert(hash).inserted { agreeing.insert(hash) }
                case .record:
                    preconditionFailure("a check prepares no record")
                }
            }
        }
        seen = []
        if !agreeing.isEmpty {
            for problem in try repeats(in: source, owner: owner, among: agreeing) { report.record(problem, onProblem) }
        }
        let fileHash = hashing ? Data(hasher.withLock { $0.finalize() }).hex : nil
        return (report, fileHash)
    }

    /// Reads `source` again for the rows whose reference hashes to one of `hashes`: each reference on an earlier
    /// line is a problem of the later one.
    private static func repeats(in source: ImportSource, owner: MemberCode, among hashes: Set<Int>) throws -> [RecordCSV.Problem] {
        let next = try source.open()
        let validator = RecordValidator(owner: owner)
        var parser = CSVParser()
        var header: RecordCSV.Header?
        var firstLines: [String: Int] = [:]
        var problems: [RecordCSV.Problem] = []
        let collect = { (row: CSVParser.Row) in
            guard let current = header else {
                header = try? RecordCSV.Header(row)
                return
            }
            guard let reference = try? validator.validate(current.input(row)).externalRef, hashes.contains(reference.hashValue) else { return }
            if firstLines[reference] == nil {
                firstLines[reference] = row.line
            } else {
                problems.append(ImportReport.repeated(reference, line: row.line))
            }
        }
        while let chunk = try next() { try parser.parse(chunk, collect) }
        try parser.finish(collect)
        return problems
    }
}
