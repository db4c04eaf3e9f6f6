import ArmsTraceDomain
import Foundation
import Hummingbird

/// The mutual legal assistance pages: the member's requests sent and received, the form to send one, and a
/// request's page with its answers, each shown with the conditions set on it.
struct LegalAssistancePages {
    let service: LegalAssistanceService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("legal", use: list)
        pages.post("legal", use: send)
        pages.get("legal/:id", use: request)
        pages.post("legal/:id/steps", use: step)
    }

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        try await listPage(context: context)
    }

    private func listPage(context: WebContext, errors: [FieldError] = [], typed: [String: String] = [:]) async throws -> Response {
        let actor = context.actor
        let requests = try await service.requests(by: actor)
        let object: [String: Any] = [
            "requests": requests.map { request -> [String: Any] in
                let sent = request.requester == actor.member
                return [
                    "id": request.id.description, "reference": request.reference,
                    "direction": sent ? "to \(request.requested)" : "from \(request.requester)",
                    "assistance": request.assistance.map(\.rawValue).joined(separator: ", "), "urgent": request.urgency == .urgent,
                    "status": request.status.words, "sent": request.createdAt.minuteText,
                ]
            },
            "kinds": LegalAssistanceRequest.Assistance.allCases.map { ["code": $0.rawValue] },
            "values": typed,
            "errors": PageRenderer.fieldMessages(errors),
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        return try renderer.page(
            "legal",
            title: "Mutual legal assistance",
            section: .legal,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func send(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        func list(_ name: String) -> [String] {
            (form[name] ?? "").split(whereSeparator: { $0.isNewline || $0 == "," || $0 == " " }).map(String.init)
        }
        let input = LegalAssistanceInput(
            requested: form["requested"] ?? "",
            reference: form["reference"] ?? "",
            legalBasis: form["legal_basis"] ?? "",
            assistance: form.all("assistance"),
            description: form["description"] ?? "",
            urgency: form["urgency"],
            records: list("records"),
            traces: list("traces"),
            conditions: form["conditions"],
            respondBy: form["respond_by"]
        )
        do {
            let sent = try await service.send(input, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/legal/\(sent.id)"])
        } catch DomainError.invalid(let errors) {
            let names = ["requested", "reference", "legal_basis", "description", "records", "traces", "conditions", "respond_by"]
            return try await listPage(context: context, errors: errors, typed: Dictionary(uniqueKeysWithValues: names.map { ($0, form[$0] ?? "") }))
        }
    }

    @Sendable func request(_ request: Request, context: WebContext) async throws -> Response {
        try await requestPage(try LegalAssistanceRequest.ID.route(context, "legal assistance request"), context: context)
    }

    private func requestPage(_ id: LegalAssistanceRequest.ID, context: WebContext, problem: String? = nil) async throws -> Response {
        let actor = context.actor
        let request = try await service.request(id, by: actor)
        var fields: [[String: String]] = [
            ["label": "From", "value": request.requester.rawValue],
            ["label": "To", "value": request.requested.rawValue],
            ["label": "Reference", "value": request.reference],
            ["label": "Legal basis", "value": request.legalBasis],
            ["label": "Assistance sought", "value": request.assistance.map(\.rawValue).joined(separator: ", ")],
            ["label": "Urgency", "value": request.urgency.rawValue],
            ["label": "Status", "value": request.status.words],
        ]
        if let respondBy = request.respondBy { fields.append(["label": "Answer wanted by", "value": respondBy.description]) }
        let requested = request.requested == actor.member && !request.status.isFinal
        var object: [String: Any] = [
            "id": request.id.description,
            "fields": fields,
            "requestDescription": request.description,
            "requestConditions": request.conditions ?? "none stated",
            "records": request.records.map { ["record": $0.description] },
            "traces": request.traces.map { ["trace": $0.description] },
            "steps": request.steps.map { step -> [String: Any] in
                var row: [String: Any] = [
                    "at": step.at.minuteText, "member": step.member.rawValue, "status": step.status.words,
                    "answer": [.executed, .partlyExecuted].contains(step.status), "stepConditions": step.conditions ?? "none stated",
                ]
                // A section over an empty string opens: only a text that is there is given.
                if let text = step.text { row["stepText"] = text }
                return row
            },
            "mayAnswer": requested,
            "actions":
                (requested
                ? [
                    ("acknowledge", "Acknowledge"), ("execute", "Executed"), ("partly_execute", "Partly executed"),
                    ("refuse", "Refuse, with grounds"),
                ]
                : [])
                .map { ["code": $0.0, "words": $0.1] },
            "mayWithdraw": request.requester == actor.member && !request.status.isFinal,
        ]
        if let problem { object["problem"] = problem }
        return try renderer.page(
            "legal-request",
            title: "Request \(request.reference)",
            section: .legal,
            session: context.session,
            object,
            status: problem == nil ? .ok : .unprocessableContent
        )
    }

    @Sendable func step(_ request: Request, context: WebContext) async throws -> Response {
        let id = try LegalAssistanceRequest.ID.route(context, "legal assistance request")
        let form = try await WebForm.read(request, context: context)
        do {
            guard let action = form["action"].flatMap(LegalAssistanceRequest.Action.init(rawValue:)) else {
                throw DomainError.invalid(field: "action", "choose a step")
            }
            _ = try await service.act(action, on: id, text: form["text"], conditions: form["conditions"], by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/legal/\(id)"])
        } catch let error as DomainError {
            guard let problem = error.pageProblem else { throw error }
            return try await requestPage(id, context: context, problem: problem)
        }
    }
}
