import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace export`: a member's own records, as CSV (which re-imports) or JSON.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a member's own records as CSV (the import format) or JSON.",
            discussion: "With --output, the file is written to a temporary name, synced and renamed, so the final path never holds a partial export."
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "The member whose records to export.")
        var member: String

        @Option(help: "csv or json.")
        var format: String = "csv"

        @Option(help: "The file to write (default: standard output).")
        var output: String?

        func validate() throws {
            _ = try parseMemberCode(member)
            guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format must be csv or json") }
        }

        func run() async throws {
            let database = try await databaseOptions.open()
            let owner = try parseMemberCode(member)
            let format = ExportFormat(rawValue: format)!
            guard let output else {
                _ = try await database.exportRecords(by: .commandLine(for: owner), format: format) { text in
                    FileHandle.standardOutput.write(Data(text.utf8))
                }
                return
            }
            let count = try await AtomicFile.write(to: output) { handle in
                try await database.exportRecords(by: .commandLine(for: owner), format: format) { text in
                    try handle.write(contentsOf: Data(text.utf8))
                }
            }
            FileHandle.standardError.write(Data("Exported \(count) records of \(owner) to \(output).\n".utf8))
        }
    }
}

/// Writes a file so that its final path holds either the old content or the whole new one, never a part.
enum AtomicFile {
    /// Writes through `body` to a temporary file beside `path` (``SiblingFile``), then syncs it and renames it over
    /// `path`.
    static func write<T>(to path: String, _ body: (FileHandle) async throws -> T) async throws -> T {
        let target = URL(fileURLWithPath: path)
        let temporary = SiblingFile.temporary(for: target)
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw ValidationError("cannot create a file in \(target.deletingLastPathComponent().path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            let result = try await body(handle)
            try handle.close()
            try SiblingFile.syncAndRename(temporary, to: target)
            return result
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
