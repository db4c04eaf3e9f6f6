public import Foundation

/// The areas in which PoA III 6 asks states to assist each other on request.
public enum AssistanceArea: String, Sendable, Codable, CaseIterable {
    case legislation
    case lawEnforcement = "law_enforcement"
    case markingAndTracing = "marking_and_tracing"
    case recordKeeping = "record_keeping"
    case stockpileManagement = "stockpile_management"
    case destruction
    case informationExchange = "information_exchange"

    public var words: String {
        switch self {
        case .legislation: "legislation and regulations"
        case .lawEnforcement: "law enforcement capacity"
        case .markingAndTracing: "marking and tracing"
        case .recordKeeping: "record-keeping"
        case .stockpileManagement: "stockpile management and security"
        case .destruction: "destruction"
        case .informationExchange: "collection and exchange of information"
        }
    }
}

/// What an offer brings.
public enum AssistanceKind: String, Sendable, Codable, CaseIterable {
    case funds, equipment, expertise, training
}

/// A member's request for assistance (PoA III 6), from posting to completion.
///
/// Everyone sees that a need exists, its area and status; when `detailsPublic` is false only the parties see the
/// description, scope, budget and outcome (see ``visible(to:)``).
public struct AssistanceNeed: CooperationDocument, Equatable {
    public typealias ID = Identifier<AssistanceNeed>
    public static let kind = "assistance_need"

    /// proposed → matched → in progress → completed; withdrawn by its member at any point before completion.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case proposed, matched
        case inProgress = "in_progress"
        case completed, withdrawn

        public var words: String { self == .inProgress ? "in progress" : rawValue }
    }

    /// A change of status, by whom and why.
    public struct Step: Sendable, Equatable, Codable {
        public var at: Date
        public var member: MemberCode
        public var userID: User.ID?
        public var status: Status
        public var note: String?
    }

    public var id: ID
    public var member: MemberCode
    public var region: Region?
    public var area: AssistanceArea
    /// What would help; empty for any.
    public var kinds: [AssistanceKind]
    public var title: String
    public var description: String?
    public var scope: String?
    /// Indicative, in US dollars.
    public var budgetUsd: Int?
    public var start: CalendarDate?
    public var end: CalendarDate?
    /// The PoA paragraph the need serves, e.g. "III 8".
    public var paragraph: String
    public var detailsPublic: Bool
    public var status: Status
    /// Once matched: the offer and its member.
    public var offer: AssistanceOffer.ID?
    public var provider: MemberCode?
    public var outcome: String?
    public var steps: [Step]
    public var createdAt: Date
    public var version: Int

    public var owner: MemberCode { member }
    public var parties: [MemberCode] { [member] + (provider.map { [$0] } ?? []) }

    /// The need as `viewer` may see it: the parties see everything, others what `detailsPublic` allows.
    public func visible(to viewer: MemberCode) -> AssistanceNeed {
        guard !detailsPublic, !parties.contains(viewer) else { return self }
        var limited = self
        limited.description = nil
        limited.scope = nil
        limited.budgetUsd = nil
        limited.outcome = nil
        limited.steps = steps.map { Step(at: $0.at, member: $0.member, userID: nil, status: $0.status, note: nil) }
        return limited
    }

    /// The step `actor` takes, or the reason it may not.
    /// - Throws: `.invalid` for a step that does not follow from the status, or lacks what it needs; `.forbidden` for
    ///   a member that is not the party the step belongs to.
    public func taking(
        _ status: Status,
        offer matched: AssistanceOffer? = nil,
        note: String?,
        by actor: Actor,
        at now: Date
    ) throws -> AssistanceNeed {
        let note = note.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
        var next = self
        switch (self.status, status) {
        case (.proposed, .matched):
            guard actor.member == member else { throw DomainError.forbidden("only \(member) accepts an offer for its need") }
            guard let matched else { throw DomainError.invalid(field: "offer", "name the offer to match") }
            guard matched.status == .open, matched.member != member else {
                throw DomainError.invalid(field: "offer", "offer \(matched.id) is not open to this need")
            }
            guard matched.areas.contains(area) else {
                throw DomainError.invalid(field: "offer", "offer \(matched.id) does not cover \(area.words)")
            }
            next.offer = matched.id
            next.provider = matched.member
        case (.matched, .inProgress):
            guard parties.contains(actor.member) else { throw DomainError.forbidden("only the parties start the work") }
        case (.matched, .completed), (.inProgress, .completed):
            guard parties.contains(actor.member) else { throw DomainError.forbidden("only the parties record the outcome") }
            guard let note else { throw DomainError.invalid(field: "note", "say what the assistance achieved: the outcome") }
            next.outcome = note
        case (.proposed, .withdrawn), (.matched, .withdrawn), (.inProgress, .withdrawn):
            guard actor.member == member else { throw DomainError.forbidden("only \(member) withdraws its need") }
        default:
            throw DomainError.invalid(field: "status", "a need that is \(self.status.words) cannot become \(status.words)")
        }
        next.status = status
        next.steps.append(Step(at: now, member: actor.member, userID: actor.userID, status: status, note: note))
        return next
    }
}

/// What a member or organisation offers (PoA III 6 and 14): areas, regions, kinds, how much and when.
public struct AssistanceOffer: CooperationDocument, Equatable {
    public typealias ID = Identifier<AssistanceOffer>
    public static let kind = "assistance_offer"

    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, closed
    }

    public var id: ID
    public var member: MemberCode
    public var title: String
    public var description: String?
    public var areas: [AssistanceArea]
    public var kinds: [AssistanceKind]
    /// Where the offer applies; empty for everywhere.
    public var regions: [Region]
    /// How much one need may draw, in US dollars.
    public var budgetUsd: Int?
    public var start: CalendarDate?
    public var end: CalendarDate?
    public var status: Status
    public var createdAt: Date
    public var version: Int

    public var owner: MemberCode { member }
    public var parties: [MemberCode] { [member] }
}

/// A need as a member writes it.
public struct AssistanceNeedInput: Sendable, Equatable, Decodable {
    public var area: String
    public var kinds: [String]?
    public var title: String
    public var description: String?
    public var scope: String?
    public var budgetUsd: Int?
    public var start: String?
    public var end: String?
    public var paragraph: String?
    public var detailsPublic: Bool?

    public init(
        area: String,
        kinds: [String]? = nil,
        title: String,
        description: String? = nil,
        scope: String? = nil,
        budgetUsd: Int? = nil,
        start: String? = nil,
        end: String? = nil,
        paragraph: String? = nil,
        detailsPublic: Bool? = nil
    ) {
        self.area = area
        self.kinds = kinds
        self.title = title
        self.description = description
        self.scope = scope
        self.budgetUsd = budgetUsd
        self.start = start
        self.end = end
        self.paragraph = paragraph
        self.detailsPublic = detailsPublic
    }

    /// The need, posted by `actor` at `now`.
    /// - Throws: `DomainError.invalid` naming every field at fault.
    public func validated(by actor: Actor, at now: Date) throws -> AssistanceNeed {
        var check = InputCheck()
        let area: AssistanceArea? = check.choice(area, "area")
        let kinds: [AssistanceKind] = check.choices(kinds, "kinds")
        let title = check.text(title, "title", required: true)
        let description = check.text(description, "description", limit: 4000)
        let scope = check.text(scope, "scope", limit: 1000)
        let budget = check.number(budgetUsd, "budget_usd", in: 0...1_000_000_000)
        let (start, end) = check.period(start, end, "timeframe")
        let paragraph = check.text(paragraph, "paragraph", limit: 20) ?? "III 6"
        if paragraph.wholeMatch(of: /(PoA )?(I|II|III|IV|ITI) \d{1,2}(\([a-z]\))?/) == nil {
            check.fail("paragraph", "'\(paragraph)' is not a PoA paragraph (\"III 6\", \"II 17\") or ITI paragraph (\"ITI 14\")")
        }
        try check.finish()
        return AssistanceNeed(
            id: .generate(at: now),
            member: actor.member,
            region: Region.of(actor.member.rawValue),
            area: area!,
            kinds: kinds,
            title: title!,
            description: description,
            scope: scope,
            budgetUsd: budget,
            start: start,
            end: end,
            paragraph: paragraph,
            detailsPublic: detailsPublic ?? true,
            status: .proposed,
            offer: nil,
            provider: nil,
            outcome: nil,
            steps: [AssistanceNeed.Step(at: now, member: actor.member, userID: actor.userID, status: .proposed, note: nil)],
            createdAt: now,
            version: 0
        )
    }
}

/// An offer as a member writes it.
public struct AssistanceOfferInput: Sendable, Equatable, Decodable {
    public var title: String
    public var description: String?
    public var areas: [String]
    public var kinds: [String]
    public var regions: [String]?
    public var budgetUsd: Int?
    public var start: String?
    public var end: String?

    public init(
        title: String,
        description: String? = nil,
        areas: [String],
        kinds: [String],
        regions: [String]? = nil,
        budgetUsd: Int? = nil,
        start: String? = nil,
        end: String? = nil
    ) {
        self.title = title
        self.description = description
        self.areas = areas
        self.kinds = kinds
        self.regions = regions
        self.budgetUsd = budgetUsd
        self.start = start
        self.end = end
    }

    /// The offer, posted by `actor` at `now`.
    /// - Throws: `DomainError.invalid` naming every field at fault.
    public func validated(by actor: Actor, at now: Date) throws -> AssistanceOffer {
        var check = InputCheck()
        let title = check.text(title, "title", required: true)
        let description = check.text(description, "description", limit: 4000)
        let areas: [AssistanceArea] = check.choices(areas, "areas", required: true)
        let kinds: [AssistanceKind] = check.choices(kinds, "kinds", required: true)
        let regions: [Region] = check.choices(regions, "regions")
        let budget = check.number(budgetUsd, "budget_usd", in: 0...1_000_000_000)
        let (start, end) = check.period(start, end, "availability")
        try check.finish()
        return AssistanceOffer(
            id: .generate(at: now),
            member: actor.member,
            title: title!,
            description: description,
            areas: areas,
            kinds: kinds,
            regions: regions,
            budgetUsd: budget,
            start: start,
            end: end,
            status: .open,
            createdAt: now,
            version: 0
        )
    }
}
