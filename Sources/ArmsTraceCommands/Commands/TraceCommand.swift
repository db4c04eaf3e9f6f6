import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import ArmsTraceWeb
import Foundation

extension ArmsTraceCommand {
    /// `armstrace trace …`: a member's trace requests from the server's command line, read as that member's
    /// operator would see them through the API.
    struct TraceCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trace",
            abstract: "List, show and print trace requests; tracing statistics; deadline notices.",
            subcommands: [List.self, Show.self, Print.self, Statistics.self, CheckDeadlines.self]
        )

        /// The options every `trace` subcommand shares: the database and the member whose view is shown.
        struct MemberOptions: ParsableArguments {
            @OptionGroup var databaseOptions: DatabaseOptions

            @Option(help: "The member whose requests to show.")
            var member: String

            func validate() throws { _ = try parseMemberCode(member) }

            /// The service and the member's operator, once the member is known to exist.
            func open() async throws -> (TraceService, Actor) {
                let repositories = try await databaseOptions.open().repositories
                let code = try parseMemberCode(member)
                guard try await !repositories.members.existing([code]).isEmpty else { throw ValidationError("member \(code) does not exist") }
                return (TraceService(repositories: repositories), .commandLine(for: code))
            }
        }

        /// `armstrace trace list --member KEN [--box incoming] [--status sent] [--overdue]`.
        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a member's trace requests, newest first.")

            @OptionGroup var options: MemberOptions

            @Option(help: "incoming, outgoing or all.")
            var box: String = "all"

            @Option(help: "Only requests in this status (\(TraceStatus.allCases.map(\.rawValue).joined(separator: ", "))).")
            var status: String?

            @Option(help: "Only routine or only urgent requests.")
            var priority: String?

            @Option(help: "Only requests with this member on the other side.")
            var counterpart: String?

            @Flag(help: "Only requests past a deadline that is still owed.")
            var overdue = false

            @Option(help: "How many requests to show (1 to \(RecordQuery.maximumLimit)).")
            var limit = RecordQuery.defaultLimit

            @Flag(help: "Print the API's JSON.")
            var json = false

            func validate() throws { _ = try query() }

            /// The options as a query.
            func query() throws -> TraceQuery {
                func parse<T: RawRepresentable & CaseIterable>(_ text: String?, _ option: String) throws -> T? where T.RawValue == String {
                    guard let text else { return nil }
                    guard let value = T(rawValue: text) else {
                        throw ValidationError("--\(option) must be one of: " + T.allCases.map(\.rawValue).joined(separator: ", "))
                    }
                    return value
                }
                return TraceQuery(
                    box: try parse(box, "box") ?? .all,
                    status: try parse(status, "status"),
                    priority: try parse(priority, "priority"),
                    counterpart: try counterpart.map(parseMemberCode),
                    overdueOnly: overdue,
                    limit: limit
                )
            }

            func run() async throws {
                let query = try query()
                let (service, actor) = try await options.open()
                let page = try await service.list(query, by: actor)
                if json { return try printJSON(page.items) }
                print("ID\tSTATUS\tPRIORITY\tSIDE\tCOUNTERPART\tSENT\tOVERDUE\tWEAPON")
                for view in page.items {
                    let request = view.request
                    let weapon = [request.weapon.make, request.weapon.model, request.weapon.serialNumber].compactMap { $0 }.joined(separator: " ")
                    print(
                        [
                            request.id.description, request.status.rawValue, request.particulars.priority.rawValue, view.side.rawValue,
                            request.counterpart(of: view.side).rawValue, request.sentAt?.minuteText ?? "-",
                            view.overdue.isEmpty ? "-" : view.overdue.map(\.rawValue).joined(separator: ","), weapon,
                        ].joined(separator: "\t")
                    )
                }
                if page.nextCursor != nil { print("(more: raise --limit)") }
            }
        }

        /// `armstrace trace show ID --member KEN`.
        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one trace request with its timeline, as the API's JSON.")

            @OptionGroup var options: MemberOptions

            @Argument(help: "The request's ID.")
            var id: String

            func run() async throws {
                guard let requestID = TraceRequest.ID(id) else { throw ValidationError("'\(id)' is not a trace request ID") }
                let (service, actor) = try await options.open()
                try printJSON(try await service.get(requestID, by: actor))
            }
        }

        /// `armstrace trace print ID --member KEN [--output request.html]`.
        struct Print: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a trace request's printable page (HTML with a print stylesheet) to a file or standard output."
            )

            @OptionGroup var options: MemberOptions

            @Argument(help: "The request's ID.")
            var id: String

            @Option(help: "The file to write; standard output when absent.")
            var output: String?

            func run() async throws {
                guard let requestID = TraceRequest.ID(id) else { throw ValidationError("'\(id)' is not a trace request ID") }
                let (service, actor) = try await options.open()
                let html = try await PrintedDocuments.trace(try await service.get(requestID, by: actor))
                guard let output else { return print(html) }
                try Data(html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
                print("Wrote \(output). It links /static/app.css; print it from the server, or keep the file with the case.")
            }
        }

        /// `armstrace trace statistics --member KEN --year 2025`.
        struct Statistics: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "A member's tracing figures for a year, with SDG indicator 16.4.2.")

            @OptionGroup var options: MemberOptions

            @Option(help: "The calendar year (UTC); this year when absent.")
            var year: Int?

            @Flag(help: "Print the API's JSON.")
            var json = false

            @Flag(help: "Print the page to print and file, as HTML.")
            var html = false

            func run() async throws {
                let (service, actor) = try await options.open()
                let figures = try await service.statistics(year: year ?? Calendar.utc.component(.year, from: Date()), by: actor)
                if json { return try printJSON(figures) }
                if html { return print(try await PrintedDocuments.statistics(figures)) }
                func hours(_ value: Double?) -> String { value.map { String(format: "%.1f h", $0) } ?? "-" }
                func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "-" }
                print("Tracing figures of \(figures.member) for \(figures.year)")
                for (name, flow) in [("Sent", figures.sent), ("Received", figures.received)] {
                    print("\(name): \(flow.requests) request(s), \(flow.urgent) urgent")
                    print(
                        "  to acknowledge: median \(hours(flow.hoursToAcknowledge.median)), 90th percentile \(hours(flow.hoursToAcknowledge.p90)) (\(flow.hoursToAcknowledge.count))"
                    )
                    print(
                        "  to answer:      median \(hours(flow.hoursToAnswer.median)), 90th percentile \(hours(flow.hoursToAnswer.p90)) (\(flow.hoursToAnswer.count))"
                    )
                    let share = flow.answeredWithinDeadline
                    print("  answered within the deadline: \(share.count) of \(share.total) (\(percent(share.percent)))")
                    print("  closed: origin established \(flow.originEstablished), not established \(flow.originNotEstablished)")
                }
                let sdg = figures.sdg1642
                print(
                    "SDG 16.4.2: \(percent(sdg.percent)) — origin established for \(sdg.originEstablished) of \(sdg.total) weapons "
                        + "(\(sdg.seized) seized, \(sdg.found) found, \(sdg.surrendered) surrendered)"
                )
            }
        }

        /// `armstrace trace check-deadlines`: what the server does every minute, for a database no server watches.
        struct CheckDeadlines: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Send the notices of trace deadlines that have passed (the server does this every minute)."
            )

            @OptionGroup var databaseOptions: DatabaseOptions

            func run() async throws {
                let passed = try await TraceService(repositories: databaseOptions.open().repositories).noticePassedDeadlines()
                for deadline in passed {
                    print("\(deadline.requestID)\t\(deadline.deadline.rawValue) deadline passed at \(deadline.dueAt.minuteText)")
                }
                print("\(passed.count) deadline(s) noticed.")
            }
        }
    }
}
