public import Foundation

/// A yes/no/developing answer of the PoA/ITI reporting template.
public enum ReportAnswer: String, Sendable, Codable, CaseIterable {
    case yes, no, developing
}

/// A member's answers to the report's questions for one reporting period, as its admins last saved them.
public struct NationalReportAnswers: CooperationDocument, Equatable {
    public typealias ID = Identifier<NationalReportAnswers>
    public static let kind = "report_answers"

    public var id: ID
    public var member: MemberCode
    public var fromYear: Int
    public var toYear: Int
    /// By question id.
    public var answers: [String: ReportAnswer]
    public var comments: [String: String]
    public var updatedAt: Date
    public var version: Int

    public var owner: MemberCode { member }
    public var parties: [MemberCode] { [member] }
}

/// A member's biennial PoA/ITI implementation report, drafted from what ArmsTrace holds (see ``draft(_:)``): the
/// contacts, marking and record-keeping, tracing with SDG 16.4.2, stockpile and destruction, assistance given and
/// received, training, mutual legal assistance; then the questions, each with the answer the data suggests and the
/// member's own.
public struct NationalReport: Sendable, Encodable {
    public var member: MemberCode
    public var memberName: String
    public var fromYear: Int
    public var toYear: Int
    public var generatedAt: Date
    public var contacts: [PointOfContact]
    public var marking: Marking
    public var tracing: [TraceStatistics]
    public var stockpile: Stockpile
    public var assistance: Assistance
    public var training: Training
    public var legalAssistance: LegalAssistance
    public var questions: [Question]

    public struct Marking: Sendable, Encodable {
        /// The member's published schemes in force: "manufacture mark, version 2, from 2019-01-01".
        public var schemes: [String]
        /// The member's records now, by status, statuses without records left out.
        public var recordsByStatus: [String: Int]
        public var recordsHeld: Int
        /// Records the member entered in the period.
        public var recordsEntered: Int
    }

    public struct Stockpile: Sendable, Encodable {
        /// The member's state-held weapons now, by status, statuses without weapons left out.
        public var weaponsByStatus: [String: Int]
        public var checksClosed: Int
        /// Weapons found missing by the period's closed checks.
        public var weaponsMissing: Int
        /// Losses and thefts reported in the period.
        public var losses: Int
        /// Verified destructions in the period, by method.
        public var destroyedByMethod: [String: Int]
        public var weaponsDestroyed: Int
    }

    /// A need the member received help for, or helped with.
    public struct AssistanceLine: Sendable, Encodable {
        public var need: AssistanceNeed.ID
        public var title: String
        public var area: AssistanceArea
        public var paragraph: String
        /// The other party: the provider for assistance received, the requester for assistance given.
        public var counterpart: MemberCode?
        public var status: AssistanceNeed.Status
        public var outcome: String?
    }

    public struct Assistance: Sendable, Encodable {
        /// The member's needs posted or active in the period.
        public var received: [AssistanceLine]
        public var given: [AssistanceLine]
        /// Offers the member has open now.
        public var openOffers: Int
    }

    public struct Training: Sendable, Encodable {
        /// Events the member organised that started in the period.
        public var eventsOrganised: Int
        /// Officials of other members who completed the member's events.
        public var othersTrained: Int
        /// The member's officials who completed training in the period, by topic.
        public var officialsTrained: [String: Int]
    }

    public struct LegalAssistance: Sendable, Encodable {
        public var sent: Int
        public var received: Int
        /// Requests received in the period, by status now.
        public var receivedByStatus: [String: Int]
    }

    public struct Question: Sendable, Encodable {
        public var id: String
        /// "PoA II 4", "ITI 8(a)".
        public var paragraph: String
        public var text: String
        /// What the data suggests, with why; `nil` when the data does not say.
        public var suggested: ReportAnswer?
        public var basis: String
        public var answer: ReportAnswer?
        public var comment: String?
    }

    /// What the draft is computed from: each part fetched for the member by the service.
    public struct Sources: Sendable {
        public var member: MemberCode
        public var memberName: String
        public var fromYear: Int
        public var toYear: Int
        public var now: Date
        public var contacts: [PointOfContact]
        public var schemes: [MarkingScheme]
        public var records: RecordTally.Counts
        public var tracing: [TraceStatistics]
        public var stock: StockReport
        public var needs: [AssistanceNeed]
        public var offers: [AssistanceOffer]
        public var events: [TrainingEvent]
        public var legal: [LegalAssistanceRequest]
        public var answers: NationalReportAnswers?

        public init(
            member: MemberCode,
            memberName: String,
            fromYear: Int,
            toYear: Int,
            now: Date,
            contacts: [PointOfContact],
            schemes: [MarkingScheme],
            records: RecordTally.Counts,
            tracing: [TraceStatistics],
            stock: StockReport,
            needs: [AssistanceNeed],
            offers: [AssistanceOffer],
            events: [TrainingEvent],
            legal: [LegalAssistanceRequest],
            answers: NationalReportAnswers?
        ) {
            self.member = member
            self.memberName = memberName
            self.fromYear = fromYear
            self.toYear = toYear
            self.now = now
            self.contacts = contacts
            self.schemes = schemes
            self.records = records
            self.tracing = tracing
            self.stock = stock
            self.needs = needs
            self.offers = offers
            self.events = events
            self.legal = legal
            self.answers = answers
        }
    }

    /// The draft for `sources`' member and period.
    public static func draft(_ sources: Sources) -> NationalReport {
        let member = sources.member
        let years = sources.fromYear...sources.toYear
        func inPeriod(_ date: Date) -> Bool { years.contains(CalendarDate(date).year) }

        var recordsByStatus: [String: Int] = [:]
        for (key, count) in sources.records.byStatusAndCategory { recordsByStatus[key.status.rawValue, default: 0] += count }
        let entered = sources.records.enteredByMonth.filter { years.contains(Int($0.key.prefix(4)) ?? 0) }.values.reduce(0, +)
        let latest = Dictionary(grouping: sources.schemes.filter { $0.member == member }, by: \.kind).values.compactMap {
            $0.max { $0.version < $1.version }
        }
        let marking = Marking(
            schemes: latest.sorted { $0.kind.rawValue < $1.kind.rawValue }.map {
                "\($0.kind.words), version \($0.version), from \($0.effectiveFrom)"
            },
            recordsByStatus: recordsByStatus,
            recordsHeld: recordsByStatus.values.reduce(0, +),
            recordsEntered: entered
        )

        var weaponsByStatus: [String: Int] = [:]
        for row in sources.stock.stock { weaponsByStatus[row.status.rawValue, default: 0] += row.count }
        let closed = sources.stock.checks.filter { $0.closedAt != nil }
        let destroyed = sources.stock.destructions.filter { years.contains($0.year) }
        var byMethod: [String: Int] = [:]
        for row in destroyed { byMethod[row.method.rawValue, default: 0] += row.weapons }
        let stockpile = Stockpile(
            weaponsByStatus: weaponsByStatus,
            checksClosed: closed.count,
            weaponsMissing: closed.compactMap(\.missing).reduce(0, +),
            losses: sources.stock.losses.count,
            destroyedByMethod: byMethod,
            weaponsDestroyed: byMethod.values.reduce(0, +)
        )

        func line(_ need: AssistanceNeed, counterpart: MemberCode?) -> AssistanceLine {
            AssistanceLine(
                need: need.id,
                title: need.title,
                area: need.area,
                paragraph: need.paragraph,
                counterpart: counterpart,
                status: need.status,
                outcome: need.outcome
            )
        }
        // A need counts in the period when it was posted in it or took a step in it.
        let active = sources.needs.filter { need in need.steps.contains { inPeriod($0.at) } && need.status != .withdrawn }
        let assistance = Assistance(
            received: active.filter { $0.member == member }.map { line($0, counterpart: $0.provider) },
            given: active.filter { $0.provider == member && $0.status != .proposed }.map { line($0, counterpart: $0.member) },
            openOffers: sources.offers.filter { $0.member == member && $0.status == .open }.count
        )

        let organised = sources.events.filter { $0.organiser == member && years.contains($0.start.year) }
        var officialsTrained: [String: Int] = [:]
        for event in sources.events where years.contains(event.start.year) {
            for participant in event.participants where participant.member == member && participant.status == .completed {
                officialsTrained[event.topic.rawValue, default: 0] += 1
            }
        }
        let training = Training(
            eventsOrganised: organised.count,
            othersTrained: organised.flatMap(\.participants).filter { $0.member != member && $0.status == .completed }.count,
            officialsTrained: officialsTrained
        )

        let legalInPeriod = sources.legal.filter { inPeriod($0.createdAt) }
        let received = legalInPeriod.filter { $0.requested == member }
        var receivedByStatus: [String: Int] = [:]
        for request in received { receivedByStatus[request.status.rawValue, default: 0] += 1 }
        let legal = LegalAssistance(
            sent: legalInPeriod.filter { $0.requester == member }.count,
            received: received.count,
            receivedByStatus: receivedByStatus
        )

        var report = NationalReport(
            member: member,
            memberName: sources.memberName,
            fromYear: sources.fromYear,
            toYear: sources.toYear,
            generatedAt: sources.now,
            contacts: sources.contacts,
            marking: marking,
            tracing: sources.tracing,
            stockpile: stockpile,
            assistance: assistance,
            training: training,
            legalAssistance: legal,
            questions: []
        )
        report.questions = Self.questions.map { template in
            let (suggested, basis) = template.suggest(report)
            return Question(
                id: template.id,
                paragraph: template.paragraph,
                text: template.text,
                suggested: suggested,
                basis: basis,
                answer: sources.answers?.answers[template.id],
                comment: sources.answers?.comments[template.id]
            )
        }
        return report
    }

    /// A question of the template and how the data suggests its answer.
    struct QuestionTemplate: Sendable {
        var id: String
        var paragraph: String
        var text: String
        var suggest: @Sendable (NationalReport) -> (ReportAnswer?, String)
    }

    /// The ids of the questions, in order: what an answer may name.
    public static var questionIDs: [String] { questions.map(\.id) }

    static let questions: [QuestionTemplate] = [
        QuestionTemplate(id: "coordination_agency", paragraph: "PoA II 4", text: "Has a national coordination agency been established?") {
            contact($0, .nationalCoordinationAgency)
        },
        QuestionTemplate(id: "point_of_contact", paragraph: "PoA II 5", text: "Has a national point of contact been designated?") {
            contact($0, .poa)
        },
        QuestionTemplate(id: "marking_at_manufacture", paragraph: "ITI 8(a)", text: "Are small arms marked at manufacture with a unique marking?") {
            scheme($0, .manufacture)
        },
        QuestionTemplate(id: "marking_on_import", paragraph: "ITI 8(b)", text: "Are imported small arms marked on import?") {
            scheme($0, .import)
        },
        QuestionTemplate(
            id: "record_keeping",
            paragraph: "ITI 11-12",
            text: "Are records kept of the small arms on the territory, and of those lost, stolen, seized?"
        ) {
            $0.marking.recordsHeld > 0
                ? (.yes, "\($0.marking.recordsHeld) records held in ArmsTrace, \($0.marking.recordsEntered) entered in the period")
                : (nil, "no records in ArmsTrace")
        },
        QuestionTemplate(id: "tracing_contact", paragraph: "ITI 25", text: "Has a point of contact for tracing been designated?") {
            contact($0, .itiTracing)
        },
        QuestionTemplate(id: "tracing_answered", paragraph: "ITI 17", text: "Are tracing requests from other states answered?") { report in
            let received = report.tracing.map(\.received.requests).reduce(0, +)
            let answered = report.tracing.map(\.received.hoursToAnswer.count).reduce(0, +)
            if received == 0 { return (nil, "no tracing requests received in the period") }
            return (answered == received ? .yes : .developing, "\(answered) of \(received) requests received in the period answered")
        },
        QuestionTemplate(id: "stockpile_checks", paragraph: "PoA II 17", text: "Are stockpiles of state-held weapons regularly checked?") {
            $0.stockpile.checksClosed > 0
                ? (.yes, "\($0.stockpile.checksClosed) stock checks closed in the period") : (nil, "no stock check closed in the period")
        },
        QuestionTemplate(id: "destruction", paragraph: "PoA II 18, III 14", text: "Are surplus, seized and collected weapons destroyed?") {
            $0.stockpile.weaponsDestroyed > 0
                ? (.yes, "\($0.stockpile.weaponsDestroyed) weapons destroyed and verified in the period")
                : (nil, "no verified destruction in the period")
        },
        QuestionTemplate(id: "assistance", paragraph: "PoA III 6", text: "Has the state given or received assistance?") {
            let count = $0.assistance.received.filter { $0.status != .proposed }.count + $0.assistance.given.count
            return count > 0 ? (.yes, "\(count) needs matched, in progress or completed in the period") : (nil, "no assistance matched in the period")
        },
        QuestionTemplate(id: "training", paragraph: "PoA III 7-8", text: "Have officials taken part in training on small arms control?") {
            let trained = $0.training.officialsTrained.values.reduce(0, +)
            return trained > 0
                ? (.yes, "\(trained) officials completed training in the period") : (nil, "no completed training recorded in the period")
        },
        QuestionTemplate(id: "legal_assistance", paragraph: "PoA III 13", text: "Has mutual legal assistance been given in small arms cases?") {
            let executed = ($0.legalAssistance.receivedByStatus["executed"] ?? 0) + ($0.legalAssistance.receivedByStatus["partly_executed"] ?? 0)
            if $0.legalAssistance.received == 0 { return (nil, "no requests received in the period") }
            return (
                executed > 0 ? .yes : nil, "\(executed) of \($0.legalAssistance.received) requests received in the period executed in whole or part"
            )
        },
    ]

    private static func contact(_ report: NationalReport, _ role: PointOfContact.Role) -> (ReportAnswer?, String) {
        if let entry = report.contacts.first(where: { $0.role == role }) { return (.yes, "\(entry.agency) in the directory") }
        return (nil, "no \(role.words) in the directory")
    }

    private static func scheme(_ report: NationalReport, _ kind: MarkingScheme.Kind) -> (ReportAnswer?, String) {
        if let line = report.marking.schemes.first(where: { $0.hasPrefix(kind.words) }) { return (.yes, "published scheme: \(line)") }
        return (nil, "no \(kind.words) scheme published")
    }
}
