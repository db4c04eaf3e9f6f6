import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace user …`: users and their API tokens.
    struct UserCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user",
            abstract: "Manage users and their API tokens.",
            subcommands: [Add.self, Password.self]
        )

        /// `armstrace user add --member CODE --name NAME --role ROLE [--json]`.
        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a user to a member and issue an API token, shown once.",
                discussion: "The token is stored only as a hash: note it now. With --json the output is {\"token\": ..., \"user_id\": ...}."
            )

            @OptionGroup var databaseOptions: DatabaseOptions

            @Option(help: "The member the user works for.")
            var member: String

            @Option(help: "The user's name.")
            var name: String

            @Option(help: "The user's role: \(User.Role.allCases.map(\.rawValue).joined(separator: ", ")).")
            var role: String

            @Option(help: "Days until the token expires (default: never).")
            var expiresInDays: Int?

            @Flag(help: "Print the token as JSON.")
            var json = false

            func validate() throws {
                _ = try parseMemberCode(member)
                guard User.Role(rawValue: role) != nil else {
                    throw ValidationError("unknown role '\(role)'; one of: \(User.Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
                    throw ValidationError("--name must be 1 to 200 characters")
                }
                if let expiresInDays, expiresInDays < 1 { throw ValidationError("--expires-in-days must be at least 1") }
            }

            func run() async throws {
                let repositories = try await databaseOptions.open().repositories
                let user = User(
                    id: .generate(),
                    member: try parseMemberCode(member),
                    name: name.trimmingCharacters(in: .whitespaces),
                    role: User.Role(rawValue: role)!,
                    createdAt: Date()
                )
                try await repositories.users.create(user)
                let expiry = expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
                let token = try await repositories.users.issueToken(for: user.id, name: "cli", expiresAt: expiry)
                if json {
                    let data = try JSONSerialization.data(
                        withJSONObject: ["token": token.secret, "user_id": user.id.description],
                        options: [.sortedKeys]
                    )
                    print(String(decoding: data, as: UTF8.self))
                } else {
                    print("Added \(user.role.rawValue) \(user.name) to \(user.member) (user \(user.id)).")
                    print("API token, shown only now: \(token.secret)")
                }
            }
        }
    }
}
