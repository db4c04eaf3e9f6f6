import ArmsTraceDomain
import Foundation

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
    /// - Parameter workers: threads that map and validate rows besides the one that parses (``ImportReader``).
    static func run(
        _ source: ImportSource,
        owner: MemberCode,
        members: Set<MemberCode>,
        workers: Int = 0,
        options: ImportOptions
    ) async throws -> ImportReport {
        let report = try await offCooperativePool {
            try check(source, owner: owner, members: members, workers: workers, onProblem: options.onProblem)
        }
        if report.accepted { options.onChecked(report) }
        return report
    }

    private static func check(
        _ source: ImportSource,
        owner: MemberCode,
        members: Set<MemberCode>,
        workers: Int,
        onProblem: (RecordCSV.Problem) -> Void
    ) throws -> ImportReport {
        let reader = ImportReader(owner: owner, members: members, mode: .check, workers: workers, nextChunk: try source.open())
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
        return report
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
