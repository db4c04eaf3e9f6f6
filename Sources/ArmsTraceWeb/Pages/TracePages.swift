import ArmsTraceDomain
import Foundation
import Hummingbird

/// The tracing pages (ITI section V): the inbox and outbox, a new request from one of the member's records, and a
/// request's page with its timeline, its conversation and a form for each step the viewer's side may take now.
struct TracePages {
    let service: TraceService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("traces", use: list)
        pages.get("traces/new", use: newForm)
        pages.post("traces/new", use: create)
        pages.get("traces/:id", use: show)
        pages.get("traces/:id/attachments/:attachment", use: attachment)
        pages.post("traces/:id/:step", use: step)
    }

    // MARK: - Lists

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        let box = parameters.get("box").flatMap(TraceQuery.Box.init(rawValue:)) ?? .incoming
        let overdue = parameters.get("overdue") == "true"
        let query = TraceQuery(
            box: box,
            status: parameters.get("status").flatMap(TraceStatus.init(rawValue:)),
            overdueOnly: overdue,
            limit: 50,
            cursor: parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        )
        let page = try await service.list(query, by: context.actor)
        var object: [String: Any] = [
            "requests": page.items.map(Self.row),
            "empty": page.items.isEmpty,
            "tabs": [
                ["href": "/traces?box=incoming", "label": "Inbox (received)", "current": box == .incoming && !overdue],
                ["href": "/traces?box=outgoing", "label": "Outbox (sent)", "current": box == .outgoing && !overdue],
                ["href": "/traces?box=all&overdue=true", "label": "Overdue", "current": overdue],
            ],
            "caption": overdue ? "Requests past a deadline" : box == .outgoing ? "Requests your member sent" : "Requests sent to your member",
        ]
        if let cursor = page.nextCursor {
            object["next"] =
                "/traces?box=\(box.rawValue)&overdue=\(overdue)&cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        return try renderer.page("traces", title: "Trace requests", section: .traces, session: context.session, object)
    }

    static func row(_ view: TraceRequestView) -> [String: Any] {
        let request = view.request
        let weapon = request.weapon
        return [
            "id": request.id.description, "status": request.status.rawValue,
            "statusWords": request.status.rawValue.replacingOccurrences(of: "_", with: " "),
            "counterpart": request.counterpart(of: view.side).rawValue, "side": view.side == .requesting ? "sent" : "received",
            "priority": request.particulars.priority.rawValue, "urgent": request.particulars.priority == .urgent,
            "weapon": [weapon.make, weapon.model, weapon.serialNumber].compactMap { $0 }.joined(separator: " "),
            "sent": request.sentAt?.minuteText ?? "draft", "answerBy": request.deadlines?.answerBy.minuteText ?? "—",
            "overdue": !view.overdue.isEmpty,
        ]
    }

    // MARK: - A new request

    @Sendable func newForm(_ request: Request, context: WebContext) async throws -> Response {
        try context.actor.require(.actOnTraces)
        guard let text = request.uri.queryParameters.get("record"), let id = WeaponRecord.ID(text) else {
            throw DomainError.invalid(field: "record", "choose the record to trace: open it and press 'Send a trace request'")
        }
        let addressees = try await service.addressees(for: id, by: context.actor)
        let first = addressees.first?.member.rawValue ?? ""
        return try newPage(
            record: id,
            values: ["requested": first, "priority": "routine"],
            grounds: [],
            errors: [],
            addressees: addressees,
            context: context
        )
    }

    @Sendable func create(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let recordID = form["record"] ?? ""
        let input = TraceRequestInput(
            recordId: recordID,
            requested: (form["requested_other"] ?? form["requested"] ?? "").uppercased(),
            priority: form["priority"],
            urgencyJustification: form["urgency_justification"],
            grounds: form.all("grounds"),
            legalBasis: form["legal_basis"],
            circumstances: form["circumstances"],
            intendedUse: form["intended_use"],
            confidentialityConditions: form["confidentiality_conditions"]
        )
        do {
            let draft = try await service.create(input, by: context.actor)
            if form["send"] != nil {
                do {
                    _ = try await service.send(draft.request.id, by: context.actor)
                } catch DomainError.invalid(let errors) {
                    // The draft is kept; its page says what sending still needs.
                    return try await show(draft.request.id, context: context, errors: errors, flash: "Saved as a draft; it cannot be sent yet.")
                }
            }
            return Response(status: .seeOther, headers: [.location: "/traces/\(draft.request.id)"])
        } catch DomainError.invalid(let errors) {
            guard let id = WeaponRecord.ID(recordID) else { throw DomainError.invalid(errors) }
            let addressees = try await service.addressees(for: id, by: context.actor)
            var values: [String: String] = [:]
            for name in [
                "requested", "priority", "urgency_justification", "legal_basis", "circumstances", "intended_use", "confidentiality_conditions",
            ] {
                values[name] = form[name] ?? ""
            }
            return try newPage(record: id, values: values, grounds: form.all("grounds"), errors: errors, addressees: addressees, context: context)
        }
    }

    private func newPage(
        record: WeaponRecord.ID,
        values: [String: String],
        grounds: [String],
        errors: [FieldError],
        addressees: [TraceAddressee],
        context: WebContext
    ) throws -> Response {
        let requested = values["requested"] ?? ""
        return try renderer.page(
            "trace-new",
            title: "New trace request",
            section: .traces,
            session: context.session,
            [
                "record": record.description, "values": values, "errors": PageRenderer.fieldMessages(errors),
                "hasErrors": !errors.isEmpty,
                "errorList": errors.map { ["anchor": RecordForm.inputName($0.field), "field": $0.field, "message": $0.message] },
                "addressees": addressees.map { addressee -> [String: Any] in
                    [
                        "code": addressee.member.rawValue, "name": addressee.name, "reasons": addressee.reasons.joined(separator: "; "),
                        "selected": addressee.member.rawValue == requested,
                    ]
                },
                "otherAddressee": addressees.contains { $0.member.rawValue == requested } ? "" : requested,
                "grounds": IllicitGround.allCases.map {
                    ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "_", with: " "), "checked": grounds.contains($0.rawValue)]
                },
                "urgent": values["priority"] == "urgent",
            ],
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    // MARK: - A request

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let flash: String? = request.uri.queryParameters.get("done").map { "Done: \($0.replacingOccurrences(of: "_", with: " "))." }
        return try await show(try Self.id(context), context: context, errors: [], flash: flash)
    }

    private func show(
        _ id: TraceRequest.ID,
        context: WebContext,
        errors: [FieldError],
        flash: String?,
        step: TraceStep? = nil
    ) async throws -> Response {
        let view = try await service.get(id, by: context.actor)
        let mayAct = context.session.user.role.may(.actOnTraces)
        let steps = mayAct ? view.allowedSteps : []
        var object: [String: Any] = [
            "trace": TracePrintPage(view),
            "files": (view.timeline ?? []).flatMap { event in
                event.content.attachments.map { file -> [String: Any] in
                    [
                        "href": "/traces/\(id)/attachments/\(file.id)", "name": file.name, "type": file.contentType,
                        "size": ByteCountFormatter.string(fromByteCount: Int64(file.size), countStyle: .file), "when": event.at.minuteText,
                        "from": event.member?.rawValue ?? "",
                    ]
                }
            },
            "check": RecordPages.markingCheck(view.request.weapon.markingCheck),
            "id": id.description,
            "side": view.side == .requesting ? "You sent this request." : "This request was sent to your member.",
            "steps": Set(steps.map(\.rawValue)).reduce(into: [String: Bool]()) { $0[$1] = true },
            "hasSteps": !steps.isEmpty,
            "withholdingGrounds": WithholdingGround.allCases.map {
                ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "_", with: " ")]
            },
            "custodyKinds": CustodyEntry.Kind.allCases.map { ["value": $0.rawValue, "label": $0.rawValue.replacingOccurrences(of: "_", with: " ")] },
            "custodyRows": (0..<3).map { ["index": $0, "number": $0 + 1] },
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        if let step { object["failedStep"] = step.words }
        if let flash { object["flash"] = flash }
        return try renderer.page(
            "trace",
            title: "Trace request \(view.request.weapon.make) \(view.request.weapon.serialNumber ?? "")",
            section: .traces,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    /// A file of the request's conversation, for its two parties, as a download.
    @Sendable func attachment(_ request: Request, context: WebContext) async throws -> Response {
        let text = context.parameters.get("attachment") ?? ""
        guard let fileID = TraceAttachment.ID(text) else { throw DomainError.notFound(entity: "attachment", id: text) }
        return try await service.attachment(fileID, of: try Self.id(context), by: context.actor).download
    }

    /// One step on a request, from its form on the request's page; problems come back to that page.
    @Sendable func step(_ request: Request, context: WebContext) async throws -> Response {
        let id = try Self.id(context)
        let text = context.parameters.get("step") ?? ""
        guard let step = TraceStep(rawValue: text.replacingOccurrences(of: "-", with: "_")) else {
            throw DomainError.notFound(entity: "step", id: text)
        }
        let form = try await WebForm.read(request, context: context)
        do {
            switch step {
            case .send: _ = try await service.send(id, by: context.actor)
            default: _ = try await service.perform(try Self.action(step, form), on: id, by: context.actor)
            }
            return Response(status: .seeOther, headers: [.location: "/traces/\(id)?done=\(step.rawValue)"])
        } catch DomainError.invalid(let errors) {
            return try await show(id, context: context, errors: errors, flash: nil, step: step)
        } catch DomainError.conflict(let message) {
            return try await show(id, context: context, errors: [FieldError(field: step.rawValue, message: message)], flash: nil, step: step)
        }
    }

    /// The action a step's form asks for.
    static func action(_ step: TraceStep, _ form: WebForm) throws -> TraceAction {
        func required(_ name: String) throws -> String {
            guard let value = form[name] else { throw DomainError.invalid(field: name, "is required") }
            return value
        }
        func ground() throws -> WithholdingGround {
            try TraceController.ground(try required("ground"))
        }
        switch step {
        case .acknowledge: return .acknowledge
        case .requestInformation: return .requestInformation(question: try required("question"))
        case .provideInformation: return .provideInformation(text: try required("text"))
        case .delay:
            guard let date = CalendarDate(try required("expected_by")),
                let expectedBy = Calendar.utc.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 23, minute: 59))
            else {
                throw DomainError.invalid(field: "expected_by", "must be a date")
            }
            return .delay(TraceRequest.Delay(ground: try ground(), expectedBy: expectedBy, explanation: form["explanation"]))
        case .decline: return .decline(TraceRequest.Decline(ground: try ground(), explanation: form["explanation"]))
        case .withdraw: return .withdraw(reason: form["reason"])
        case .close:
            guard let established = form["origin_established"] else {
                throw DomainError.invalid(field: "origin_established", "say whether the illicit origin was established")
            }
            return .close(TraceOutcome(originEstablished: established == "yes", remarks: form["remarks"]))
        case .message: return .message(text: try required("text"), attachments: [])
        case .answer:
            var custody: [CustodyEntry] = []
            var problems: [FieldError] = []
            for row in 0..<3 {
                let party = form["custody_\(row)_party"]
                let date = form["custody_\(row)_date"]
                let country = form["custody_\(row)_country"]?.uppercased()
                let document = form["custody_\(row)_document"]
                guard party != nil || date != nil || country != nil || document != nil else { continue }
                let kind = CustodyEntry.Kind(rawValue: form["custody_\(row)_kind"] ?? "") ?? .other
                var parsedDate: CalendarDate?
                if let date {
                    parsedDate = CalendarDate(date)
                    if parsedDate == nil { problems.append(FieldError(field: "chain_of_custody[\(custody.count)].date", message: "must be a date")) }
                }
                custody.append(CustodyEntry(kind: kind, date: parsedDate, party: party ?? "", country: country, document: document))
            }
            let answer = TraceAnswer(
                chainOfCustody: custody,
                lastLegalHolder: form["last_legal_holder"],
                pointOfDiversionEstablished: form["point_of_diversion_established"] == "yes",
                pointOfDiversion: form["point_of_diversion"],
                remarks: form["remarks"]
            )
            problems += answer.problems
            guard problems.isEmpty else { throw DomainError.invalid(problems) }
            return .answer(answer)
        case .revise, .send:
            throw DomainError.invalid(field: "step", "\(step.words) is done from the draft's form")
        }
    }

    static func id(_ context: WebContext) throws -> TraceRequest.ID {
        let text = context.parameters.get("id") ?? ""
        guard let id = TraceRequest.ID(text) else { throw DomainError.notFound(entity: "trace request", id: text) }
        return id
    }
}
