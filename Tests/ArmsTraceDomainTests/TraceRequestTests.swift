import ArmsTraceDomain
import Foundation
import Testing

/// The trace request state machine (ITI section V), its completeness rule, its deadline clock, and the statistics'
/// arithmetic, all without storage and with explicit times.
@Suite struct TraceRequestTests {
    static let ken = MemberCode("KEN")!
    static let bel = MemberCode("BEL")!
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    static func hours(_ count: Double) -> Date { t0.addingTimeInterval(count * 3600) }

    static var weapon: TraceWeapon {
        TraceWeapon(
            WeaponRecord(
                id: .generate(at: t0),
                owner: ken,
                version: 1,
                details: WeaponRecord.Details(
                    externalRef: "KEN-1",
                    category: .revolverPistol,
                    make: "FN Herstal",
                    model: "Browning HP",
                    calibre: "9x19mm",
                    serialNumber: "245PM12345",
                    markings: [Marking(kind: .manufacture, text: "FN HERSTAL BELGIUM 245PM12345")],
                    countryOfManufacture: "BEL",
                    status: .seized
                ),
                createdAt: t0,
                updatedAt: t0
            )
        )
    }

    static var complete: TraceRequest.Particulars {
        TraceRequest.Particulars(
            priority: .routine,
            grounds: [.illicitUnderLawWhereFound],
            legalBasis: "Firearms Act, s. 4",
            circumstances: "Found in a vehicle at the Busia crossing",
            intendedUse: "Criminal investigation CR/12/2026"
        )
    }

    static func draft(_ particulars: TraceRequest.Particulars = complete) -> TraceRequest {
        TraceRequest(
            id: .generate(at: t0),
            requester: ken,
            requested: bel,
            recordID: .generate(at: t0),
            particulars: particulars,
            weapon: weapon,
            createdAt: t0
        )
    }

    /// A request brought to `status` through the legal steps, at one-hour intervals.
    static func request(in status: TraceStatus) throws -> TraceRequest {
        var request = draft()
        let send = TraceAction.send(weapon: weapon, policy: .standard)
        let paths: [TraceStatus: [(TraceAction, TraceSide)]] = [
            .draft: [],
            .sent: [(send, .requesting)],
            .acknowledged: [(send, .requesting), (.acknowledge, .requested)],
            .informationRequested: [(send, .requesting), (.requestInformation(question: "Photo of the slide?"), .requested)],
            .delayed: [(send, .requesting), (.delay(.init(ground: .ongoingInvestigation, expectedBy: hours(1000))), .requested)],
            .answered: [(send, .requesting), (.answer(answer), .requested)],
            .declined: [(send, .requesting), (.decline(.init(ground: .nationalSecurity)), .requested)],
            .withdrawn: [(.withdraw(reason: "Duplicate"), .requesting)],
            .closed: [(send, .requesting), (.answer(answer), .requested), (.close(TraceOutcome(originEstablished: true)), .requesting)],
        ]
        for (index, (action, side)) in try #require(paths[status]).enumerated() {
            _ = try request.apply(action, by: side, at: hours(Double(index)))
        }
        #expect(request.status == status)
        return request
    }

    static var answer: TraceAnswer {
        TraceAnswer(
            chainOfCustody: [
                CustodyEntry(kind: .manufacture, date: CalendarDate("2009-03-02"), party: "FN Herstal", country: "BEL"),
                CustodyEntry(kind: .export, date: CalendarDate("2010-06-15"), party: "FN Herstal", country: "BEL", document: "BE-EXP-2010-4471"),
            ],
            lastLegalHolder: "Ministry of Interior, Kenya",
            pointOfDiversionEstablished: true,
            pointOfDiversion: "Reported lost from a police armoury in 2018"
        )
    }

    static func action(_ step: TraceStep) -> TraceAction {
        switch step {
        case .revise: .revise(requested: bel, particulars: complete)
        case .send: .send(weapon: weapon, policy: .standard)
        case .acknowledge: .acknowledge
        case .requestInformation: .requestInformation(question: "Photos of the frame, please")
        case .provideInformation: .provideInformation(text: "Attached")
        case .delay: .delay(.init(ground: .ongoingInvestigation, expectedBy: hours(2000)))
        case .answer: .answer(answer)
        case .decline: .decline(.init(ground: .confidentialityLaw))
        case .withdraw: .withdraw(reason: nil)
        case .close: .close(TraceOutcome(originEstablished: false))
        case .message: .message(text: "Any news?", attachments: [])
        }
    }

    /// The lifecycle as the issue states it, written out by hand: for each side and status, the steps allowed and
    /// the status each leads to. Everything not listed is refused.
    static let allowed: [TraceSide: [TraceStatus: [TraceStep: TraceStatus]]] = [
        .requesting: [
            .draft: [.revise: .draft, .send: .sent, .withdraw: .withdrawn],
            .sent: [.withdraw: .withdrawn, .message: .sent],
            .acknowledged: [.withdraw: .withdrawn, .message: .acknowledged],
            .informationRequested: [.provideInformation: .acknowledged, .withdraw: .withdrawn, .message: .informationRequested],
            .delayed: [.withdraw: .withdrawn, .message: .delayed],
            .answered: [.close: .closed, .message: .answered],
            .declined: [.close: .closed, .message: .declined],
            .withdrawn: [.message: .withdrawn],
            .closed: [.message: .closed],
        ],
        .requested: [
            .draft: [:],
            .sent: [
                .acknowledge: .acknowledged, .requestInformation: .informationRequested, .delay: .delayed, .answer: .answered,
                .decline: .declined, .message: .sent,
            ],
            .acknowledged: [
                .requestInformation: .informationRequested, .delay: .delayed, .answer: .answered, .decline: .declined, .message: .acknowledged,
            ],
            .informationRequested: [.answer: .answered, .decline: .declined, .message: .informationRequested],
            .delayed: [.requestInformation: .informationRequested, .delay: .delayed, .answer: .answered, .decline: .declined, .message: .delayed],
            .answered: [.message: .answered],
            .declined: [.message: .declined],
            .withdrawn: [.message: .withdrawn],
            .closed: [.message: .closed],
        ],
    ]

    @Test(arguments: TraceSide.allCases, TraceStatus.allCases)
    func everyStepIsAllowedOrRefusedAsTheLifecycleSays(side: TraceSide, status: TraceStatus) throws {
        let expected = try #require(Self.allowed[side]?[status])
        for step in TraceStep.allCases {
            var request = try Self.request(in: status)
            let before = request
            let at = Self.hours(100)
            if let next = expected[step] {
                let content = try request.apply(Self.action(step), by: side, at: at)
                #expect(request.status == next, "\(side) \(step) from \(status)")
                #expect(request.version == before.version + 1)
                #expect(content.kind == step.event && content.status == next)
            } else {
                #expect(throws: DomainError.self, "\(side) \(step) from \(status) must be refused") {
                    try request.apply(Self.action(step), by: side, at: at)
                }
                #expect(request == before, "a refused step changes nothing")
            }
            #expect(before.allowedSteps(for: side).contains(step) == (expected[step] != nil), "allowed steps list \(step)")
        }
    }

    @Test func aStepOfTheOtherSideIsForbiddenAndAWrongStatusIsAConflict() throws {
        var sent = try Self.request(in: .sent)
        #expect(throws: DomainError.forbidden("only the requested member (BEL) may acknowledge (step 'acknowledge')")) {
            try sent.apply(.acknowledge, by: .requesting, at: Self.hours(2))
        }
        var closed = try Self.request(in: .closed)
        #expect(throws: DomainError.conflict("the step 'answer' is not allowed on a request that is closed; your side may: message")) {
            try closed.apply(.answer(Self.answer), by: .requested, at: Self.hours(9))
        }
    }

    @Test func anIncompleteRequestIsRefusedWithTheMissingFieldsNamed() throws {
        var request = Self.draft(TraceRequest.Particulars(priority: .urgent, legalBasis: "  "))
        var weapon = Self.weapon
        weapon.model = nil
        weapon.markings = []
        do {
            _ = try request.apply(.send(weapon: weapon, policy: .standard), by: .requesting, at: Self.t0)
            Issue.record("an incomplete request was sent")
        } catch DomainError.invalid(let problems) {
            #expect(
                problems.map(\.field) == [
                    "grounds", "legal_basis", "circumstances", "intended_use", "urgency_justification", "weapon.model", "weapon.markings",
                ]
            )
        }
        #expect(request.status == .draft)
        #expect(request.sentAt == nil)

        var obliterated = Self.weapon
        obliterated.serialNumber = nil
        obliterated.serialObliterated = .yes
        var complete = Self.draft()
        _ = try complete.apply(.send(weapon: obliterated, policy: .standard), by: .requesting, at: Self.t0)
        #expect(complete.status == .sent, "an obliterated serial is not required when the markings identify the weapon")
    }

    @Test func theDeadlineClock() throws {
        var request = Self.draft()
        _ = try request.apply(.send(weapon: Self.weapon, policy: .standard), by: .requesting, at: Self.t0)
        #expect(request.deadlines == TraceRequest.Deadlines(acknowledgeBy: Self.hours(120), answerBy: Self.hours(720)), "routine: 5 and 30 days")
        #expect(request.passedDeadlines(at: Self.hours(120)).isEmpty, "due at the deadline itself is not yet late")
        #expect(request.passedDeadlines(at: Self.hours(121)).map(\.kind) == [.acknowledge])

        // Asking for information acknowledges, and stops the answer clock for the 100 hours the requester takes.
        _ = try request.apply(.requestInformation(question: "Photos?"), by: .requested, at: Self.hours(200))
        #expect(request.acknowledgedAt == Self.hours(200))
        #expect(request.passedDeadlines(at: Self.hours(5000)).isEmpty, "no answer is owed while information is awaited")
        _ = try request.apply(.provideInformation(text: "Attached"), by: .requesting, at: Self.hours(300))
        #expect(request.deadlines?.answerBy == Self.hours(820))
        #expect(request.passedDeadlines(at: Self.hours(821)).map(\.kind) == [.answer])

        // A delay moves the answer deadline to the expected date.
        _ = try request.apply(.delay(.init(ground: .ongoingInvestigation, expectedBy: Self.hours(1500))), by: .requested, at: Self.hours(400))
        #expect(request.deadlines?.answerBy == Self.hours(1500))
        #expect(throws: DomainError.self, "a delay into the past") {
            try request.apply(.delay(.init(ground: .ongoingInvestigation, expectedBy: Self.hours(300))), by: .requested, at: Self.hours(400))
        }
        _ = try request.apply(.answer(Self.answer), by: .requested, at: Self.hours(1400))
        #expect(request.passedDeadlines(at: Self.hours(9000)).isEmpty)

        var urgent = Self.draft(
            {
                var p = Self.complete
                p.priority = .urgent
                p.urgencyJustification = "Suspect in custody for 48 hours"
                return p
            }()
        )
        _ = try urgent.apply(.send(weapon: Self.weapon, policy: .standard), by: .requesting, at: Self.t0)
        #expect(urgent.deadlines == TraceRequest.Deadlines(acknowledgeBy: Self.hours(24), answerBy: Self.hours(48)))
        #expect(urgent.passedDeadlines(at: Self.hours(49)).map(\.kind) == [.acknowledge, .answer])
    }

    @Test func deadlinePoliciesAreChecked() {
        #expect(throws: Never.self) { try TraceDeadlinePolicy.standard.validate() }
        let bad = TraceDeadlinePolicy(urgent: .init(acknowledgeHours: 0, answerHours: 900), routine: .init(acknowledgeHours: 48, answerHours: 24))
        #expect(
            throws: DomainError.invalid([
                FieldError(field: "urgent.acknowledge_hours", message: "must be from 1 to 8784 hours, got 0"),
                FieldError(field: "routine.answer_hours", message: "must not be shorter than acknowledge_hours"),
                FieldError(field: "urgent.answer_hours", message: "must not be longer than routine.answer_hours"),
            ])
        ) { try bad.validate() }
    }

    @Test func anAnswerNeedsAChainAndADescribedPointOfDiversion() {
        let empty = TraceAnswer(chainOfCustody: [], pointOfDiversionEstablished: true)
        #expect(empty.problems.map(\.field) == ["chain_of_custody", "point_of_diversion"])
        let badEntry = TraceAnswer(chainOfCustody: [CustodyEntry(kind: .import, party: " ", country: "XXX")], pointOfDiversionEstablished: false)
        #expect(badEntry.problems.map(\.field) == ["chain_of_custody[0].party", "chain_of_custody[0].country"])
        #expect(Self.answer.problems.isEmpty)
    }

    @Test func addresseesComeFromTheRecordAndItsMarks() {
        let record = WeaponRecord(
            id: .generate(),
            owner: Self.ken,
            version: 1,
            details: WeaponRecord.Details(
                externalRef: "KEN-2",
                category: .assaultRifle,
                make: "Norinco",
                markings: [
                    Marking(kind: .manufacture, text: "Norinco 56-1 5612345"),
                    Marking(kind: .import, text: "UGA 2011"),
                    Marking(kind: .state, text: "KEN POLICE"),
                    Marking(kind: .other, text: "SUDAN ARM 77"),
                ],
                countryOfManufacture: "CHN",
                importCountry: "UGA",
                status: .seized
            ),
            createdAt: Date(),
            updatedAt: Date()
        )
        let candidates = TraceAddressee.candidates(for: record)
        #expect(candidates.map(\.code) == ["CHN", "UGA", "ARM"], "the owner (KEN) is left out; marks name further countries")
        #expect(candidates[1].reasons == ["country of last legal import", "import mark UGA 2011"])
    }

    @Test func draftInputIsCheckedForForm() {
        let input = TraceRequestInput(recordId: nil, requested: "KEN", priority: "soon", grounds: ["embargo_breach", "stolen"])
        #expect(
            throws: DomainError.invalid([
                FieldError(field: "requested", message: "a member cannot send a trace request to itself"),
                FieldError(field: "priority", message: "must be routine or urgent, got 'soon'"),
                FieldError(
                    field: "grounds[1]",
                    message: "'stolen' is not an ITI ground; use one of: " + IllicitGround.allCases.map(\.rawValue).joined(separator: ", ")
                ),
            ])
        ) { try input.validated(requester: Self.ken) }
    }

    // MARK: - Statistics

    @Test func sdg1642ArithmeticOnAHandCheckedExample() {
        // 6 seized + 2 found + 2 surrendered = 10 weapons; 3 of them traced to an established origin: 30 %.
        let indicator = TraceStatistics.SDG1642(SeizureCounts(seized: 6, found: 2, surrendered: 2, originEstablished: 3))
        #expect(indicator.total == 10)
        #expect(indicator.originEstablished == 3)
        #expect(indicator.percent == 30)
        #expect(TraceStatistics.SDG1642(SeizureCounts(seized: 0, found: 0, surrendered: 0, originEstablished: 0)).percent == nil)
        let third = TraceStatistics.SDG1642(SeizureCounts(seized: 3, found: 0, surrendered: 0, originEstablished: 1)).percent ?? 0
        #expect(abs(third - 100.0 / 3) < 1e-9)
    }

    @Test func durationsUseTheNearestRank() {
        let durations = TraceStatistics.Durations(hours: [10, 1, 9, 2, 8, 3, 7, 4, 6, 5])
        #expect(durations.count == 10)
        #expect(durations.median == 5)
        #expect(durations.p90 == 9)
        #expect(TraceStatistics.Durations(hours: [4]).p90 == 4)
        #expect(TraceStatistics.Durations(hours: []).median == nil)
    }

    @Test func flowsCountTimesDeadlinesAndOutcomes() throws {
        // Sent by KEN: one answered in 10 hours (in time), one answered after its 48-hour urgent deadline and
        // closed with the origin established, one unanswered past its deadline, one declined.
        var inTime = try Self.request(in: .sent)
        _ = try inTime.apply(.answer(Self.answer), by: .requested, at: Self.hours(10))
        var late = Self.draft(
            {
                var p = Self.complete
                p.priority = .urgent
                p.urgencyJustification = "Custody"
                return p
            }()
        )
        _ = try late.apply(.send(weapon: Self.weapon, policy: .standard), by: .requesting, at: Self.t0)
        _ = try late.apply(.acknowledge, by: .requested, at: Self.hours(2))
        _ = try late.apply(.answer(Self.answer), by: .requested, at: Self.hours(60))
        _ = try late.apply(.close(TraceOutcome(originEstablished: true)), by: .requesting, at: Self.hours(61))
        let unanswered = try Self.request(in: .sent)
        let declined = try Self.request(in: .declined)
        let received = try Self.request(in: .acknowledged)  // KEN → BEL: BEL received it; KEN did not.

        let statistics = TraceStatistics(
            member: Self.ken,
            year: 2026,
            requests: [inTime, late, unanswered, declined, received, Self.draft()],
            seizures: SeizureCounts(seized: 4, found: 0, surrendered: 0, originEstablished: 1),
            now: Self.hours(800)
        )
        #expect(statistics.sent.requests == 5, "drafts do not count")
        #expect(statistics.received.requests == 0)
        #expect(statistics.sent.urgent == 1)
        #expect(statistics.sent.hoursToAnswer == TraceStatistics.Durations(hours: [10, 60]))
        #expect(statistics.sent.hoursToAcknowledge.count == 4, "answering and declining acknowledge too; one is still unacknowledged")
        #expect(
            statistics.sent.answeredWithinDeadline == TraceStatistics.Share(count: 1, total: 4),
            "answered in time 1; late 1; 2 owed past deadline"
        )
        #expect(statistics.sent.originEstablished == 1)
        #expect(statistics.sent.byStatus == ["answered": 1, "closed": 1, "sent": 1, "declined": 1, "acknowledged": 1])
        #expect(statistics.sdg1642.percent == 25)

        let belgium = TraceStatistics(
            member: Self.bel,
            year: 2026,
            requests: [received],
            seizures: .init(seized: 0, found: 0, surrendered: 0, originEstablished: 0),
            now: Self.hours(800)
        )
        #expect(belgium.received.requests == 1)
        #expect(belgium.sent.requests == 0)
    }
}
