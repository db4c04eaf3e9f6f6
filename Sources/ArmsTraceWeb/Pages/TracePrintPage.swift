import ArmsTraceDomain
import Foundation

/// What the printable page of a trace request shows, as plain strings for the template: the request, the weapon,
/// the answer with the confidentiality conditions, the outcome and the timeline.
struct TracePrintPage: Sendable {
    struct Field: Sendable {
        var label: String
        var value: String
    }

    struct Row: Sendable {
        var cells: [String]
    }

    var title: String
    var id: String
    var requester: String
    var requested: String
    var summary: [Field]
    var particulars: [Field]
    var weapon: [Field]
    var markings: [Row]
    var answer: [Field]
    var hasAnswer: Bool
    var custody: [Row]
    var confidentiality: String
    var outcome: [Field]
    var timeline: [Row]
    var printedAt: String

    init(_ view: TraceRequestView, now: Date = Date()) {
        let request = view.request
        let particulars = request.particulars
        let weapon = request.weapon
        func member(_ code: MemberCode) -> String {
            Countries.name(of: code.rawValue).map { "\($0) (\(code))" } ?? code.rawValue
        }
        func fields(_ pairs: [(String, String?)]) -> [Field] {
            pairs.compactMap { label, value in value.flatMap { $0.isEmpty ? nil : Field(label: label, value: $0) } }
        }
        title = "Trace request \(request.id)"
        id = request.id.description
        requester = member(request.requester)
        requested = member(request.requested)
        summary = fields([
            ("Status", request.status.rawValue.replacingOccurrences(of: "_", with: " ")),
            ("Priority", particulars.priority.rawValue),
            ("Created", request.createdAt.minuteText),
            ("Sent", request.sentAt.map(\.minuteText)),
            ("Acknowledge by", request.deadlines?.acknowledgeBy.minuteText),
            ("Acknowledged", request.acknowledgedAt.map(\.minuteText)),
            ("Answer by", request.deadlines?.answerBy.minuteText),
            ("Answered", request.answeredAt.map(\.minuteText)),
            ("Overdue", view.overdue.isEmpty ? nil : view.overdue.map(\.rawValue).joined(separator: ", ")),
            (
                "Delayed",
                request.delay.map { "\($0.ground.rawValue.replacingOccurrences(of: "_", with: " ")), expected by \($0.expectedBy.minuteText)" }
            ),
            ("Declined", request.decline.map { $0.ground.rawValue.replacingOccurrences(of: "_", with: " ") }),
        ])
        self.particulars = fields([
            ("Grounds (ITI para 6)", particulars.grounds.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") }.joined(separator: "; ")),
            ("Legal basis", particulars.legalBasis),
            ("Circumstances", particulars.circumstances),
            ("Intended use", particulars.intendedUse),
            ("Urgency", particulars.urgencyJustification),
        ])
        self.weapon = fields([
            ("Requester's reference", weapon.externalRef),
            ("Category", weapon.category.rawValue.replacingOccurrences(of: "_", with: " ")),
            ("Make", weapon.make),
            ("Model", weapon.model),
            ("Calibre", weapon.calibre),
            ("Serial number", weapon.serialNumber),
            ("Serial obliterated", weapon.serialObliterated.rawValue),
            ("Country of manufacture", weapon.countryOfManufacture),
            ("Year of manufacture", weapon.yearOfManufacture.map(String.init)),
            ("Import country", weapon.importCountry),
            ("Import year", weapon.importYear.map(String.init)),
            ("Status", weapon.status.rawValue),
            ("Event date", weapon.event.date?.description),
            ("Event place", [weapon.event.place, weapon.event.country].compactMap { $0 }.joined(separator: ", ")),
        ])
        markings = weapon.markings.map { Row(cells: [$0.kind.rawValue, $0.text, $0.location ?? ""]) }
        hasAnswer = request.answer != nil
        answer = fields([
            ("Last legal holder", request.answer?.lastLegalHolder),
            ("Point of diversion established", request.answer.map { $0.pointOfDiversionEstablished ? "yes" : "no" }),
            ("Point of diversion", request.answer?.pointOfDiversion),
            ("Remarks", request.answer?.remarks),
        ])
        custody = (request.answer?.chainOfCustody ?? []).map { entry in
            Row(cells: [
                entry.kind.rawValue.replacingOccurrences(of: "_", with: " "), entry.date?.description ?? "", entry.party, entry.country ?? "",
                entry.document ?? "",
            ])
        }
        confidentiality = particulars.confidentialityConditions
        outcome = fields([
            ("Illicit origin established", request.outcome.map { $0.originEstablished ? "yes" : "no" }),
            ("Remarks", request.outcome?.remarks),
        ])
        timeline = (view.timeline ?? []).map { event in
            let content = event.content
            let details = [
                content.ground?.replacingOccurrences(of: "_", with: " "), content.expectedBy.map { "by " + $0.minuteText }, content.text,
                content.attachments.isEmpty ? nil : content.attachments.map(\.name).joined(separator: ", "),
            ].compactMap { $0 }.joined(separator: " — ")
            return Row(cells: [
                event.at.minuteText, event.member?.rawValue ?? "ArmsTrace", content.kind.rawValue.replacingOccurrences(of: "_", with: " "), details,
            ])
        }
        printedAt = now.minuteText
    }
}
