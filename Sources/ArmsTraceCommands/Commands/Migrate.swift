import ArgumentParser
import ArmsTraceStorage

extension ArmsTraceCommand {
    /// `armstrace migrate`: applies pending schema migrations.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the pending schema migrations to the database.")

        @OptionGroup var databaseOptions: DatabaseOptions

        @Flag(help: "List the pending migrations without applying them.")
        var dryRun = false

        func run() async throws {
            let database = try openStore(databaseOptions.path)
            let pending = try await database.pendingMigrations()
            if pending.isEmpty {
                print("\(database.location) is up to date.")
                return
            }
            if !dryRun { try await database.migrate() }
            print((dryRun ? "Pending: " : "Applied: ") + pending.joined(separator: ", "))
        }
    }
}
