import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// `/api/v1/traces` and `/api/v1/tracing`: trace requests between members (ITI section V), their steps, timeline,
/// files and printable page; the member's deadline policy, deadline notices and statistics.
///
/// A request exists only for its two parties (a draft only for its requester): for anyone else it answers 404.
struct TraceController {
    let service: TraceService
    let templates: MustacheLibrary

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("records/:id/trace-addressees", use: addressees)
        api.get("traces", use: list)
        api.post("traces", use: create)
        api.get("traces/:id", use: get)
        api.put("traces/:id", use: revise)
        api.get("traces/:id/print", use: print)
        api.get("traces/:id/attachments/:attachment", use: attachment)
        api.post("traces/:id/send") { request, context in
            JSONBody(try await service.send(try Self.id(context), by: context.actor))
        }
        api.post("traces/:id/acknowledge") { request, context in
            JSONBody(try await service.perform(.acknowledge, on: try Self.id(context), by: context.actor))
        }
        step("request-information", Question.self) { .requestInformation(question: $0.question) }
        step("provide-information", Information.self) { .provideInformation(text: $0.text) }
        step("delay", DelayInput.self) { input in
            .delay(TraceRequest.Delay(ground: try input.parsedGround(), expectedBy: input.expectedBy, explanation: input.explanation))
        }
        step("answer", TraceAnswer.self) { .answer($0) }
        step("decline", DeclineInput.self) { input in
            .decline(TraceRequest.Decline(ground: try input.parsedGround(), explanation: input.explanation))
        }
        step("withdraw", Withdrawal.self) { .withdraw(reason: $0.reason) }
        step("close", TraceOutcome.self) { .close($0) }
        api.post("traces/:id/messages", use: message)
        api.get("tracing/statistics", use: statistics)
        api.get("tracing/statistics/print", use: printStatistics)
        api.get("tracing/deadlines", use: deadlines)
        api.put("tracing/deadlines", use: setDeadlines)
        api.get("tracing/notices", use: notices)

        /// A `POST /traces/{id}/<name>` step whose JSON body becomes a ``TraceAction``.
        func step<Body: Decodable>(_ name: String, _ body: Body.Type, _ action: @escaping @Sendable (Body) throws -> TraceAction) {
            api.post("traces/:id/\(name)") { request, context in
                let input = try await request.decodeJSON(as: Body.self, context: context)
                return JSONBody(try await service.perform(try action(input), on: try Self.id(context), by: context.actor))
            }
        }
    }

    // MARK: - Handlers

    @Sendable func addressees(_ request: Request, context: AuthenticatedContext) async throws -> Addressees {
        let text = context.parameters.get("id") ?? ""
        guard let id = WeaponRecord.ID(text) else { throw APIError.badParameter("id", "'\(text)' is not a record ID") }
        return Addressees(recordId: id, addressees: try await service.addressees(for: id, by: context.actor))
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> CursorPage<TraceRequestView> {
        let page = try await service.list(try Self.query(request), by: context.actor)
        return CursorPage("traces", page)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: TraceRequestInput.self, context: context)
        let view = try await service.create(input, by: context.actor)
        var response = try context.responseEncoder.encode(view, from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/traces/\(view.request.id)"
        return response
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<TraceRequestView> {
        JSONBody(try await service.get(try Self.id(context), by: context.actor))
    }

    @Sendable func revise(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<TraceRequestView> {
        let input = try await request.decodeJSON(as: TraceRequestInput.self, context: context)
        return JSONBody(try await service.revise(try Self.id(context), with: input, by: context.actor))
    }

    @Sendable func message(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: MessageInput.self, context: context)
        let now = Date()
        let files = try (input.attachments ?? []).enumerated().map { index, file in
            try TraceAttachment.validated(
                name: file.name,
                contentType: file.contentType,
                content: file.content,
                field: "attachments[\(index)]",
                at: now
            )
        }
        let view = try await service.perform(.message(text: input.text ?? "", attachments: files), on: try Self.id(context), by: context.actor)
        var response = try context.responseEncoder.encode(view, from: request, context: context)
        response.status = .created
        return response
    }

    @Sendable func attachment(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let text = context.parameters.get("attachment") ?? ""
        guard let fileID = TraceAttachment.ID(text) else { throw APIError.badParameter("attachment", "'\(text)' is not an attachment ID") }
        return try await service.attachment(fileID, of: try Self.id(context), by: context.actor).download
    }

    /// The request as a page an official can print and file.
    @Sendable func print(_ request: Request, context: AuthenticatedContext) async throws -> HTML {
        let view = try await service.get(try Self.id(context), by: context.actor)
        return try HTML(templates, "trace-print", TracePrintPage(view))
    }

    @Sendable func statistics(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<TraceStatistics> {
        JSONBody(try await service.statistics(year: try Self.year(request), by: context.actor))
    }

    /// The statistics as a page to print and file.
    @Sendable func printStatistics(_ request: Request, context: AuthenticatedContext) async throws -> HTML {
        let statistics = try await service.statistics(year: try Self.year(request), by: context.actor)
        return try HTML(templates, "trace-statistics", TraceStatisticsPage(statistics))
    }

    @Sendable func deadlines(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<TraceDeadlinePolicy> {
        JSONBody(try await service.deadlinePolicy(by: context.actor))
    }

    @Sendable func setDeadlines(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<TraceDeadlinePolicy> {
        let policy = try await request.decodeJSON(as: TraceDeadlinePolicy.self, context: context)
        return JSONBody(try await service.setDeadlinePolicy(policy, by: context.actor))
    }

    @Sendable func notices(_ request: Request, context: AuthenticatedContext) async throws -> CursorPage<TraceNotice> {
        let (limit, cursor) = try request.pageParameters()
        let page = try await service.notices(limit: limit, cursor: cursor, by: context.actor)
        return CursorPage("notices", page)
    }

    // MARK: - Parameters and bodies

    private static func id(_ context: AuthenticatedContext) throws -> TraceRequest.ID {
        let text = context.parameters.get("id") ?? ""
        guard let id = TraceRequest.ID(text) else { throw APIError.badParameter("id", "'\(text)' is not a trace request ID") }
        return id
    }

    /// The `year` parameter; this year when absent.
    private static func year(_ request: Request) throws -> Int {
        try request.uri.queryParameters.get("year").year("year") ?? Calendar.utc.component(.year, from: Date())
    }

    static func query(_ request: Request) throws -> TraceQuery {
        let parameters = request.uri.queryParameters
        func parse<T>(_ name: String, _ expected: String, _ transform: (String) -> T?) throws -> T? {
            guard let text = parameters.get(name), !text.isEmpty else { return nil }
            guard let parsed = transform(text) else { throw APIError.badParameter(name, "'\(text)' is not \(expected)") }
            return parsed
        }
        func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> String where T.RawValue == String {
            "one of: " + T.allCases.map(\.rawValue).joined(separator: ", ")
        }
        let (limit, cursor) = try request.pageParameters()
        return TraceQuery(
            box: try parse("box", oneOf(TraceQuery.Box.self), TraceQuery.Box.init(rawValue:)) ?? .all,
            status: try parse("status", oneOf(TraceStatus.self), TraceStatus.init(rawValue:)),
            priority: try parse("priority", oneOf(TracePriority.self), TracePriority.init(rawValue:)),
            counterpart: try parse("counterpart", "a member code") { MemberCode($0.uppercased()) },
            overdueOnly: try parse("overdue", "true or false") { ["true": true, "false": false][$0] } ?? false,
            limit: limit,
            cursor: cursor
        )
    }

    struct Addressees: ResponseEncodable {
        var recordId: WeaponRecord.ID
        var addressees: [TraceAddressee]
    }

    struct Question: Decodable { var question: String }
    struct Information: Decodable { var text: String }
    struct Withdrawal: Decodable { var reason: String? }

    struct DelayInput: Decodable {
        var ground: String
        var expectedBy: Date
        var explanation: String?

        func parsedGround() throws -> WithholdingGround { try TraceController.ground(ground) }
    }

    struct DeclineInput: Decodable {
        var ground: String
        var explanation: String?

        func parsedGround() throws -> WithholdingGround { try TraceController.ground(ground) }
    }

    static func ground(_ text: String) throws -> WithholdingGround {
        guard let ground = WithholdingGround(rawValue: text) else {
            throw DomainError.invalid(
                field: "ground",
                "'\(text)' is not an ITI ground; use one of: " + WithholdingGround.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return ground
    }

    struct MessageInput: Decodable {
        struct File: Decodable {
            var name: String
            var contentType: String
            /// Base64.
            var content: Data
        }
        var text: String?
        var attachments: [File]?
    }
}

extension TraceAttachment {
    /// The file as a download: never shown inline, never run (a sandboxed, empty content security policy), under a
    /// name stripped to letters, digits and `.-_ `.
    var download: Response {
        let safeName = name.filter { $0.isLetter || $0.isNumber || ".-_ ".contains($0) }
        return Response(
            status: .ok,
            headers: [
                .contentType: contentType,
                .contentDisposition: "attachment; filename=\"\(safeName.isEmpty ? "attachment" : safeName)\"",
                .xContentTypeOptions: "nosniff",
                .contentSecurityPolicy: "default-src 'none'; sandbox",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: content))
        )
    }
}
