import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

/// The `--database` option every command shares.
struct DatabaseOptions: ParsableArguments {
    /// The environment variable that names the database when `--database` is absent.
    static let environmentKey = "ARMSTRACE_DATABASE"
    static let defaultPath = "armstrace.sqlite"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database: a SQLite file, or postgres://user@host:port/database with the password in $ARMSTRACE_DATABASE_PASSWORD or a file named by $ARMSTRACE_DATABASE_PASSWORD_FILE (default: $\(environmentKey), else \(defaultPath) in the working directory).",
            valueName: "path-or-url"
        )
    )
    var database: String?

    /// The database in force: the option, the environment, or the default.
    var path: String {
        database ?? ProcessInfo.processInfo.environment[Self.environmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultPath
    }

    /// Whether there is a database to read: one named by the option or the environment, or the default file when it
    /// exists. Commands that can do without one (reading marks) use the shipped reference data otherwise.
    var isPresent: Bool {
        database != nil || ProcessInfo.processInfo.environment[Self.environmentKey].map { !$0.isEmpty } == true
            || FileManager.default.fileExists(atPath: Self.defaultPath)
    }

    /// Opens the database and applies pending migrations (under an advisory lock on PostgreSQL, so servers and
    /// tools starting together migrate once).
    func open() async throws -> any Store {
        let store = try openStore(path)
        try await store.migrate()
        return store
    }
}

/// Reads a member code argument, in upper case.
func parseMemberCode(_ text: String) throws -> MemberCode {
    guard let code = MemberCode(text.uppercased()) else {
        throw ValidationError("'\(text)' is not a member code: an ISO 3166-1 alpha-3 code (KEN) or an organisation's code (UNODA)")
    }
    return code
}
