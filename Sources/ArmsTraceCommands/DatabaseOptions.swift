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
            "The SQLite database file (default: $\(environmentKey), else \(defaultPath) in the working directory).",
            valueName: "path"
        )
    )
    var database: String?

    /// The path in force: the option, the environment, or the default.
    var path: String {
        database ?? ProcessInfo.processInfo.environment[Self.environmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultPath
    }

    /// Opens the database and applies pending migrations: an embedded database belongs to the tool that opens it.
    func open() throws -> SQLiteDatabase {
        let database = try SQLiteDatabase(path: path)
        try database.migrate()
        return database
    }
}

/// Reads a member code argument, in upper case.
func parseMemberCode(_ text: String) throws -> MemberCode {
    guard let code = MemberCode(text.uppercased()) else {
        throw ValidationError("'\(text)' is not a member code: an ISO 3166-1 alpha-3 code (KEN) or an organisation's code (UNODA)")
    }
    return code
}
