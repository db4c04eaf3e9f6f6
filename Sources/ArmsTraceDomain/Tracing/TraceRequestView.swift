public import Foundation

/// A trace request as one side sees it: the request, which deadlines it has missed, the steps the viewer's side may
/// take now, and the timeline when asked for.
public struct TraceRequestView: Sendable, Equatable {
    public var request: TraceRequest
    public var side: TraceSide
    /// The deadlines passed and still owed at the time of reading.
    public var overdue: [TraceDeadlineKind]
    public var timeline: [TraceEvent]?

    public init(_ request: TraceRequest, side: TraceSide, now: Date, timeline: [TraceEvent]? = nil) {
        self.request = request
        self.side = side
        self.overdue = request.passedDeadlines(at: now).map(\.kind)
        self.timeline = timeline
    }

    /// The steps the viewer's side may take now.
    public var allowedSteps: [TraceStep] { request.allowedSteps(for: side) }
}

extension TraceRequestView: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, requester, requested, recordId, status, version, side, overdue, allowedSteps, timeline
        case priority, urgencyJustification, grounds, legalBasis, circumstances, intendedUse, confidentialityConditions, weapon
        case acknowledgeBy, answerBy, createdAt, sentAt, acknowledgedAt, informationRequestedAt, answeredAt, endedAt
        case delay, decline, answer, outcome
    }

    /// An answer as it is always shown: with the requesting member's confidentiality conditions.
    private struct AnswerShown: Encodable {
        var answer: TraceAnswer
        var confidentialityConditions: String

        private enum CodingKeys: String, CodingKey { case confidentialityConditions }

        func encode(to encoder: any Encoder) throws {
            try answer.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(confidentialityConditions, forKey: .confidentialityConditions)
        }
    }

    /// One flat object; absent parts are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let particulars = request.particulars
        try container.encode(request.id, forKey: .id)
        try container.encode(request.requester, forKey: .requester)
        try container.encode(request.requested, forKey: .requested)
        try container.encode(request.recordID, forKey: .recordId)
        try container.encode(request.status, forKey: .status)
        try container.encode(request.version, forKey: .version)
        try container.encode(side, forKey: .side)
        try container.encode(overdue, forKey: .overdue)
        try container.encode(allowedSteps, forKey: .allowedSteps)
        try container.encode(particulars.priority, forKey: .priority)
        try container.encodeIfPresent(particulars.urgencyJustification, forKey: .urgencyJustification)
        try container.encode(particulars.grounds, forKey: .grounds)
        try container.encodeIfPresent(particulars.legalBasis, forKey: .legalBasis)
        try container.encodeIfPresent(particulars.circumstances, forKey: .circumstances)
        try container.encodeIfPresent(particulars.intendedUse, forKey: .intendedUse)
        try container.encode(particulars.confidentialityConditions, forKey: .confidentialityConditions)
        try container.encode(request.weapon, forKey: .weapon)
        try container.encodeIfPresent(request.deadlines?.acknowledgeBy, forKey: .acknowledgeBy)
        try container.encodeIfPresent(request.deadlines?.answerBy, forKey: .answerBy)
        try container.encode(request.createdAt, forKey: .createdAt)
        try container.encodeIfPresent(request.sentAt, forKey: .sentAt)
        try container.encodeIfPresent(request.acknowledgedAt, forKey: .acknowledgedAt)
        try container.encodeIfPresent(request.informationRequestedAt, forKey: .informationRequestedAt)
        try container.encodeIfPresent(request.answeredAt, forKey: .answeredAt)
        try container.encodeIfPresent(request.endedAt, forKey: .endedAt)
        try container.encodeIfPresent(request.delay, forKey: .delay)
        try container.encodeIfPresent(request.decline, forKey: .decline)
        try container.encodeIfPresent(
            request.answer.map { AnswerShown(answer: $0, confidentialityConditions: particulars.confidentialityConditions) },
            forKey: .answer
        )
        try container.encodeIfPresent(request.outcome, forKey: .outcome)
        try container.encodeIfPresent(timeline, forKey: .timeline)
    }
}
