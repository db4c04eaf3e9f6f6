public import Foundation

/// One entry of a trace request's timeline: a step, a message or a passed deadline, with who and when.
///
/// The timeline is append-only: the store refuses to change or remove an entry.
public struct TraceEvent: Sendable, Equatable, Identifiable {
    public typealias ID = Identifier<TraceEvent>

    /// What happened.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case created
        case revised
        case sent
        case acknowledged
        case informationRequested = "information_requested"
        case informationProvided = "information_provided"
        case delayed
        case answered
        case declined
        case withdrawn
        case closed
        case message
        /// ArmsTrace noted that the acknowledgement deadline passed.
        case acknowledgeOverdue = "acknowledge_overdue"
        /// ArmsTrace noted that the answer deadline passed.
        case answerOverdue = "answer_overdue"
    }

    /// What an entry says, apart from who wrote it and when.
    public struct Content: Sendable, Equatable {
        public var kind: Kind
        /// The request's status after the entry.
        public var status: TraceStatus?
        /// The person's words: a question, information, a message, an explanation.
        public var text: String?
        /// The withholding ground of a delay or a refusal.
        public var ground: String?
        /// The expected date of a delay; the deadline of a passed-deadline entry.
        public var expectedBy: Date?
        /// The outcome of a closing entry.
        public var originEstablished: Bool?
        public var attachments: [TraceAttachment.Summary]

        public init(
            kind: Kind,
            status: TraceStatus? = nil,
            text: String? = nil,
            ground: String? = nil,
            expectedBy: Date? = nil,
            originEstablished: Bool? = nil,
            attachments: [TraceAttachment.Summary] = []
        ) {
            self.kind = kind
            self.status = status
            self.text = text
            self.ground = ground
            self.expectedBy = expectedBy
            self.originEstablished = originEstablished
            self.attachments = attachments
        }
    }

    public var id: ID
    public var requestID: TraceRequest.ID
    public var at: Date
    /// The member whose user took the step; `nil` for ArmsTrace itself (a passed deadline).
    public var member: MemberCode?
    public var userID: User.ID?
    public var channel: Actor.Channel?
    public var content: Content

    public init(
        id: ID,
        requestID: TraceRequest.ID,
        at: Date,
        member: MemberCode?,
        userID: User.ID?,
        channel: Actor.Channel?,
        content: Content
    ) {
        self.id = id
        self.requestID = requestID
        self.at = at
        self.member = member
        self.userID = userID
        self.channel = channel
        self.content = content
    }

    /// An entry written by `actor`.
    public init(_ content: Content, on requestID: TraceRequest.ID, by actor: Actor, at: Date) {
        self.init(
            id: .generate(at: at),
            requestID: requestID,
            at: at,
            member: actor.member,
            userID: actor.userID,
            channel: actor.channel,
            content: content
        )
    }
}

extension TraceEvent: Encodable {
    private enum CodingKeys: String, CodingKey {
        case id, at, member, userId, channel, kind, status, text, ground, expectedBy, originEstablished, attachments
    }

    /// One flat object; absent parts are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(at, forKey: .at)
        try container.encodeIfPresent(member, forKey: .member)
        try container.encodeIfPresent(userID, forKey: .userId)
        try container.encodeIfPresent(channel, forKey: .channel)
        try container.encode(content.kind, forKey: .kind)
        try container.encodeIfPresent(content.status, forKey: .status)
        try container.encodeIfPresent(content.text, forKey: .text)
        try container.encodeIfPresent(content.ground, forKey: .ground)
        try container.encodeIfPresent(content.expectedBy, forKey: .expectedBy)
        try container.encodeIfPresent(content.originEstablished, forKey: .originEstablished)
        if !content.attachments.isEmpty { try container.encode(content.attachments, forKey: .attachments) }
    }
}

/// A file added to a trace request's conversation: a photo of the weapon or its marks, a document.
public struct TraceAttachment: Sendable, Equatable {
    public typealias ID = Identifier<TraceAttachment>

    /// The kinds of file accepted: photos and documents, nothing a browser would run.
    public static let contentTypes: Set<String> = ["image/jpeg", "image/png", "application/pdf", "text/plain"]
    /// The largest file accepted; the API's body limit bounds a message's files together.
    public static let maximumSize = 700 * 1024

    public var id: ID
    public var name: String
    public var contentType: String
    public var content: Data

    public init(id: ID, name: String, contentType: String, content: Data) {
        self.id = id
        self.name = name
        self.contentType = contentType
        self.content = content
    }

    /// Checks a file's name, type and size.
    /// - Parameter field: where the file is in the input, for the error (`attachments[0]`).
    /// - Throws: `DomainError.invalid` naming each problem.
    public static func validated(name: String, contentType: String, content: Data, field: String, at now: Date) throws -> TraceAttachment {
        var problems: [FieldError] = []
        let trimmed = name.trimmed
        if trimmed.isEmpty || trimmed.count > 200 || trimmed.contains(where: { $0 == "/" || $0 == "\\" || $0.isNewline }) {
            problems.append(FieldError(field: "\(field).name", message: "must be a file name of 1 to 200 characters without slashes"))
        }
        if !contentTypes.contains(contentType) {
            problems.append(FieldError(field: "\(field).content_type", message: "must be one of: " + contentTypes.sorted().joined(separator: ", ")))
        }
        if content.isEmpty || content.count > maximumSize {
            problems.append(FieldError(field: "\(field).content", message: "must hold 1 byte to \(maximumSize / 1024) KiB"))
        }
        guard problems.isEmpty else { throw DomainError.invalid(problems) }
        return TraceAttachment(id: .generate(at: now), name: trimmed, contentType: contentType, content: content)
    }

    /// What the timeline shows of a file: everything but its content, which is fetched on its own.
    public struct Summary: Sendable, Equatable, Codable {
        public var id: ID
        public var name: String
        public var contentType: String
        public var size: Int

        public init(id: ID, name: String, contentType: String, size: Int) {
            self.id = id
            self.name = name
            self.contentType = contentType
            self.size = size
        }
    }

    public var summary: Summary { Summary(id: id, name: name, contentType: contentType, size: content.count) }
}

/// A notice to one side of a trace request that a deadline passed. Each deadline gives one notice to each side,
/// once.
public struct TraceNotice: Sendable, Equatable, Codable, Identifiable {
    public typealias ID = Identifier<TraceNotice>

    public var id: ID
    public var recipient: MemberCode
    public var requestID: TraceRequest.ID
    public var deadline: TraceDeadlineKind
    public var dueAt: Date
    public var createdAt: Date

    public init(id: ID, recipient: MemberCode, requestID: TraceRequest.ID, deadline: TraceDeadlineKind, dueAt: Date, createdAt: Date) {
        self.id = id
        self.recipient = recipient
        self.requestID = requestID
        self.deadline = deadline
        self.dueAt = dueAt
        self.createdAt = createdAt
    }
}

/// A deadline of a request that passed while its step was still owed: the notice to each side and the timeline
/// entry that record it.
public struct PassedDeadline: Sendable, Equatable {
    public var requestID: TraceRequest.ID
    public var deadline: TraceDeadlineKind
    public var dueAt: Date
    public var notices: [TraceNotice]
    public var event: TraceEvent

    /// The notices to both sides of `request` and the entry for its `deadline`, due at `dueAt`, noticed at `now`.
    public init(_ request: TraceRequest, deadline: TraceDeadlineKind, dueAt: Date, now: Date) {
        self.requestID = request.id
        self.deadline = deadline
        self.dueAt = dueAt
        self.notices = [request.requester, request.requested].map { recipient in
            TraceNotice(id: .generate(at: now), recipient: recipient, requestID: request.id, deadline: deadline, dueAt: dueAt, createdAt: now)
        }
        self.event = TraceEvent(
            id: .generate(at: now),
            requestID: request.id,
            at: now,
            member: nil,
            userID: nil,
            channel: nil,
            content: TraceEvent.Content(
                kind: deadline == .acknowledge ? .acknowledgeOverdue : .answerOverdue,
                status: request.status,
                expectedBy: dueAt
            )
        )
    }
}
