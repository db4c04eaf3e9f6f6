import ArmsTraceDomain
import Crypto
import Foundation
import Synchronization

/// The first reading of an import, which writes nothing: every row checked by the rules the import stores it by,
/// and each `external_ref` the file repeats found. Only a file that passes is stored, so a file with any problem
/// changes nothing even though the import then commits in batches.
enum ImportCheck {
    /// Reads the whole of `source` once, on threads of its own (the reading blocks; the caller's task only waits),
    /// and answers with the rows and the problems; no counts of what would change (the check reads no record).
    ///
    /// Repeated references are found with a set of 64-bit hashes of them (about 16 bytes a row while the check
    /// runs, whatever the rows' size); when two hashes agree, the file is read once more to compare those
    /// references themselves, so a chance agreement of hashes never passes for a repeat.
    /// - Throws: an I/O error when the file cannot be read.
    /// - Parameters:
    ///   - workers: threads that map and validate rows besides the one that parses (``ImportReader``).
    ///   - hashing: whether to take the file's SHA-256 in hexadecimal (what an import's job knows its file by) from
    ///     the same reading, on the parsing thread, which has time to spare beside the workers: one reading of the
    ///     file fewer than ``ImportSource/sha256()``. `nil` without.
    static func run(
        _ source: ImportSource,
        owner: MemberCode,
        members: Set<MemberCode>,
        workers: Int = 0,
        options: ImportOptions,
        hashing: Bool = false
    ) async throws -> (report: ImportReport, fileHash: String?) {
        let result = try await offCooperativePool {
            try check(source, owner: owner, members: members, workers: workers, hashing: hashing, onProblem: options.onProblem)
        }
        if result.report.accepted { options.onChecked(result.report) }
        return result
    }

    private static func check(
        _ source: ImportSource,
        owner: MemberCode,
        members: Set<MemberCode>,
        workers: Int,
        hashing: Bool,
        onProblem: (RecordCSV.Problem) -> Void
    ) throws -> (report: ImportReport, fileHash: String?) {
        let next = try source.open()
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
