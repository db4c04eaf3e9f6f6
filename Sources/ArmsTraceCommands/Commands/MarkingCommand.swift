import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace marking …`: national marking schemes (PoA III 12) at the command line.
    struct MarkingCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "marking",
            abstract: "Read marks against the national marking schemes; list, export, check and publish schemes.",
            discussion: """
                Parse and schemes read the schemes ArmsTrace ships with and, when there is a database (--database, \
                $ARMSTRACE_DATABASE, or armstrace.sqlite in the working directory), those its members published.
                """,
            subcommands: [Parse.self, Schemes.self, Check.self, Publish.self]
        )

        /// `armstrace marking parse "KEN 19"`.
        struct Parse: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Name the schemes a mark fits, and split it into their elements.")

            @Argument(help: "The mark as read, e.g. \"KEN 19\".")
            var mark: String

            @Option(help: "Only schemes of this kind: manufacture, import, state, civilian_transfer.")
            var kind: String?

            @Option(help: "Only schemes of this member (ISO 3166-1 alpha-3).")
            var country: String?

            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let schemes = try await ArmsTraceCommand.schemes(kind: kind, country: country, database: database)
                let fits = MarkingParser.fits(mark, schemes: schemes)
                guard !fits.isEmpty else {
                    print("'\(mark)' fits none of the \(schemes.count) scheme(s) asked.")
                    throw ExitCode(1)
                }
                for fit in fits {
                    print("\(fit.summary) (version \(fit.version))")
                    for part in fit.parts { print("  \(part.kind.rawValue)\t\(part.text)\t\(part.meaning)") }
                }
            }
        }

        /// `armstrace marking schemes [--json]`.
        struct Schemes: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the published schemes, or write them as JSON (the exchange format).")

            @Option(help: "Only schemes of this kind.")
            var kind: String?

            @Option(help: "Only schemes of this member.")
            var country: String?

            @Flag(help: "Write the schemes as JSON.")
            var json = false

            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let schemes = try await ArmsTraceCommand.schemes(kind: kind, country: country, database: database)
                if json {
                    print(String(decoding: try ArmsTraceCommand.schemeEncoder.encode(schemes), as: UTF8.self))
                    return
                }
                for scheme in schemes {
                    print("\(scheme.title): \(scheme.description)")
                    print("  e.g. " + scheme.examples.joined(separator: " · "))
                }
            }
        }

        /// `armstrace marking check FILE`.
        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check a JSON file of schemes (as `schemes --json` writes): each well formed, each example fitting its scheme."
            )

            @Argument(help: "The file.")
            var file: String

            func run() throws {
                let schemes = try ArmsTraceCommand.readSchemes(MarkingScheme.self, from: file)
                var failed = false
                for (index, scheme) in schemes.enumerated() {
                    do {
                        try scheme.validate()
                        print("ok\t[\(index)] \(scheme.title)")
                    } catch DomainError.invalid(let problems) {
                        failed = true
                        for problem in problems { print("error\t[\(index)] \(scheme.title): \(problem.field): \(problem.message)") }
                    }
                }
                if failed { throw ExitCode(1) }
            }
        }

        /// `armstrace marking publish FILE --member KEN`.
        struct Publish: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Publish a member's schemes from a JSON file (as `schemes --json` writes), each as the next version of its kind.",
                discussion: """
                    Every scheme is checked first (its examples must parse under it); if any fails, nothing is \
                    published. Published versions are never changed: weapons keep their marks.
                    """
            )

            @Argument(help: "The file.")
            var file: String

            @Option(help: "The member publishing (ISO 3166-1 alpha-3); schemes in the file that name a member must name this one.")
            var member: String

            @OptionGroup var database: DatabaseOptions

            func run() async throws {
                let actor = Actor.commandLine(for: try parseMemberCode(member))
                let drafts = try ArmsTraceCommand.readSchemes(SchemeDraft.self, from: file)
                var failed = false
                for (index, draft) in drafts.enumerated() {
                    let trial = MarkingScheme(
                        member: actor.member,
                        kind: draft.kind,
                        version: 1,
                        effectiveFrom: draft.effectiveFrom,
                        description: draft.description,
                        elements: draft.elements,
                        examples: draft.examples
                    )
                    do {
                        if let named = draft.member, named != actor.member {
                            throw DomainError.invalid(field: "member", "names \(named), not \(actor.member)")
                        }
                        try trial.validate()
                    } catch DomainError.invalid(let problems) {
                        failed = true
                        for problem in problems { print("error\t[\(index)] \(problem.field): \(problem.message)") }
                    }
                }
                if failed { throw ExitCode(1) }
                let store = try await database.open()
                do {
                    let service = ReferenceService(repositories: store.repositories, catalog: ReferenceCatalog())
                    for draft in drafts {
                        let scheme = try await service.publish(draft, by: actor)
                        print("published\t\(scheme.title)")
                    }
                    await store.close()
                } catch {
                    await store.close()
                    throw error
                }
            }
        }
    }

    /// The published schemes the options ask for, filtered as the API filters them (``ReferenceService``): the
    /// shipped ones, and those the database's members published when there is a database.
    static func schemes(kind: String?, country: String?, database: DatabaseOptions) async throws -> [MarkingScheme] {
        let catalog = ReferenceCatalog()
        if database.isPresent {
            let store = try await database.open()
            do {
                try await catalog.refresh(from: store.repositories.reference)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
        }
        let snapshot = catalog.snapshot
        do {
            return try ReferenceService.filter(snapshot.schemes, kind: kind, member: country)
        } catch DomainError.invalid(let problems) {
            throw ValidationError(problems.map { "--\($0.field): \($0.message)" }.joined(separator: "; "))
        }
    }

    /// A JSON file's list of schemes or drafts; a file that is not one is named with the place at fault.
    static func readSchemes<T: Decodable>(_ type: T.Type, from file: String) throws -> [T] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ValidationError("cannot read \(file)")
        }
        do {
            return try schemeDecoder.decode([T].self, from: data)
        } catch let error as DecodingError {
            FileHandle.standardError.write(Data("\(file) is not a list of schemes: \(error.readable)\n".utf8))
            throw ExitCode(1)
        } catch {
            FileHandle.standardError.write(Data("\(file) is not JSON\n".utf8))
            throw ExitCode(1)
        }
    }

    static var schemeEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static var schemeDecoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

extension DecodingError {
    /// Where and what, for a person, in the file's spelling: "elements[1].min_length: is required".
    var readable: String {
        func snakeCase(_ key: String) -> String {
            key.reduce(into: "") { result, character in result += character.isUppercase ? "_" + character.lowercased() : String(character) }
        }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { key in key.intValue.map { "[\($0)]" } ?? "." + snakeCase(key.stringValue) }.joined().trimmingPrefix(".").description
        }
        return switch self {
        case .keyNotFound(let key, let context): "\(path(context.codingPath + [key])): is required"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: "cannot be read"
        }
    }
}
