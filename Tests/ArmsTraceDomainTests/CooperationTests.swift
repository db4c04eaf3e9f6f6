import Foundation
import Testing

@testable import ArmsTraceDomain

/// Assistance matching and the lifecycles of needs, training and mutual legal assistance, with the rules each step
/// keeps.
@Suite struct CooperationTests {
    static let ken = MemberCode("KEN")!
    static let uga = MemberCode("UGA")!
    static let unoda = MemberCode("UNODA")!
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func actor(_ member: MemberCode) -> Actor { Actor(userID: .generate(), member: member, role: .admin, channel: .api) }

    static func offer(
        _ member: MemberCode,
        _ title: String,
        areas: [String] = ["stockpile_management"],
        kinds: [String] = ["training"],
        regions: [String] = [],
        budget: Int? = nil,
        start: String? = nil,
        end: String? = nil,
        age: TimeInterval = 0
    ) throws -> AssistanceOffer {
        try AssistanceOfferInput(title: title, areas: areas, kinds: kinds, regions: regions, budgetUsd: budget, start: start, end: end)
            .validated(by: actor(member), at: now.addingTimeInterval(-age))
    }

    /// Kenya needs US$ 50,000 of stockpile-management training in 2027. Six offers: the one that fits on every count
    /// comes first, one outside Kenya's region next, a small fund after; an offer for another area, Kenya's own
    /// offer and a closed offer are not proposed at all.
    @Test func matchingRanksOffersByAreaRegionKindSizeAndTiming() throws {
        let need = try AssistanceNeedInput(
            area: "stockpile_management",
            kinds: ["training"],
            title: "Train armoury staff in PSSM",
            budgetUsd: 50_000,
            start: "2027-03-01",
            end: "2027-06-30",
            paragraph: "III 8"
        ).validated(by: Self.actor(Self.ken), at: Self.now)
        #expect(need.region == .africa)
        let fits = try Self.offer(Self.unoda, "UNSCAR PSSM courses", regions: ["africa"], budget: 100_000, start: "2027-01-01", end: "2027-12-31")
        let elsewhere = try Self.offer(
            MemberCode("BRA")!,
            "Latin American PSSM school",
            regions: ["americas"],
            budget: 100_000,
            start: "2027-01-01",
            end: "2027-12-31"
        )
        let smallFund = try Self.offer(
            MemberCode("DEU")!,
            "Small arms fund",
            areas: ["stockpile_management", "destruction"],
            kinds: ["funds"],
            budget: 20_000
        )
        let otherArea = try Self.offer(MemberCode("FRA")!, "Legislative drafting", areas: ["legislation"], kinds: ["expertise"])
        let own = try Self.offer(Self.ken, "Kenya's own courses")
        var closed = try Self.offer(Self.uga, "Closed offer")
        closed.status = .closed

        let ranked = AssistanceMatching.rank(need, among: [smallFund, otherArea, own, closed, elsewhere, fits])
        #expect(ranked.map(\.offer.title) == ["UNSCAR PSSM courses", "Latin American PSSM school", "Small arms fund"])
        #expect(ranked.map(\.score) == [100, 80, 66])  // 40 + 15 (every region) + 0 (funds) + 6 (40% of the size) + 5 (timing open)
        #expect(
            ranked[0].reasons == [
                "covers stockpile management and security", "works in Africa", "brings training as asked", "covers the whole US$ 50,000",
                "available when needed (2027-03-01 to 2027-06-30)",
            ]
        )
        #expect(ranked[1].reasons[1] == "works in Americas, not in Africa")
        #expect(ranked[2].reasons[2] == "brings funds, not training")
        #expect(ranked[2].reasons[3] == "covers US$ 20,000 of the US$ 50,000 asked (40%)")
        #expect(ranked[2].reasons[4] == "timing open")

        // Equal scores: the older offer first.
        let older = try Self.offer(Self.uga, "Older twin", age: 3600)
        let newer = try Self.offer(MemberCode("TZA")!, "Newer twin")
        #expect(AssistanceMatching.rank(need, among: [newer, older]).map(\.offer.title) == ["Older twin", "Newer twin"])
    }

    /// proposed → matched → in progress → completed, each step by the party it belongs to.
    @Test func aNeedMovesThroughItsLifecycleWithItsParties() throws {
        let kenya = Self.actor(Self.ken)
        let unoda = Self.actor(Self.unoda)
        let uganda = Self.actor(Self.uga)
        let need = try AssistanceNeedInput(area: "stockpile_management", title: "PSSM", detailsPublic: false)
            .validated(by: kenya, at: Self.now)
        let offer = try Self.offer(Self.unoda, "Courses")
        #expect(throws: DomainError.self) { try need.taking(.matched, offer: offer, note: nil, by: unoda, at: Self.now) }
        #expect(throws: DomainError.self) { try need.taking(.inProgress, note: nil, by: kenya, at: Self.now) }
        #expect(throws: DomainError.self) {
            try need.taking(.matched, offer: try Self.offer(Self.unoda, "Laws", areas: ["legislation"]), note: nil, by: kenya, at: Self.now)
        }
        let matched = try need.taking(.matched, offer: offer, note: nil, by: kenya, at: Self.now)
        #expect(matched.provider == Self.unoda && matched.parties == [Self.ken, Self.unoda])
        let started = try matched.taking(.inProgress, note: "first course booked", by: unoda, at: Self.now)
        #expect(throws: DomainError.invalid(field: "note", "say what the assistance achieved: the outcome")) {
            try started.taking(.completed, note: "  ", by: kenya, at: Self.now)
        }
        #expect(throws: DomainError.self) { try started.taking(.completed, note: "done", by: uganda, at: Self.now) }
        let completed = try started.taking(.completed, note: "24 armourers trained", by: unoda, at: Self.now)
        #expect(completed.status == .completed && completed.outcome == "24 armourers trained")
        #expect(completed.steps.map(\.status) == [.proposed, .matched, .inProgress, .completed])
        #expect(throws: DomainError.self) { try completed.taking(.withdrawn, note: nil, by: kenya, at: Self.now) }

        // Details limited to the parties: Uganda sees that the need exists, not what it says.
        let seen = completed.visible(to: Self.uga)
        #expect(seen.outcome == nil && seen.steps.allSatisfy { $0.note == nil } && seen.status == .completed)
        #expect(completed.visible(to: Self.unoda) == completed)
    }

    /// Sent → acknowledged → partly executed → executed; refusal needs grounds; each side takes only its own steps;
    /// nothing follows a final status; the conditions stay with each answer.
    @Test func aLegalAssistanceRequestFollowsItsLifecycle() throws {
        let kenya = Self.actor(Self.ken)
        let uganda = Self.actor(Self.uga)
        let request = try LegalAssistanceInput(
            requested: "uga",
            reference: "KE/CID/2026/114",
            legalBasis: "Nairobi Protocol, art. 17",
            assistance: ["documents", "evidence"],
            description: "Copies of the export licences of rifles S612345 and S612346",
            urgency: "urgent",
            records: [WeaponRecord.ID.generate().description],
            conditions: "For the investigation only; not for publication"
        ).validated(by: kenya, at: Self.now)
        #expect(request.requested == Self.uga && request.status == .sent && request.steps.count == 1)
        #expect(throws: DomainError.self) { try request.taking(.acknowledge, text: nil, conditions: nil, by: kenya, at: Self.now) }
        #expect(throws: DomainError.self) { try request.taking(.withdraw, text: nil, conditions: nil, by: uganda, at: Self.now) }
        let acknowledged = try request.taking(.acknowledge, text: nil, conditions: nil, by: uganda, at: Self.now)
        #expect(throws: DomainError.self) { try acknowledged.taking(.acknowledge, text: nil, conditions: nil, by: uganda, at: Self.now) }
        #expect(throws: DomainError.invalid(field: "text", "give the answer: what is provided, or where it was sent")) {
            try acknowledged.taking(.partlyExecute, text: nil, conditions: nil, by: uganda, at: Self.now)
        }
        let partly = try acknowledged.taking(
            .partlyExecute,
            text: "Licence UG-EX-2019-77 attached; the second is being searched for",
            conditions: "Not to be used as evidence without a further request",
            by: uganda,
            at: Self.now
        )
        #expect(throws: DomainError.self) { try partly.taking(.refuse, text: "late", conditions: nil, by: uganda, at: Self.now) }
        let executed = try partly.taking(.execute, text: "Licence UG-EX-2019-78 attached", conditions: nil, by: uganda, at: Self.now)
        #expect(executed.status == .executed && executed.status.isFinal)
        #expect(executed.steps.map(\.status) == [.sent, .acknowledged, .partlyExecuted, .executed])
        #expect(executed.steps[2].conditions == "Not to be used as evidence without a further request")
        #expect(throws: DomainError.self) { try executed.taking(.withdraw, text: nil, conditions: nil, by: kenya, at: Self.now) }

        #expect(throws: DomainError.invalid(field: "text", "give the grounds for refusal")) {
            try request.taking(.refuse, text: nil, conditions: nil, by: uganda, at: Self.now)
        }
        let refused = try request.taking(.refuse, text: "Dual criminality not met", conditions: nil, by: uganda, at: Self.now)
        #expect(refused.status == .refused && refused.steps.last?.text == "Dual criminality not met")
        #expect(try request.taking(.withdraw, text: nil, conditions: nil, by: kenya, at: Self.now).status == .withdrawn)
    }

    @Test func aLegalAssistanceRequestNamesEveryFieldAtFault() {
        #expect(throws: DomainError.self) {
            try LegalAssistanceInput(requested: "KEN", reference: "", legalBasis: "", assistance: ["x"], description: "", records: ["nope"])
                .validated(by: Self.actor(Self.ken), at: Self.now)
        }
        do {
            _ = try LegalAssistanceInput(requested: "KEN", reference: "", legalBasis: "", assistance: ["x"], description: "", records: ["nope"])
                .validated(by: Self.actor(Self.ken), at: Self.now)
        } catch DomainError.invalid(let problems) {
            #expect(problems.map(\.field) == ["requested", "reference", "legal_basis", "assistance[0]", "description", "records[0]"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Seats run out; the organiser records completion once the event has started; another member sees only its own.
    @Test func trainingKeepsItsSeatsAndItsOrganisersRecord() throws {
        let unoda = Self.actor(Self.unoda)
        let kenya = Self.actor(Self.ken)
        let uganda = Self.actor(Self.uga)
        let event = try TrainingEventInput(
            programme: "Regional PSSM course",
            title: "PSSM for armourers",
            topic: "stockpile_management",
            start: "2027-03-01",
            end: "2027-03-05",
            place: "Nairobi",
            seats: 2,
            language: "EN"
        ).validated(by: unoda, at: Self.now)
        #expect(event.language == "en")
        let one = try event.registering(name: "Insp. Wanjiru", post: "armourer, Kenya Police", by: kenya, at: Self.now)
        #expect(throws: DomainError.self) { try one.registering(name: "insp. wanjiru", post: "armourer", by: kenya, at: Self.now) }
        let two = try one.registering(name: "Sgt. Okello", post: "armourer, UPDF", by: uganda, at: Self.now)
        #expect(throws: DomainError.invalid(field: "event", "all 2 seats are taken")) {
            try two.registering(name: "Cpl. Mutua", post: "storeman", by: kenya, at: Self.now)
        }
        let kenyan = two.participants[0].id
        #expect(throws: DomainError.self) { try two.recording(.completed, of: kenyan, by: unoda, at: Self.now) }  // not started yet
        let during = CalendarDate(year: 2027, month: 3, day: 2)!.startOfDay
        #expect(throws: DomainError.self) { try two.recording(.completed, of: kenyan, by: kenya, at: during) }
        #expect(throws: DomainError.self) { try two.recording(.withdrawn, of: kenyan, by: uganda, at: during) }
        let done = try two.recording(.completed, of: kenyan, by: unoda, at: during)
        #expect(done.participants[0].status == .completed)
        #expect(done.visible(to: Self.ken).participants.map(\.name) == ["Insp. Wanjiru"])
        #expect(done.visible(to: Self.unoda).participants.count == 2)
        #expect(done.parties == [Self.unoda, Self.ken, Self.uga])
        #expect(throws: DomainError.self) {
            try done.registering(name: "Late", post: "x", by: kenya, at: CalendarDate(year: 2027, month: 3, day: 6)!.startOfDay)
        }
    }

    @Test func everyCountryButAntarcticaHasARegion() {
        let without = Countries.codes.filter { Region.of($0) == nil }
        #expect(without == ["ATA"])
        #expect(Region.of("KEN") == .africa && Region.of("BRA") == .americas && Region.of("PHL") == .asia)
        #expect(Region.of("DEU") == .europe && Region.of("FJI") == .oceania && Region.of("UNODA") == nil)
    }
}
