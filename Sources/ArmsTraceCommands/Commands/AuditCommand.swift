import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Crypto
import Foundation

extension ArmsTraceCommand {
    /// `armstrace audit …`: the audit trail from the server's command line.
    struct AuditCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "Verify the audit trail's hash chain and signed heads; sign the head; export a member's entries.",
            subcommands: [Verify.self, Keygen.self, Sign.self, Export.self]
        )

        /// `armstrace audit verify`: exits 1 when the chain is broken, naming the first bad entry.
        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check every link of the audit trail's hash chain; name the first entry altered, removed or reordered."
            )

            @OptionGroup var databaseOptions: DatabaseOptions

            @Option(help: "The public key (base64) that signed heads must verify under, as `audit keygen` printed it.")
            var publicKey: String?

            func validate() throws {
                if let publicKey, AuditSigning.publicKey(publicKey) == nil {
                    throw ValidationError("--public-key must be 32 bytes in base64, as `armstrace audit keygen` prints it")
                }
            }

            func run() async throws {
                let result = try await databaseOptions.open().verifyAuditChain(publicKey: publicKey.flatMap(AuditSigning.publicKey))
                guard let problem = result.problem else {
                    let head = result.head.map { " Head: entry \($0.sequence), \($0.hash)." } ?? ""
                    let heads =
                        publicKey == nil
                        ? " Signed heads not checked (give --public-key)."
                        : " \(result.signedHeads) signed head(s) verified."
                    print("The audit trail is intact: \(result.entries) entries.\(head)\(heads)")
                    return
                }
                print("The audit trail is BROKEN: \(problem). \(result.entries) entries before it are intact.")
                throw ExitCode(1)
            }
        }

        /// `armstrace audit keygen --output FILE`.
        struct Keygen: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Make an Ed25519 key for signing the audit trail's head: the private key to a file, the public key printed."
            )

            @Option(help: "The file to write the private key to (created readable by its owner only).")
            var output: String

            func run() async throws {
                guard !FileManager.default.fileExists(atPath: output) else { throw ValidationError("\(output) exists; a key is never overwritten") }
                let key = Curve25519.Signing.PrivateKey()
                let created = FileManager.default.createFile(
                    atPath: output,
                    contents: Data((key.rawRepresentation.base64EncodedString() + "\n").utf8),
                    attributes: [.posixPermissions: 0o600]
                )
                guard created else { throw ValidationError("cannot write \(output)") }
                print("Private key written to \(output); keep it with the server (armstrace serve --audit-key-file \(output)).")
                print("Public key, for `armstrace audit verify --public-key`: \(key.publicKey.rawRepresentation.base64EncodedString())")
            }
        }

        /// `armstrace audit sign --key-file FILE`: what the server does every minute.
        struct Sign: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Sign the audit trail's head now (the server does it every minute).")

            @OptionGroup var databaseOptions: DatabaseOptions

            @Option(help: "The private key file.")
            var keyFile: String

            func run() async throws {
                let key = try AuditSigning.privateKey(fromFile: keyFile)
                let signed = try await databaseOptions.open().repositories.audit.signHead(privateKey: key.rawRepresentation, at: Date())
                print(signed.map { "Signed the head: entry \($0)." } ?? "Nothing new to sign.")
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
                let repositories = try await databaseOptions.open().repositories
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
