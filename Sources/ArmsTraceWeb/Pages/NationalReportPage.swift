import ArmsTraceDomain
import Foundation
import Hummingbird
import Mustache

/// The national report page: the member's PoA/ITI report draft for a period, the questions with the answers the
/// data suggests and the member's own (which its admins save here), and the draft printable (`?print=1`) and as
/// JSON (`/report.json`).
struct NationalReportPage {
    let service: NationalReportService
    let renderer: PageRenderer
    /// For the printable report, which stands outside the layout.
    let templates: MustacheLibrary

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("report", use: page)
        pages.get("report.json", use: json)
        pages.post("report/answers", use: answer)
    }

    @Sendable func page(_ request: Request, context: WebContext) async throws -> Response {
        let (from, to) = try NationalReportController.period(request)
        let report = try await service.draft(from: from, to: to, by: context.actor)
        if request.uri.queryParameters.get("print") != nil {
            return try HTML(templates, "report-print", Self.object(report)).response()
        }
        return try render(report, context: context, saved: request.uri.queryParameters.get("saved") != nil)
    }

    private func render(_ report: NationalReport, context: WebContext, problem: String? = nil, saved: Bool = false) throws -> Response {
        var object = Self.object(report)
        object["mayAnswer"] = context.actor.role.may(.manageCooperation)
        object["saved"] = saved
        if let problem { object["problem"] = problem }
        return try renderer.page(
            "report",
            title: "National report \(report.fromYear)–\(report.toYear)",
            section: .report,
            session: context.session,
            object,
            status: problem == nil ? .ok : .unprocessableContent
        )
    }

    @Sendable func json(_ request: Request, context: WebContext) async throws -> Response {
        let (from, to) = try NationalReportController.period(request)
        let report = try await service.draft(from: from, to: to, by: context.actor)
        var response = Response(
            status: .ok,
            headers: [
                .contentType: "application/json; charset=utf-8",
                .contentDisposition: "attachment; filename=\"armstrace-report-\(report.member)-\(from)-\(to).json\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: try APIJSON.encoder.encode(report)))
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func answer(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let from = form["from"].flatMap { Int($0) } ?? NationalReportService.defaultPeriod().from
        let to = form["to"].flatMap { Int($0) } ?? NationalReportService.defaultPeriod().to
        var answers: [String: String] = [:]
        var comments: [String: String] = [:]
        for id in NationalReport.questionIDs {
            if let answer = form["answer_\(id)"] { answers[id] = answer }
            if let comment = form["comment_\(id)"] { comments[id] = comment }
        }
        do {
            _ = try await service.answer(from: from, to: to, answers: answers, comments: comments, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/report?from=\(from)&to=\(to)&saved=1#questions-h"])
        } catch DomainError.invalid(let errors) {
            let report = try await service.draft(from: from, to: to, by: context.actor)
            return try render(report, context: context, problem: errors.map(\.description).joined(separator: "; "))
        }
    }

    /// The report's values for both templates (`report-body` is shared).
    static func object(_ report: NationalReport) -> [String: Any] {
        func rows(_ counts: [String: Int]) -> [[String: Any]] {
            counts.sorted { $0.key < $1.key }.map { ["name": $0.key.replacingOccurrences(of: "_", with: " "), "count": $0.value] }
        }
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "–" }
        func hours(_ value: Double?) -> String { value.map { String(format: "%.0f h", $0) } ?? "–" }
        func assistance(_ lines: [NationalReport.AssistanceLine]) -> [[String: Any]] {
            lines.map { line in
                var row: [String: Any] = [
                    "need": line.need.description, "needTitle": line.title, "area": line.area.words, "paragraph": line.paragraph,
                    "counterpart": line.counterpart?.rawValue ?? "—", "status": line.status.words,
                ]
                if let outcome = line.outcome { row["outcome"] = outcome }
                return row
            }
        }
        let marking = report.marking
        let stock = report.stockpile
        let training = report.training
        let legal = report.legalAssistance
        return [
            "member": report.member.rawValue, "memberName": report.memberName, "fromYear": report.fromYear, "toYear": report.toYear,
            "generated": report.generatedAt.minuteText,
            "contacts": report.contacts.map {
                [
                    "role": $0.role.words, "agency": $0.agency, "name": $0.name,
                    "reach": [$0.email, $0.phone].compactMap { $0 }.joined(separator: " · "),
                ]
            },
            "schemes": marking.schemes.isEmpty ? "none" : marking.schemes.joined(separator: "; "),
            "recordsHeld": marking.recordsHeld, "recordsEntered": marking.recordsEntered, "recordsByStatus": rows(marking.recordsByStatus),
            "tracing": report.tracing.map { year -> [String: Any] in
                [
                    "year": year.year, "sent": year.sent.requests, "received": year.received.requests,
                    "answerMedian": hours(year.received.hoursToAnswer.median),
                    "withinDeadline": percent(year.received.answeredWithinDeadline.percent),
                    "sdgTotal": year.sdg1642.total, "sdgEstablished": year.sdg1642.originEstablished, "sdgPercent": percent(year.sdg1642.percent),
                ]
            },
            "weaponsByStatus": rows(stock.weaponsByStatus), "checksClosed": stock.checksClosed, "weaponsMissing": stock.weaponsMissing,
            "losses": stock.losses, "destroyedByMethod": rows(stock.destroyedByMethod), "weaponsDestroyed": stock.weaponsDestroyed,
            "received": assistance(report.assistance.received), "given": assistance(report.assistance.given),
            "openOffers": report.assistance.openOffers,
            "eventsOrganised": training.eventsOrganised, "othersTrained": training.othersTrained, "officialsTrained": rows(training.officialsTrained),
            "legalSent": legal.sent, "legalReceived": legal.received, "legalByStatus": rows(legal.receivedByStatus),
            "questions": report.questions.map { question -> [String: Any] in
                var row: [String: Any] = [
                    "qid": question.id, "paragraph": question.paragraph, "question": question.text, "basis": question.basis,
                    "suggested": question.suggested?.rawValue ?? "no suggestion", "answerText": question.answer?.rawValue ?? "not answered",
                    "options": ReportAnswer.allCases.map { ["code": $0.rawValue, "selected": question.answer == $0] },
                ]
                if let comment = question.comment { row["comment"] = comment }
                return row
            },
        ]
    }
}
