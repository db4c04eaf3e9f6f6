import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace demo`: seeds demo members, users and records.
    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seed demo members (a dozen states, two organisations), a user per member, synthetic records and trace requests.",
            discussion:
                "Records are realistic (real makes, models and calibres; serials shaped like each maker's) and deterministic for a seed. The database must hold no records yet."
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "How many records to seed.")
        var records: Int

        @Option(help: "How many trace requests between the members to seed, at most.")
        var traces = 150

        @Option(help: "The seed: the same seed gives the same records.")
        var seed: UInt64 = 1

        func validate() throws {
            guard records >= 0 else { throw ValidationError("--records must not be negative") }
            guard traces >= 0 else { throw ValidationError("--traces must not be negative") }
        }

        func run() async throws {
            let database = try await databaseOptions.open()
            let start = ContinuousClock.now
            let users = try await database.seedDemo(records: records, traces: traces, seed: seed) { written in
                if written % 100_000 == 0 { FileHandle.standardError.write(Data("\(written) records…\n".utf8)) }
            }
            let seconds = (ContinuousClock.now - start).seconds
            print("Seeded \(records) records for \(users.count) members in \(String(format: "%.1f", seconds)) s.")
            print("Tokens (shown only now):")
            for user in users { print("  \(user.user.member.rawValue)\t\(user.token)\t\(user.login) / \(user.password)") }
        }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
