import ArgumentParser
import ArmsTraceDomain
import Foundation

extension ArmsTraceCommand {
    /// `armstrace marking …`: national marking schemes (PoA III 12) at the command line.
    struct MarkingCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "marking",
            abstract: "Read marks against the national marking schemes; list, export and check schemes.",
            subcommands: [Parse.self, Schemes.self, Check.self]
        )

        /// `armstrace marking parse "KEN 19"`.
        struct Parse: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Name the schemes a mark fits, and split it into their elements.")

            @Argument(help: "The mark as read, e.g. \"KEN 19\".")
            var mark: String

            @Option(help: "Only schemes of this kind: manufacture, import, state, civilian_transfer.")
            var kind: String?

            @Option(help: "Only schemes of this member (ISO 3166-1 alpha-3).")
            var country: String?

            func run() throws {
                let schemes = try ArmsTraceCommand.schemes(kind: kind, country: country)
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
        struct Schemes: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the published schemes, or write them as JSON (the exchange format).")

            @Option(help: "Only schemes of this kind.")
            var kind: String?

            @Option(help: "Only schemes of this member.")
            var country: String?

            @Flag(help: "Write the schemes as JSON.")
            var json = false

            func run() throws {
                let schemes = try ArmsTraceCommand.schemes(kind: kind, country: country)
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
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                let schemes: [MarkingScheme]
                do {
                    schemes = try ArmsTraceCommand.schemeDecoder.decode([MarkingScheme].self, from: data)
                } catch let error as DecodingError {
                    FileHandle.standardError.write(Data("\(file) is not a list of schemes: \(error.readable)\n".utf8))
                    throw ExitCode(1)
                }
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
    }

    /// The published schemes the options ask for, filtered as the API filters them (``ReferenceService``).
    static func schemes(kind: String?, country: String?) throws -> [MarkingScheme] {
        do {
            return try ReferenceService().schemes(kind: kind, member: country)
        } catch DomainError.invalid(let problems) {
            throw ValidationError(problems.map { "--\($0.field): \($0.message)" }.joined(separator: "; "))
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
