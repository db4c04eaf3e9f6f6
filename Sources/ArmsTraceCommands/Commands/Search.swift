import ArgumentParser
import ArmsTraceDomain
import ArmsTraceSearch
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand {
    /// `armstrace search`: a hit/no-hit search from the command line, logged and notified like one through the API.
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the records a member may see for a serial, tolerating misreads and damage.",
            discussion: """
                The serial may hold ? for an unreadable character and * for an unreadable run (*4567 for a ground-off \
                prefix). Loads the search index from the database first. The search is logged, and the owners of \
                other members' matching records get a hit notice.
                """
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "The member searching.")
        var member: String

        @Option(help: "The serial as read.")
        var serial: String

        @Option(help: "The make, if known.")
        var make: String?

        @Option(help: "The model, if known.")
        var model: String?

        @Option(help: "The calibre, if known.")
        var calibre: String?

        @Option(help: "The category code, if known.")
        var category: String?

        @Option(help: "The country of manufacture (ISO 3166-1 alpha-3), if known.")
        var countryOfManufacture: String?

        @Option(help: "How many candidates to show (1 to \(SerialQuery.maximumLimit)).")
        var limit: Int = SerialQuery.defaultLimit

        @Flag(help: "Print the answer as the API's JSON.")
        var json = false

        func validate() throws {
            _ = try parseMemberCode(member)
            if let category, WeaponCategory(rawValue: category) == nil {
                throw ValidationError("--category must be one of: " + WeaponCategory.allCases.map(\.rawValue).joined(separator: ", "))
            }
        }

        func run() async throws {
            let database = try await databaseOptions.open()
            let repositories = database.repositories
            let searcher = try parseMemberCode(member)
            do {
                _ = try await repositories.members.get(searcher)
            } catch DomainError.notFound {
                throw ValidationError("member \(searcher) does not exist")
            }
            // One search: moving the index onto huge pages would cost more than it saves.
            let index = try await SerialIndex.load(from: repositories.searches, hugePages: false).index
            let request = SearchRequest(
                serial: serial,
                make: make,
                model: model,
                calibre: calibre,
                category: category.flatMap(WeaponCategory.init(rawValue:)),
                countryOfManufacture: countryOfManufacture,
                limit: limit
            )
            let result: SearchResult
            do {
                result = try await SearchService(repositories: repositories, index: index).search(request, by: .commandLine(for: searcher))
            } catch DomainError.invalid(let problems) {
                throw ValidationError(problems.map(\.description).joined(separator: "; "))
            }
            if json {
                try printJSON(result)
                return
            }
            print(
                result.hit
                    ? "HIT: \(result.total) candidate(s)" + (result.total > result.candidates.count ? ", best \(result.candidates.count) shown" : "")
                    : "NO HIT"
            )
            for candidate in result.candidates {
                let details = candidate.record.details
                let what = [details.make, details.model, details.calibre].compactMap { $0 }.joined(separator: " ")
                print(
                    String(format: "%5.2f  ", candidate.distance) + "\(candidate.record.owner)  \(details.serialNumber ?? "-")  \(what)  "
                        + "\(details.status.rawValue)  \(candidate.record.id)"
                )
                let edits = candidate.differences.map { difference in
                    "\(difference.kind.rawValue) at \(difference.position + 1)" + (difference.searched.map { " (read \($0))" } ?? "")
                }
                let notes = edits + candidate.agreements.map { "\($0) agrees" } + candidate.disagreements.map { "\($0) differs" }
                if let marking = candidate.marking { print("       on marking: \(marking.text)") }
                if !notes.isEmpty { print("       " + notes.joined(separator: "; ")) }
            }
            if result.noticesSent > 0 { print("\(result.noticesSent) hit notice(s) sent to the records' owners.") }
        }
    }
}
