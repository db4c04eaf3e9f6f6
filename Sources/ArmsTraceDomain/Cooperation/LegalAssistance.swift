public import Foundation

/// A request for mutual legal assistance (PoA III 13) from one member's central authority to another's, tied to the
/// records and trace requests it concerns; its lifecycle follows a trace request's.
///
/// Only the two parties see it. The requester's confidentiality conditions travel with the request, and each
/// answer carries the conditions the requested member attaches to what it provides.
public struct LegalAssistanceRequest: CooperationDocument, Equatable {
    public typealias ID = Identifier<LegalAssistanceRequest>
    public static let kind = "legal_assistance"

    /// What is asked for.
    public enum Assistance: String, Sendable, Codable, CaseIterable {
        case information, documents, witness, evidence
        case searchAndSeizure = "search_and_seizure"
        case other
    }

    public enum Urgency: String, Sendable, Codable, CaseIterable {
        case normal, urgent
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case sent, acknowledged, executed
        case partlyExecuted = "partly_executed"
        case refused, withdrawn

        public var words: String { self == .partlyExecuted ? "partly executed" : rawValue }
        /// No further step follows.
        public var isFinal: Bool { [.executed, .refused, .withdrawn].contains(self) }
    }

    /// A step: the requested member acknowledges, executes (in whole or part) or refuses with grounds; the
    /// requester withdraws.
    public enum Action: String, Sendable, Codable, CaseIterable {
        case acknowledge, execute
        case partlyExecute = "partly_execute"
        case refuse, withdraw

        var status: Status {
            switch self {
            case .acknowledge: .acknowledged
            case .execute: .executed
            case .partlyExecute: .partlyExecuted
            case .refuse: .refused
            case .withdraw: .withdrawn
            }
        }
    }

    public struct Step: Sendable, Equatable, Codable {
        public var at: Date
        public var member: MemberCode
        public var userID: User.ID?
        public var status: Status
        /// The answer, the grounds of a refusal, or a note.
        public var text: String?
        /// The conditions the answering member sets on the use of what it provides.
        public var conditions: String?
    }

    public var id: ID
    public var requester: MemberCode
    public var requested: MemberCode
    /// The requester's case reference.
    public var reference: String
    /// The treaty, convention or reciprocity the request rests on.
    public var legalBasis: String
    public var assistance: [Assistance]
    public var description: String
    public var urgency: Urgency
    public var records: [WeaponRecord.ID]
    public var traces: [TraceRequest.ID]
    /// The requester's conditions of confidentiality on the request itself.
    public var conditions: String?
    public var respondBy: CalendarDate?
    public var status: Status
    public var steps: [Step]
    public var createdAt: Date
    public var version: Int

    public var owner: MemberCode { requester }
    public var parties: [MemberCode] { [requester, requested] }

    /// The request after `action` by `actor`.
    /// - Throws: `.forbidden` for the wrong party, `.invalid` for a step out of order or an answer without text.
    public func taking(_ action: Action, text: String?, conditions: String?, by actor: Actor, at now: Date) throws -> LegalAssistanceRequest {
        var check = InputCheck()
        let text = check.text(text, "text", limit: 20_000)
        let conditions = check.text(conditions, "conditions", limit: 4000)
        try check.finish()
        let allowed: [Status] =
            switch action {
            case .acknowledge: [.sent]
            case .execute, .partlyExecute: [.sent, .acknowledged, .partlyExecuted]
            case .refuse: [.sent, .acknowledged]
            case .withdraw: [.sent, .acknowledged, .partlyExecuted]
            }
        let party = action == .withdraw ? requester : requested
        guard actor.member == party else {
            throw DomainError.forbidden("only \(party) may \(action.rawValue.replacingOccurrences(of: "_", with: " ")) this request")
        }
        guard allowed.contains(status) else {
            throw DomainError.invalid(field: "action", "a request that is \(status.words) cannot be \(action.status.words)")
        }
        if [.execute, .partlyExecute].contains(action) && text == nil {
            throw DomainError.invalid(field: "text", "give the answer: what is provided, or where it was sent")
        }
        if action == .refuse && text == nil { throw DomainError.invalid(field: "text", "give the grounds for refusal") }
        var next = self
        next.status = action.status
        next.steps.append(Step(at: now, member: actor.member, userID: actor.userID, status: action.status, text: text, conditions: conditions))
        return next
    }
}

/// A request as the requesting central authority writes it.
public struct LegalAssistanceInput: Sendable, Equatable, Decodable {
    public var requested: String
    public var reference: String
    public var legalBasis: String
    public var assistance: [String]
    public var description: String
    public var urgency: String?
    public var records: [String]?
    public var traces: [String]?
    public var conditions: String?
    public var respondBy: String?

    public init(
        requested: String,
        reference: String,
        legalBasis: String,
        assistance: [String],
        description: String,
        urgency: String? = nil,
        records: [String]? = nil,
        traces: [String]? = nil,
        conditions: String? = nil,
        respondBy: String? = nil
    ) {
        self.requested = requested
        self.reference = reference
        self.legalBasis = legalBasis
        self.assistance = assistance
        self.description = description
        self.urgency = urgency
        self.records = records
        self.traces = traces
        self.conditions = conditions
        self.respondBy = respondBy
    }

    /// The request, sent by `actor` at `now`; the service checks that the members, records and traces exist.
    public func validated(by actor: Actor, at now: Date) throws -> LegalAssistanceRequest {
        var check = InputCheck()
        let requested = MemberCode(requested.trimmed.uppercased())
        if requested == nil { check.fail("requested", "'\(self.requested)' is not a member code") }
        if requested == actor.member { check.fail("requested", "a member does not send itself a request") }
        let reference = check.text(reference, "reference", required: true, limit: 100)
        let legalBasis = check.text(legalBasis, "legal_basis", required: true, limit: 1000)
        let assistance: [LegalAssistanceRequest.Assistance] = check.choices(assistance, "assistance", required: true)
        let description = check.text(description, "description", required: true, limit: 20_000)
        let urgency: LegalAssistanceRequest.Urgency? = check.choice(urgency, "urgency", required: false)
        func ids<T>(_ texts: [String]?, _ field: String) -> [Identifier<T>] {
            (texts ?? []).enumerated().compactMap { index, text in
                guard let id = Identifier<T>(text.trimmed) else {
                    check.fail("\(field)[\(index)]", "'\(text)' is not an id")
                    return nil
                }
                return id
            }.withoutRepeats
        }
        let records: [WeaponRecord.ID] = ids(records, "records")
        let traces: [TraceRequest.ID] = ids(traces, "traces")
        let conditions = check.text(conditions, "conditions", limit: 4000)
        let respondBy = check.date(respondBy, "respond_by")
        if let respondBy, respondBy < CalendarDate(now) { check.fail("respond_by", "\(respondBy) has passed") }
        try check.finish()
        return LegalAssistanceRequest(
            id: .generate(at: now),
            requester: actor.member,
            requested: requested!,
            reference: reference!,
            legalBasis: legalBasis!,
            assistance: assistance,
            description: description!,
            urgency: urgency ?? .normal,
            records: records,
            traces: traces,
            conditions: conditions,
            respondBy: respondBy,
            status: .sent,
            steps: [
                LegalAssistanceRequest.Step(at: now, member: actor.member, userID: actor.userID, status: .sent, text: nil, conditions: conditions)
            ],
            createdAt: now,
            version: 0
        )
    }
}
