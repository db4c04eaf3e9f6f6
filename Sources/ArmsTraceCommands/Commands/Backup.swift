import ArgumentParser
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace backup`: an online, consistent copy of a SQLite database.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an online, consistent copy of a SQLite database; the server may keep running.",
            discussion: """
                The copy is made through SQLite's backup API under a temporary name beside --to, checked, synced and \
                renamed into place, so --to never holds a partial backup. For PostgreSQL use its own tools: \
                `pg_dump --format=custom --file=armstrace.dump postgres://…` (consistent while servers run) and \
                `pg_restore --dbname=postgres://… armstrace.dump` into an empty database; or continuous archiving with \
                pg_basebackup for point-in-time recovery.
                """
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: ArgumentHelp("The backup file to write.", valueName: "path"))
        var to: String

        func run() async throws {
            let path = databaseOptions.path
            guard !path.hasPrefix("postgres://"), !path.hasPrefix("postgresql://") else {
                throw ValidationError(
                    "armstrace backup copies SQLite files; for PostgreSQL run pg_dump --format=custom (see armstrace backup --help)"
                )
            }
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("no database at \(path)") }
            let bytes = try SQLiteDatabase(path: path).backup(to: to)
            say("Backed up \(path) to \(to) (\(bytes) bytes, integrity checked).")
        }
    }

    /// `armstrace restore`: a backup into a new database, SQLite or PostgreSQL.
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a backup made by armstrace backup into a new database (a SQLite file or an empty PostgreSQL database).",
            discussion: """
                The backup is checked first. Into a SQLite path that does not exist yet, the file is copied, synced and \
                renamed into place, then migrated to this version. Into PostgreSQL, the tables are copied as \
                armstrace copy does, and every table's count and checksum compared.
                """
        )

        @Option(help: ArgumentHelp("The backup file.", valueName: "path"))
        var from: String

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            let path = databaseOptions.path
            try SQLiteDatabase.checkBackup(at: from)
            if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
                let target = try openStore(path)
                try await target.migrate()
                let source = try SQLiteDatabase(path: from)
                guard try await source.pendingMigrations().isEmpty else {
                    throw ValidationError("the backup is of an older version: restore it to a SQLite file first, which migrates it, then copy that")
                }
                let report = try await StoreCopy.copy(from: source, to: target)
                await target.close()
                guard report.isComplete else { throw ValidationError("the restored tables differ from the backup's") }
                say("Restored \(from) into \(target.location): \(report.tables.reduce(0) { $0 + $1.sourceRows }) rows, every table checked.")
            } else {
                try SQLiteDatabase.restore(backup: from, to: path)
                try await databaseOptions.open().close()
                say("Restored \(from) to \(path).")
            }
        }
    }
}
