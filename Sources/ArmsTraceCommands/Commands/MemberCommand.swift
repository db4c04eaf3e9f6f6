import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage

extension ArmsTraceCommand {
    /// `armstrace member …`: the system administrator's management of members.
    struct MemberCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "member",
            abstract: "Manage members (states and organisations).",
            subcommands: [Add.self, List.self]
        )

        /// `armstrace member add CODE --name NAME`.
        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a member: a state by its ISO 3166-1 alpha-3 code, or an organisation.")

            @OptionGroup var databaseOptions: DatabaseOptions

            @Argument(help: "The member's code: KEN for Kenya, UNODA for an organisation.")
            var code: String

            @Option(help: "The member's name.")
            var name: String

            func run() async throws {
                let member = try Member.validated(code: code.uppercased(), name: name)
                try await databaseOptions.open().repositories.members.create(member)
                print("Added \(member.kind.rawValue) \(member.id): \(member.name)")
            }
        }

        /// `armstrace member list`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the members.")

            @OptionGroup var databaseOptions: DatabaseOptions

            func run() async throws {
                for member in try await databaseOptions.open().repositories.members.list() {
                    print("\(member.id)\t\(member.kind.rawValue)\t\(member.name)")
                }
            }
        }
    }
}
