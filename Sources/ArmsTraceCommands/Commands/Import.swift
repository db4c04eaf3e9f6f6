import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace import`: a member's bulk upload from CSV.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a member's records from a CSV file, every row checked before any is stored.",
            discussion: """
                The file has a header row naming its columns (see the README). Rows whose external_ref the member \
                already uses update that record; importing the same file twice changes nothing. The whole file is \
                checked first: if any row is invalid, nothing is imported and every problem is printed as \
                'line N, column NAME: reason'. Then the rows are stored in batches, each committed with the \
                import's checkpoint: an import cut short keeps the batches it committed, and run again on the \
                same file goes on after the last of them.
                """
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "The member that owns the records.")
        var member: String

        @Flag(help: "Check the file and count what would change, without storing anything.")
        var dryRun = false

        @Option(help: "Rows stored per transaction, each committed with the import's checkpoint.")
        var batchRows = 50_000

        @Flag(help: "Print a line as each batch is committed.")
        var progress = false

        @Argument(help: "The CSV file.")
        var file: String

        func validate() throws {
            _ = try parseMemberCode(member)
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
            guard batchRows > 0 else { throw ValidationError("--batch-rows must be at least 1") }
        }

        func run() async throws {
            let database = try await databaseOptions.open()
            let start = ContinuousClock.now
            var options = ImportOptions(dryRun: dryRun, batchRows: batchRows)
            options.onProblem = { problem in FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
            if progress {
                options.onChecked = { report in
                    let seconds = (ContinuousClock.now - start).seconds
                    FileHandle.standardOutput.write(Data(String(format: "Checked %d rows in %.2f s: no problems.\n", report.rows, seconds).utf8))
                }
                options.onCommit = { report in
                    let stored = report.created + report.updated + report.unchanged
                    FileHandle.standardOutput.write(Data("Committed through line \(report.lastLine): \(stored) of \(report.rows) rows.\n".utf8))
                }
            }
            let report = try await database.importRecords(by: .commandLine(for: try parseMemberCode(member)), from: .file(at: file), options: options)
            let seconds = (ContinuousClock.now - start).seconds
            guard report.accepted else {
                FileHandle.standardError.write(Data("Nothing was imported: \(report.problemCount) problem(s) in \(file).\n".utf8))
                throw ExitCode(1)
            }
            let verb = dryRun ? "Checked (dry run, nothing stored)" : "Imported"
            if let line = report.resumedAfterLine {
                print("Resumed an interrupted import of this file after line \(line).")
            }
            print(
                "\(verb) \(file) for \(member.uppercased()): \(report.rows) rows, \(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged in \(String(format: "%.2f", seconds)) s."
            )
        }
    }
}
