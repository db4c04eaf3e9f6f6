public import Foundation

/// What a training event teaches (PoA III 7 and 8).
public enum TrainingTopic: String, Sendable, Codable, CaseIterable {
    case stockpileManagement = "stockpile_management"
    case tracing, marking
    case recordKeeping = "record_keeping"
    case destruction
    case borderControl = "border_control"
    case investigation
    case legislation

    public var words: String {
        switch self {
        case .stockpileManagement: "stockpile management and security"
        case .recordKeeping: "record-keeping"
        case .borderControl: "border and customs control"
        default: rawValue
        }
    }
}

/// A training event of a programme, organised by a member, with the officials members registered and whether each
/// completed it.
///
/// The organiser sees every participant; another member sees its own officials and how many seats are taken.
public struct TrainingEvent: CooperationDocument, Equatable {
    public typealias ID = Identifier<TrainingEvent>
    public static let kind = "training_event"

    /// An official registered by their member.
    public struct Participant: Sendable, Equatable, Codable {
        public typealias ID = Identifier<Participant>

        public enum Status: String, Sendable, Codable, CaseIterable {
            case registered, completed
            case notCompleted = "not_completed"
            case withdrawn

            public var words: String { self == .notCompleted ? "did not complete" : rawValue }
        }

        public var id: ID
        public var member: MemberCode
        public var name: String
        /// Post and service: "customs officer, Kenya Revenue Authority".
        public var post: String
        public var status: Status
        public var registeredAt: Date
        public var registeredBy: User.ID?
        /// When the organiser recorded completion or not.
        public var recordedAt: Date?
    }

    public var id: ID
    public var organiser: MemberCode
    /// The programme the event belongs to, e.g. "Regional stockpile management course".
    public var programme: String?
    public var title: String
    public var topic: TrainingTopic
    public var start: CalendarDate
    public var end: CalendarDate
    public var place: String
    public var seats: Int
    /// ISO 639-1.
    public var language: String
    public var description: String?
    /// The assistance need the event answers, if any.
    public var need: AssistanceNeed.ID?
    public var participants: [Participant]
    public var createdAt: Date
    public var version: Int

    public var owner: MemberCode { organiser }
    public var parties: [MemberCode] { ([organiser] + participants.map(\.member)).withoutRepeats }

    public var seatsTaken: Int { participants.filter { $0.status != .withdrawn }.count }

    /// The event as `viewer` may see it: other members' officials are left out unless the viewer organises it.
    public func visible(to viewer: MemberCode) -> TrainingEvent {
        guard viewer != organiser else { return self }
        var limited = self
        limited.participants = participants.filter { $0.member == viewer }
        return limited
    }

    /// Registers an official of `actor`'s member.
    /// - Throws: `.invalid` naming the field at fault, or when the seats are taken or the event is over.
    public func registering(name: String, post: String, by actor: Actor, at now: Date) throws -> TrainingEvent {
        var check = InputCheck()
        let name = check.text(name, "name", required: true)
        let post = check.text(post, "post", required: true)
        try check.finish()
        if CalendarDate(now) > end { throw DomainError.invalid(field: "event", "the event ended on \(end)") }
        if seatsTaken >= seats { throw DomainError.invalid(field: "event", "all \(seats) seats are taken") }
        if participants.contains(where: { $0.member == actor.member && $0.status != .withdrawn && $0.name.lowercased() == name!.lowercased() }) {
            throw DomainError.invalid(field: "name", "\(name!) is already registered")
        }
        var next = self
        next.participants.append(
            Participant(
                id: .generate(at: now),
                member: actor.member,
                name: name!,
                post: post!,
                status: .registered,
                registeredAt: now,
                registeredBy: actor.userID,
                recordedAt: nil
            )
        )
        return next
    }

    /// Records a participant's completion (or not) by the organiser, or a withdrawal by the participant's member.
    /// - Throws: `.notFound` for a participant the actor cannot see; `.forbidden` or `.invalid` for a step not theirs
    ///   or not in order.
    public func recording(_ status: Participant.Status, of participant: Participant.ID, by actor: Actor, at now: Date) throws -> TrainingEvent {
        guard let index = participants.firstIndex(where: { $0.id == participant }),
            actor.member == organiser || participants[index].member == actor.member
        else { throw DomainError.notFound(entity: "participant", id: participant.description) }
        let current = participants[index].status
        switch status {
        case .completed, .notCompleted:
            guard actor.member == organiser else { throw DomainError.forbidden("only the organiser, \(organiser), records completion") }
            guard current == .registered || current == .completed || current == .notCompleted else {
                throw DomainError.invalid(field: "status", "the participant withdrew")
            }
            guard CalendarDate(now) >= start else { throw DomainError.invalid(field: "status", "the event starts on \(start)") }
        case .withdrawn:
            guard participants[index].member == actor.member else { throw DomainError.forbidden("only the official's member withdraws them") }
            guard current == .registered else { throw DomainError.invalid(field: "status", "only a registered official withdraws") }
        case .registered:
            throw DomainError.invalid(field: "status", "one of completed, not_completed, withdrawn")
        }
        var next = self
        next.participants[index].status = status
        next.participants[index].recordedAt = now
        return next
    }
}

/// An event as its organiser writes it.
public struct TrainingEventInput: Sendable, Equatable, Decodable {
    public var programme: String?
    public var title: String
    public var topic: String
    public var start: String
    public var end: String
    public var place: String
    public var seats: Int
    public var language: String
    public var description: String?
    public var need: String?

    public init(
        programme: String? = nil,
        title: String,
        topic: String,
        start: String,
        end: String,
        place: String,
        seats: Int,
        language: String,
        description: String? = nil,
        need: String? = nil
    ) {
        self.programme = programme
        self.title = title
        self.topic = topic
        self.start = start
        self.end = end
        self.place = place
        self.seats = seats
        self.language = language
        self.description = description
        self.need = need
    }

    /// The event, organised by `actor`'s member.
    public func validated(by actor: Actor, at now: Date) throws -> TrainingEvent {
        var check = InputCheck()
        let programme = check.text(programme, "programme")
        let title = check.text(title, "title", required: true)
        let topic: TrainingTopic? = check.choice(topic, "topic")
        let (start, end) = check.period(start, end, "dates", required: true)
        let place = check.text(place, "place", required: true)
        let seats = check.number(seats, "seats", in: 1...10_000)
        let language = check.text(language, "language", required: true, limit: 3)?.lowercased()
        if let language, !(2...3).contains(language.count) || !language.allSatisfy({ ("a"..."z").contains($0) }) {
            check.fail("language", "'\(language)' is not an ISO 639 language code (en, fr, es)")
        }
        let description = check.text(description, "description", limit: 4000)
        let need = check.text(need, "need").flatMap { text -> AssistanceNeed.ID? in
            guard let id = AssistanceNeed.ID(text) else {
                check.fail("need", "'\(text)' is not a need's id")
                return nil
            }
            return id
        }
        try check.finish()
        return TrainingEvent(
            id: .generate(at: now),
            organiser: actor.member,
            programme: programme,
            title: title!,
            topic: topic!,
            start: start!,
            end: end!,
            place: place!,
            seats: seats!,
            language: language!,
            description: description,
            need: need,
            participants: [],
            createdAt: now,
            version: 0
        )
    }
}
