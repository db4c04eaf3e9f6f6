import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace audit …`: the audit trail from the server's command line.
    struct AuditCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Verify the audit trail's hash chain; export a member's entries.",
            subcommands: [Verify.self, Export.self]
        )

        /// `armstrace audit verify`: exits 1 when the chain is broken, naming the first bad entry.
        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check every link of the audit trail's hash chain; name the first entry altered, removed or reordered."
            )

            @OptionGroup var databaseOptions: DatabaseOptions

            func run() async throws {
                let result = try await databaseOptions.open().verifyAuditChain()
                guard let problem = result.problem else {
                    let head = result.head.map { " Head: entry \($0.sequence), \($0.hash)." } ?? ""
                    print("The audit trail is intact: \(result.entries) entries.\(head)")
                    return
                }
                print("The audit trail is BROKEN: \(problem). \(result.entries) entries before it are intact.")
                throw ExitCode(1)
            }
        }

        /// `armstrace audit export --member KEN`: the member's entries as JSON lines, oldest first.
        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a member's audit entries (by its users or concerning its data) as JSON lines, oldest first."
            )

            @OptionGroup var databaseOptions: DatabaseOptions

            @Option(help: "The member whose entries to export.")
            var member: String

            func validate() throws { _ = try parseMemberCode(member) }

            func run() async throws {
                let repositories = try databaseOptions.open().repositories
                let code = try parseMemberCode(member)
                let auditor = Actor(userID: nil, member: code, role: .auditor, channel: .cli)
                var entries: [AuditEntry] = []
                var cursor: String?
                repeat {
                    let page = try await AuditService(repositories: repositories).entries(
                        limit: RecordQuery.maximumLimit,
                        cursor: cursor,
                        by: auditor
                    )
                    entries += page.items
                    cursor = page.nextCursor
                } while cursor != nil
                for entry in entries.reversed() { try printJSON(entry, pretty: false) }
            }
        }
    }
}
