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
    /// Every problem found; when there is any, nothing was stored.
    public var problems: [RecordCSV.Problem] = []
    /// Whether the import was rolled back on purpose.
    public var dryRun = false

    /// Whether the file was accepted.
    public var accepted: Bool { problems.isEmpty }
}

extension SQLiteDatabase {
    /// Imports a member's records from a CSV file, all or nothing, in one transaction.
    ///
    /// The file is streamed: memory stays flat whatever its size. Each row is validated by the same rules as the API;
    /// a row whose `external_ref` the member already uses updates that record (with a history entry) when anything
    /// differs and is left alone otherwise, so importing a file twice changes nothing the second time. When any row
    /// has a problem, reading goes on to find every problem, then the whole import is rolled back.
    ///
    /// - Parameters:
    ///   - path: the CSV file, with a header row (``RecordCSV/Column``).
    ///   - actor: the member the records belong to, and who imports them.
    ///   - dryRun: validate and count, then roll back.
    ///   - onProblem: called for each problem as it is found, so that a long file reports as it goes.
    /// - Throws: `DomainError.notFound` for an unknown member; an I/O error when the file cannot be read.
    public func importRecords(
        csvAt path: String, by actor: Actor, dryRun: Bool = false,
        onProblem: @escaping @Sendable (RecordCSV.Problem) -> Void = { _ in }
    ) async throws -> ImportReport {
        guard let file = FileHandle(forReadingAtPath: path) else {
            throw StorageError("cannot open \(path) for reading")
        }
        defer { try? file.close() }
        return try await importRecords(by: actor, dryRun: dryRun, onProblem: onProblem) {
            try file.read(upToCount: 1 << 20).map { [UInt8]($0) }
        }
    }

    /// Imports from a stream of byte chunks; `nextChunk` returns `nil` at the end. See ``importRecords(csvAt:by:dryRun:onProblem:)``.
    public func importRecords(
        by actor: Actor, dryRun: Bool = false, onProblem: @escaping @Sendable (RecordCSV.Problem) -> Void = { _ in },
        nextChunk: @escaping @Sendable () throws -> [UInt8]?
    ) async throws -> ImportReport {
        do {
            return try await writer.write { db in
                var report = try Self.runImport(db, by: actor, onProblem: onProblem, nextChunk: nextChunk)
                if !report.accepted || dryRun {
                    report.dryRun = dryRun
                    throw RollBack(report: report)
                }
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

    private static func runImport(
        _ db: Database, by actor: Actor, onProblem: (RecordCSV.Problem) -> Void, nextChunk: () throws -> [UInt8]?
    ) throws -> ImportReport {
        let members = Set(try String.fetchAll(db, sql: "SELECT code FROM member").compactMap(MemberCode.init))
        guard members.contains(actor.member) else { throw DomainError.notFound(entity: "member", id: actor.member.rawValue) }
        let writer = try RecordRowWriter(db)
        let validator = RecordValidator(owner: actor.member)
        let now = Date()
        var report = ImportReport()
        var header: RecordCSV.Header?
        var parser = CSVParser()

        func problem(_ problem: RecordCSV.Problem) {
            report.problems.append(problem)
            onProblem(problem)
        }
        func handle(_ row: CSVParser.Row) throws {
            guard let currentHeader = header else {
                do {
                    header = try RecordCSV.Header(row)
                } catch {
                    error.problems.forEach(problem)
                    throw HeaderRejected()
                }
                return
            }
            report.rows += 1
            let details: WeaponRecord.Details
            do {
                let input = try currentHeader.input(row)
                details = try validator.validate(input)
            } catch let list as RecordCSV.ProblemList {
                return list.problems.forEach(problem)
            } catch DomainError.invalid(let errors) {
                return RecordCSV.problems(line: row.line, errors).forEach(problem)
            }
            let unknown = details.sharing.memberCodes.filter { !members.contains($0) }
            if !unknown.isEmpty {
                return problem(.init(line: row.line, column: "sharing", reason: "unknown members: " + unknown.map(\.rawValue).joined(separator: ", ")))
            }
            // After the first problem nothing will be kept, so rows are only checked, not written.
            guard report.problems.isEmpty else { return }
            switch try writer.upsert(details, by: actor, at: now) {
            case .created: report.created += 1
            case .updated: report.updated += 1
            case .unchanged: report.unchanged += 1
            case .repeated:
                problem(.init(line: row.line, column: "external_ref", reason: "'\(details.externalRef)' appears on an earlier line of this file"))
            }
        }

        do {
            while let chunk = try nextChunk() {
                try parser.parse(chunk, handle)
            }
            try parser.finish(handle)
        } catch let error as CSVParser.SyntaxError {
            problem(.init(line: error.line, column: nil, reason: error.reason))
        } catch is HeaderRejected {}
        if header == nil, report.problems.isEmpty {
            problem(.init(line: 1, column: nil, reason: "the file is empty; it needs a header row naming the columns"))
        }
        return report
    }

    private struct HeaderRejected: Error {}
}
