import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import ArmsTraceWeb
import Crypto
import Foundation
import Hummingbird
import Logging

extension ArmsTraceCommand {
    /// `armstrace serve`: runs the server until SIGINT or SIGTERM.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the server (JSON API, HTML pages) on the database.",
            discussion:
                "Pending migrations are applied first. With --demo, an empty database is first seeded with demo members, users and records, and their API tokens are printed."
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "The address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0 picks a free one).")
        var port = 8080

        @Flag(help: "Seed demo data into an empty database first and print how to log in.")
        var demo = false

        @Option(help: "How many demo records --demo seeds.")
        var demoRecords = 20_000

        @Option(
            help: ArgumentHelp(
                "The file holding the Ed25519 key that signs the audit trail's head every minute (default: $ARMSTRACE_AUDIT_KEY_FILE; none: unsigned). Make one with `armstrace audit keygen`.",
                valueName: "path"
            )
        )
        var auditKeyFile: String?

        @Option(help: "The log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func validate() throws {
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
            guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
            guard demoRecords >= 0 else { throw ValidationError("--demo-records must not be negative") }
        }

        func run() async throws {
            let path = databaseOptions.path
            if demo {
                let database = try await databaseOptions.open()
                if try await database.isEmpty() {
                    say("Seeding \(demoRecords) demo records into \(database.location)…")
                    let users = try await database.seedDemo(records: demoRecords, traces: 150, seed: 1)
                    printDemoUsers(users, host: host, port: port)
                } else {
                    say("\(database.location) already holds data; --demo seeds only an empty database. Make a token with `armstrace user add`.")
                }
            }
            let configuration = AppConfiguration(
                host: host,
                port: port,
                database: path,
                migrate: true,
                logLevel: Logger.Level(rawValue: logLevel)!,
                loadsSearchIndexInBackground: true,
                auditSigningKey: try auditKeyPath.map { try AuditSigning.privateKey(fromFile: $0).rawRepresentation }
            )
            let app = try await buildApplication(configuration: configuration)
            say("ArmsTrace on http://\(host):\(port)/ with \(describeStore(path))")
            try await app.runService()
        }

        /// The audit key file in force: the option, else the environment.
        private var auditKeyPath: String? {
            auditKeyFile ?? ProcessInfo.processInfo.environment["ARMSTRACE_AUDIT_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        }

        private func printDemoUsers(_ users: [DemoUser], host: String, port: Int) {
            say("\nDemo users (one officer per member; API token, then web login and password; shown only now):")
            for user in users {
                say(
                    "  \(user.user.member.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(user.token)  \(user.login) / \(user.password)"
                )
            }
            if let kenya = users.first(where: { $0.user.member.rawValue == "KEN" }) {
                say("\nTry: curl -H 'Authorization: Bearer \(kenya.token)' 'http://\(host):\(port)/api/v1/records?limit=2'")
                say("or sign in at http://\(host):\(port)/login as \(kenya.login) / \(kenya.password)\n")
            }
        }
    }
}

/// Prints a line to standard output at once, unbuffered: the server runs for long after.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
