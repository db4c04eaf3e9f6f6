public import Foundation

/// Training of officials (PoA III 7 and 8): members organise events, register their officials, and the organiser
/// records who completed; a member sees who of its officials has been trained in what.
public struct TrainingService: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// One of the member's officials on one event.
    public struct TrainedOfficial: Sendable, Encodable {
        public var participant: TrainingEvent.Participant
        public var event: TrainingEvent.ID
        public var title: String
        public var topic: TrainingTopic
        public var organiser: MemberCode
        public var start: CalendarDate
        public var end: CalendarDate
    }

    /// Every event, as the actor may see it, soonest first.
    public func events(by actor: Actor) async throws -> [TrainingEvent] {
        try actor.require(.readCooperation)
        return try await repositories.cooperation.documents(TrainingEvent.self, party: nil)
            .sorted { ($0.start, $0.title) < ($1.start, $1.title) }
            .map { $0.visible(to: actor.member) }
    }

    public func event(_ id: TrainingEvent.ID, by actor: Actor) async throws -> TrainingEvent {
        try actor.require(.readCooperation)
        return try await stored(id).visible(to: actor.member)
    }

    public func organise(_ input: TrainingEventInput, by actor: Actor) async throws -> TrainingEvent {
        try actor.require(.manageCooperation)
        let now = Date().wholeMilliseconds
        let event = try input.validated(by: actor, at: now)
        if let need = event.need, try await repositories.cooperation.document(AssistanceNeed.self, id: need) == nil {
            throw DomainError.invalid(field: "need", "no need \(need)")
        }
        return try await repositories.cooperation.save(
            event,
            audit: AuditEvent(.training, by: actor, at: now, subject: "training:\(event.id)", detail: "organised: \(event.title), \(event.start)")
        )
    }

    /// Registers one of the actor's member's officials.
    public func register(_ id: TrainingEvent.ID, name: String, post: String, by actor: Actor) async throws -> TrainingEvent {
        try actor.require(.manageCooperation)
        let now = Date().wholeMilliseconds
        let event = try await stored(id)
        let next = try event.registering(name: name, post: post, by: actor, at: now)
        return try await save(next, concerns: event.organiser, detail: "registered \(next.participants.last!.name)", by: actor, at: now)
    }

    /// Records a participant's completion (the organiser) or withdrawal (the participant's member).
    public func record(
        _ status: TrainingEvent.Participant.Status,
        of participant: TrainingEvent.Participant.ID,
        on id: TrainingEvent.ID,
        by actor: Actor
    ) async throws -> TrainingEvent {
        try actor.require(.manageCooperation)
        let now = Date().wholeMilliseconds
        let next = try await stored(id).recording(status, of: participant, by: actor, at: now)
        let official = next.participants.first { $0.id == participant }!
        return try await save(next, concerns: official.member, detail: "\(official.name): \(status.words)", by: actor, at: now)
    }

    /// The actor's member's officials on every event, most recent first.
    public func officials(by actor: Actor) async throws -> [TrainedOfficial] {
        try actor.require(.readCooperation)
        return try await repositories.cooperation.documents(TrainingEvent.self, party: actor.member)
            .flatMap { event in
                event.participants.filter { $0.member == actor.member }.map {
                    TrainedOfficial(
                        participant: $0,
                        event: event.id,
                        title: event.title,
                        topic: event.topic,
                        organiser: event.organiser,
                        start: event.start,
                        end: event.end
                    )
                }
            }
            .sorted { ($0.start, $0.participant.name) > ($1.start, $1.participant.name) }
    }

    /// Saves a step on an event with its audit entry, and gives the event back as the actor may see it.
    private func save(_ event: TrainingEvent, concerns: MemberCode, detail: String, by actor: Actor, at now: Date) async throws -> TrainingEvent {
        let audit = AuditEvent(.training, by: actor, at: now, subject: "training:\(event.id)", concerns: concerns, detail: detail)
        return try await repositories.cooperation.save(event, audit: audit).visible(to: actor.member)
    }

    private func stored(_ id: TrainingEvent.ID) async throws -> TrainingEvent {
        guard let event = try await repositories.cooperation.document(TrainingEvent.self, id: id) else {
            throw DomainError.notFound(entity: "training event", id: id.description)
        }
        return event
    }
}
