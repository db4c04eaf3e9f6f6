import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace import`: a member's bulk upload from CSV.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a member's records from a CSV file, all or nothing.",
            discussion: """
                The file has a header row naming its columns (see the README). Rows whose external_ref the member \
                already uses update that record; importing the same file twice changes nothing. If any row is \
                invalid, nothing is imported and every problem is printed as 'line N, column NAME: reason'.
                """
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "The member that owns the records.")
        var member: String

        @Flag(help: "Check the file and count what would change, without storing anything.")
        var dryRun = false

        @Argument(help: "The CSV file.")
        var file: String

        func validate() throws {
            _ = try parseMemberCode(member)
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
        }

        func run() async throws {
            let database = try await databaseOptions.open()
            let start = ContinuousClock.now
            let report = try await database.importRecords(
                csvAt: file,
                by: .commandLine(for: try parseMemberCode(member)),
                dryRun: dryRun
            ) { problem in
                FileHandle.standardError.write(Data("\(problem)\n".utf8))
            }
            let seconds = (ContinuousClock.now - start).seconds
            guard report.accepted else {
                FileHandle.standardError.write(Data("Nothing was imported: \(report.problemCount) problem(s) in \(file).\n".utf8))
                throw ExitCode(1)
            }
            let verb = dryRun ? "Checked (dry run, nothing stored)" : "Imported"
            print(
                "\(verb) \(file) for \(member.uppercased()): \(report.rows) rows, \(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged in \(String(format: "%.2f", seconds)) s."
            )
        }
    }
}
