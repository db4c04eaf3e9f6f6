import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace copy`: moves a whole database between SQLite and PostgreSQL.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a whole database to another store (SQLite or PostgreSQL), then compare every table.",
            discussion: """
                Each side is a SQLite file or a postgres://user@host:port/database URL (the password comes from \
                $ARMSTRACE_DATABASE_PASSWORD or the file $ARMSTRACE_DATABASE_PASSWORD_FILE names, for both sides). The \
                target is migrated and must hold nothing yet; the source must be migrated and should not be written \
                to meanwhile. Every table is copied in key order, then read back from both sides: the command fails \
                unless each table's row count and SHA-256 checksum agree.
                """
        )

        @Option(help: ArgumentHelp("The database to copy.", valueName: "path-or-url"))
        var from: String

        @Option(help: ArgumentHelp("The empty database to copy into.", valueName: "path-or-url"))
        var to: String

        func validate() throws {
            guard from != to else { throw ValidationError("--from and --to name the same database") }
        }

        func run() async throws {
            let source = try openStore(from)
            let target = try openStore(to)
            try await target.migrate()
            say("Copying \(source.location) to \(target.location)…")
            let report = try await StoreCopy.copy(from: source, to: target) { table, rows in
                if rows % 100_000 == 0 { say("  \(table): \(rows) rows") }
            }
            for table in report.tables {
                let verdict = table.matches ? "ok" : "DIFFERS (\(table.targetRows) rows, checksum \(table.targetChecksum.prefix(16)))"
                say(
                    "  \(table.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(String(table.sourceRows).leftPadded(9)) rows  "
                        + "sha256 \(table.sourceChecksum.prefix(16))  \(verdict)"
                )
            }
            await source.close()
            await target.close()
            guard report.isComplete else { throw ExitCode.failure }
            say("Copied \(report.tables.reduce(0) { $0 + $1.sourceRows }) rows; every table's count and checksum agree.")
        }
    }
}

extension String {
    /// The text right-aligned in `width` characters.
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
