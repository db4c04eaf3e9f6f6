public import Foundation

/// The tracing use cases (PoA III 11, ITI section V): who may do what, then one repository call each, so that every
/// step is one transaction with its timeline entry.
///
/// ```swift
/// let service = TraceService(repositories: repositories)
/// let draft = try await service.create(TraceRequestInput(recordId: id, requested: "BEL", …), by: actor)
/// let sent = try await service.send(draft.request.id, by: actor)
/// ```
public struct TraceService: Sendable {
    public let repositories: Repositories
    /// The clock: every step, deadline and overdue judgement reads it.
    public let now: @Sendable () -> Date

    public init(repositories: Repositories, now: @escaping @Sendable () -> Date = { Date() }) {
        self.repositories = repositories
        self.now = now
    }

    /// The members a trace request about one of the actor's records could go to, with why.
    /// - Throws: `.notFound` for a record the actor's member may not see.
    public func addressees(for recordID: WeaponRecord.ID, by actor: Actor) async throws -> [TraceAddressee] {
        try actor.require(.readTraces)
        let record = try await repositories.records.get(recordID, viewer: actor.member)
        let candidates = TraceAddressee.candidates(for: record)
        var members: [TraceAddressee] = []
        for candidate in candidates {
            guard let code = MemberCode(candidate.code), let member = try? await repositories.members.get(code) else { continue }
            members.append(TraceAddressee(member: member.id, name: member.name, reasons: candidate.reasons))
        }
        return members
    }

    /// Creates a draft about one of the actor's member's records. The circumstances default to the record's.
    /// - Throws: `.forbidden` for a role that does not trace, or a record another member owns; `.notFound` for a
    ///   record the actor's member may not see; `.invalid` naming each bad field.
    public func create(_ input: TraceRequestInput, by actor: Actor) async throws -> TraceRequestView {
        try actor.require(.actOnTraces)
        guard let text = input.recordId, let recordID = WeaponRecord.ID(text) else {
            throw DomainError.invalid(field: "record_id", input.recordId == nil ? "is required" : "'\(input.recordId ?? "")' is not a record ID")
        }
        var (requested, particulars) = try input.validated(requester: actor.member)
        try await requireMember(requested)
        let record = try await repositories.records.get(recordID, viewer: actor.member)
        guard record.owner == actor.member else {
            throw DomainError.forbidden("a trace request is made from one of your own records; record \(recordID) is \(record.owner)'s")
        }
        if particulars.circumstances == nil { particulars.circumstances = record.details.event.circumstances }
        let at = now()
        let request = TraceRequest(
            id: .generate(at: at),
            requester: actor.member,
            requested: requested,
            recordID: recordID,
            particulars: particulars,
            weapon: TraceWeapon(record),
            createdAt: at
        )
        let event = TraceEvent(TraceEvent.Content(kind: .created, status: .draft), on: request.id, by: actor, at: at)
        try await repositories.traces.create(request, event: event)
        return TraceRequestView(request, side: .requesting, now: at, timeline: [event])
    }

    /// A request the actor's member is party to, with its timeline.
    public func get(_ id: TraceRequest.ID, by actor: Actor) async throws -> TraceRequestView {
        try actor.require(.readTraces)
        let (request, timeline) = try await repositories.traces.getWithTimeline(id, viewer: actor.member)
        try await repositories.audit.append(
            AuditEvent(
                .traceRead,
                by: actor,
                at: now(),
                subject: "trace:\(id)",
                concerns: request.counterpart(of: request.side(of: actor.member) ?? .requesting)
            )
        )
        return try view(request, for: actor, timeline: timeline)
    }

    /// Replaces a draft's addressee and particulars; as on creation, the circumstances default to the record's.
    public func revise(_ id: TraceRequest.ID, with input: TraceRequestInput, by actor: Actor) async throws -> TraceRequestView {
        try actor.require(.actOnTraces)
        var (requested, particulars) = try input.validated(requester: actor.member)
        try await requireMember(requested)
        if particulars.circumstances == nil {
            let draft = try await repositories.traces.get(id, viewer: actor.member)
            let record = try await repositories.records.get(draft.recordID, viewer: actor.member)
            particulars.circumstances = record.details.event.circumstances
        }
        return try await perform(.revise(requested: requested, particulars: particulars), on: id, by: actor)
    }

    /// Sends a draft: the weapon's identification is read again from the record, the request must be complete, and
    /// the requested member's deadline policy sets its deadlines.
    /// - Throws: `.invalid` naming every missing field; as ``perform(_:on:by:)``.
    public func send(_ id: TraceRequest.ID, by actor: Actor) async throws -> TraceRequestView {
        try actor.require(.actOnTraces)
        let draft = try await repositories.traces.get(id, viewer: actor.member)
        let record = try await repositories.records.get(draft.recordID, viewer: actor.member)
        let policy = try await repositories.traces.deadlinePolicy(of: draft.requested)
        return try await perform(.send(weapon: TraceWeapon(record), policy: policy), on: id, by: actor)
    }

    /// Takes a step on a request for the actor's side, in one transaction with its timeline entry.
    /// - Throws: `.notFound` for a request the actor's member is not party to; `.forbidden` for a role that does not
    ///   trace or a step of the other side; `.conflict` for a step the status does not allow; `.invalid` for a
    ///   step's bad content.
    public func perform(_ action: TraceAction, on id: TraceRequest.ID, by actor: Actor) async throws -> TraceRequestView {
        try actor.require(.actOnTraces)
        let at = now()
        let member = actor.member
        let stored = try await repositories.traces.update(id, viewer: member) { request in
            guard let side = request.side(of: member) else { throw DomainError.notFound(entity: "trace request", id: id.description) }
            let content = try request.apply(action, by: side, at: at)
            var files: [TraceAttachment] = []
            if case .message(_, let attachments) = action { files = attachments }
            return (TraceEvent(content, on: id, by: actor, at: at), files)
        }
        return try view(stored, for: actor)
    }

    /// A page of the requests the actor's member is party to.
    /// - Throws: `.invalid` for a limit out of range or a malformed cursor.
    public func list(_ query: TraceQuery, by actor: Actor) async throws -> Page<TraceRequestView> {
        try actor.require(.readTraces)
        try RecordQuery.checkLimit(query.limit)
        let page = try await repositories.traces.list(query, viewer: actor.member, now: now())
        return Page(items: try page.items.map { try view($0, for: actor) }, nextCursor: page.nextCursor)
    }

    /// A file of a request's conversation.
    public func attachment(_ id: TraceAttachment.ID, of request: TraceRequest.ID, by actor: Actor) async throws -> TraceAttachment {
        try actor.require(.readTraces)
        return try await repositories.traces.attachment(id, of: request, viewer: actor.member)
    }

    /// The actor's member's deadline policy.
    public func deadlinePolicy(by actor: Actor) async throws -> TraceDeadlinePolicy {
        try actor.require(.readTraces)
        return try await repositories.traces.deadlinePolicy(of: actor.member)
    }

    /// Sets the actor's member's deadline policy, for requests sent to it from now on.
    /// - Throws: `.forbidden` unless the actor is an admin; `.invalid` naming each bad limit.
    public func setDeadlinePolicy(_ policy: TraceDeadlinePolicy, by actor: Actor) async throws -> TraceDeadlinePolicy {
        try actor.require(.manageMember)
        try policy.validate()
        try await repositories.traces.setDeadlinePolicy(policy, by: actor)
        return policy
    }

    /// Notices every deadline that has passed while its step is still owed, once: a notice to each side and an
    /// entry in the timeline. The server runs this every minute; running it again, or on several servers, notices
    /// nothing twice.
    /// - Returns: the deadlines noticed now.
    @discardableResult
    public func noticePassedDeadlines() async throws -> [PassedDeadline] {
        let at = now()
        let passed = try await repositories.traces.pastDeadline(at: at).flatMap { request in
            request.passedDeadlines(at: at).map { PassedDeadline(request, deadline: $0.kind, dueAt: $0.dueAt, now: at) }
        }
        guard !passed.isEmpty else { return [] }
        return try await repositories.traces.recordPassedDeadlines(passed)
    }

    /// A page of the deadline notices addressed to the actor's member, newest first.
    public func notices(limit: Int, cursor: String?, by actor: Actor) async throws -> Page<TraceNotice> {
        try actor.require(.readTraces)
        try RecordQuery.checkLimit(limit)
        return try await repositories.traces.notices(for: actor.member, limit: limit, cursor: cursor)
    }

    /// The actor's member's tracing figures for a year, with SDG indicator 16.4.2.
    /// - Throws: `.invalid` for a year before 2001 (the PoA) or after this one.
    public func statistics(year: Int, by actor: Actor) async throws -> TraceStatistics {
        try actor.require(.readStatistics)
        let at = now()
        let thisYear = Calendar.utc.component(.year, from: at)
        guard (2001...thisYear).contains(year) else {
            throw DomainError.invalid(field: "year", "must be from 2001 to \(thisYear), got \(year)")
        }
        let requests = try await repositories.traces.requests(of: actor.member, sentIn: year)
        let seizures = try await repositories.traces.seizureCounts(of: actor.member, year: year)
        return TraceStatistics(member: actor.member, year: year, requests: requests, seizures: seizures, now: at)
    }

    // MARK: - Rules

    private func requireMember(_ code: MemberCode) async throws {
        guard try await !repositories.members.existing([code]).isEmpty else {
            throw DomainError.invalid(field: "requested", "no member \(code) takes part in ArmsTrace")
        }
    }

    private func view(_ request: TraceRequest, for actor: Actor, timeline: [TraceEvent]? = nil) throws -> TraceRequestView {
        guard let side = request.side(of: actor.member) else { throw DomainError.notFound(entity: "trace request", id: request.id.description) }
        return TraceRequestView(request, side: side, now: now(), timeline: timeline)
    }
}
