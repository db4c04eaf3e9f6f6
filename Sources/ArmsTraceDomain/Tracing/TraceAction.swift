public import Foundation

/// A step in a trace request's life, with what the step carries. The rules of who takes which step when are
/// ``TraceStep``'s.
public enum TraceAction: Sendable, Equatable {
    /// Replaces a draft's addressee and particulars.
    case revise(requested: MemberCode, particulars: TraceRequest.Particulars)
    /// Sends a complete draft, with the weapon's identification as the record now shows it and the deadlines of the
    /// requested member's policy.
    case send(weapon: TraceWeapon, policy: TraceDeadlinePolicy)
    case acknowledge
    case requestInformation(question: String)
    case provideInformation(text: String)
    case delay(TraceRequest.Delay)
    case answer(TraceAnswer)
    case decline(TraceRequest.Decline)
    case withdraw(reason: String?)
    case close(TraceOutcome)
    case message(text: String, attachments: [TraceAttachment])

    /// The kind of step, which carries the rules of who takes it and when.
    public var step: TraceStep {
        switch self {
        case .revise: .revise
        case .send: .send
        case .acknowledge: .acknowledge
        case .requestInformation: .requestInformation
        case .provideInformation: .provideInformation
        case .delay: .delay
        case .answer: .answer
        case .decline: .decline
        case .withdraw: .withdraw
        case .close: .close
        case .message: .message
        }
    }
}

/// The kinds of step a trace request can take, with the rule of each: which side takes it, from which statuses.
///
/// | Step | Side | From |
/// |---|---|---|
/// | revise | requesting | draft |
/// | send | requesting | draft |
/// | acknowledge | requested | sent |
/// | request information | requested | sent, acknowledged, delayed |
/// | provide information | requesting | information requested |
/// | delay | requested | sent, acknowledged, delayed |
/// | answer | requested | sent, acknowledged, information requested, delayed |
/// | decline | requested | sent, acknowledged, information requested, delayed |
/// | withdraw | requesting | draft, sent, acknowledged, information requested, delayed |
/// | close | requesting | answered, declined |
/// | message | either | any but draft |
///
/// Any step but a message that the requested member takes acknowledges the request if it was not acknowledged yet.
/// While information is requested the answer clock stops: providing it moves the answer deadline on by the time
/// waited. A delay moves the answer deadline to the expected date.
public enum TraceStep: String, Sendable, Codable, CaseIterable {
    case revise
    case send
    case acknowledge
    case requestInformation = "request_information"
    case provideInformation = "provide_information"
    case delay
    case answer
    case decline
    case withdraw
    case close
    case message

    /// The side that may take this step; `nil` when either may.
    public var side: TraceSide? {
        switch self {
        case .revise, .send, .provideInformation, .withdraw, .close: .requesting
        case .acknowledge, .requestInformation, .delay, .answer, .decline: .requested
        case .message: nil
        }
    }

    /// The statuses this step may be taken from.
    public var allowedFrom: Set<TraceStatus> {
        switch self {
        case .revise, .send: [.draft]
        case .acknowledge: [.sent]
        case .requestInformation, .delay: [.sent, .acknowledged, .delayed]
        case .provideInformation: [.informationRequested]
        case .answer, .decline: [.sent, .acknowledged, .informationRequested, .delayed]
        case .withdraw: [.draft, .sent, .acknowledged, .informationRequested, .delayed]
        case .close: [.answered, .declined]
        case .message: Set(TraceStatus.allCases).subtracting([.draft])
        }
    }

    /// The step as the timeline records it.
    public var event: TraceEvent.Kind {
        switch self {
        case .revise: .revised
        case .send: .sent
        case .acknowledge: .acknowledged
        case .requestInformation: .informationRequested
        case .provideInformation: .informationProvided
        case .delay: .delayed
        case .answer: .answered
        case .decline: .declined
        case .withdraw: .withdrawn
        case .close: .closed
        case .message: .message
        }
    }

    /// The step in words, for messages: "request information".
    public var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

extension TraceRequest {
    /// The steps `side` may take now: what the API lists for the viewer and what the refusal of an illegal
    /// step suggests instead.
    public func allowedSteps(for side: TraceSide) -> [TraceStep] {
        TraceStep.allCases.filter { step in (step.side == nil || step.side == side) && step.allowedFrom.contains(status) }
    }

    /// Takes `action` for `side` at `now`, or refuses it without changing anything.
    ///
    /// - Returns: the timeline entry of the step (without its author, which the caller knows).
    /// - Throws: `DomainError.forbidden` when the step belongs to the other side; `.conflict` when the request's
    ///   status does not allow it (naming what is allowed); `.invalid` when the step's content breaks a rule (an
    ///   incomplete request, an empty answer, an expected date in the past).
    public mutating func apply(_ action: TraceAction, by side: TraceSide, at now: Date) throws -> TraceEvent.Content {
        let step = action.step
        if let owner = step.side, owner != side {
            let who = owner == .requesting ? "requesting member (\(requester))" : "requested member (\(requested))"
            throw DomainError.forbidden("only the \(who) may \(step.words) (step '\(step.rawValue)')")
        }
        guard step.allowedFrom.contains(status) else {
            let allowed = allowedSteps(for: side).map(\.rawValue)
            throw DomainError.conflict(
                "the step '\(step.rawValue)' is not allowed on a request that is \(status.rawValue); "
                    + (allowed.isEmpty ? "it takes no further step from your side" : "your side may: " + allowed.joined(separator: ", "))
            )
        }
        var content = TraceEvent.Content(kind: step.event)
        // A step of the requested side that moves the request on acknowledges it; a message alone does not.
        if side == .requested, step != .message, sentAt != nil, acknowledgedAt == nil { acknowledgedAt = now }
        switch action {
        case .revise(let newRequested, let newParticulars):
            requested = newRequested
            particulars = newParticulars
        case .send(let newWeapon, let policy):
            weapon = newWeapon
            let missing = missingForSending
            guard missing.isEmpty else { throw DomainError.invalid(missing) }
            status = .sent
            sentAt = now
            deadlines = policy.deadlines(for: particulars.priority, sentAt: now)
        case .acknowledge:
            status = .acknowledged
        case .requestInformation(let question):
            content.text = try Self.required(question, field: "question")
            status = .informationRequested
            informationRequestedAt = now
        case .provideInformation(let text):
            content.text = try Self.required(text, field: "text")
            if let since = informationRequestedAt, var moved = deadlines {
                moved.answerBy += now.timeIntervalSince(since)
                deadlines = moved
            }
            informationRequestedAt = nil
            status = .acknowledged
        case .delay(let newDelay):
            guard newDelay.expectedBy > now else {
                throw DomainError.invalid(field: "expected_by", "must be in the future")
            }
            delay = newDelay
            content.text = newDelay.explanation
            content.ground = newDelay.ground.rawValue
            content.expectedBy = newDelay.expectedBy
            deadlines?.answerBy = newDelay.expectedBy
            status = .delayed
        case .answer(let newAnswer):
            let problems = newAnswer.problems
            guard problems.isEmpty else { throw DomainError.invalid(problems) }
            answer = newAnswer
            content.text = newAnswer.remarks
            informationRequestedAt = nil
            answeredAt = now
            status = .answered
        case .decline(let newDecline):
            decline = newDecline
            content.text = newDecline.explanation
            content.ground = newDecline.ground.rawValue
            informationRequestedAt = nil
            endedAt = now
            status = .declined
        case .withdraw(let reason):
            content.text = reason
            endedAt = now
            status = .withdrawn
        case .close(let newOutcome):
            outcome = newOutcome
            content.text = newOutcome.remarks
            content.originEstablished = newOutcome.originEstablished
            endedAt = now
            status = .closed
        case .message(let text, let attachments):
            guard !text.trimmed.isEmpty || !attachments.isEmpty else {
                throw DomainError.invalid(field: "text", "write a message or attach a file")
            }
            content.text = text.trimmed.isEmpty ? nil : text
            content.attachments = attachments.map(\.summary)
        }
        version += 1
        content.status = status
        return content
    }

    private static func required(_ text: String, field: String) throws -> String {
        guard !text.trimmed.isEmpty else { throw DomainError.invalid(field: field, "is required") }
        return text
    }

    /// The deadlines that have passed at `now` while the step they wait for is still owed, with the time each was
    /// due: what makes a request overdue, and what a deadline notice is sent for, once per deadline.
    public func passedDeadlines(at now: Date) -> [(kind: TraceDeadlineKind, dueAt: Date)] {
        guard let deadlines else { return [] }
        var passed: [(TraceDeadlineKind, Date)] = []
        if status == .sent, deadlines.acknowledgeBy < now { passed.append((.acknowledge, deadlines.acknowledgeBy)) }
        // While information is requested the answer clock stands still.
        if status.awaitsAnswer, status != .informationRequested, deadlines.answerBy < now { passed.append((.answer, deadlines.answerBy)) }
        return passed
    }
}

/// The two deadlines a requested member has.
public enum TraceDeadlineKind: String, Sendable, Codable, CaseIterable {
    case acknowledge
    case answer
}
