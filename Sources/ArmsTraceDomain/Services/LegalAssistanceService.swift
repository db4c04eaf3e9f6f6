public import Foundation

/// Mutual legal assistance (PoA III 13) between members' central authorities: requests tied to records and trace
/// requests, answered through a lifecycle like tracing's. Only the two parties see a request, and every read of one
/// goes into the audit trail.
public struct LegalAssistanceService: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// The requests the actor's member sent or received, newest first.
    public func requests(by actor: Actor) async throws -> [LegalAssistanceRequest] {
        try actor.require(.legalAssistance)
        return try await repositories.cooperation.documents(LegalAssistanceRequest.self, party: actor.member).reversed()
    }

    public func request(_ id: LegalAssistanceRequest.ID, by actor: Actor) async throws -> LegalAssistanceRequest {
        try actor.require(.legalAssistance)
        let request = try await stored(id, for: actor)
        try await repositories.audit.append(
            AuditEvent(.legalAssistanceRead, by: actor, subject: "mla:\(id)", concerns: request.parties.first { $0 != actor.member })
        )
        return request
    }

    /// Sends a request; the records and trace requests it names must be ones the requester sees.
    public func send(_ input: LegalAssistanceInput, by actor: Actor) async throws -> LegalAssistanceRequest {
        try actor.require(.legalAssistance)
        let now = Date().wholeMilliseconds
        let request = try input.validated(by: actor, at: now)
        guard try await !repositories.members.existing([request.requested]).isEmpty else {
            throw DomainError.invalid(field: "requested", "no member \(request.requested) takes part in ArmsTrace")
        }
        var problems: [FieldError] = []
        for (index, record) in request.records.enumerated() {
            do { _ = try await repositories.records.get(record, viewer: actor.member) } catch DomainError.notFound {
                problems.append(FieldError(field: "records[\(index)]", message: "no record \(record) that \(actor.member) may see"))
            }
        }
        for (index, trace) in request.traces.enumerated() {
            do { _ = try await repositories.traces.get(trace, viewer: actor.member) } catch DomainError.notFound {
                problems.append(FieldError(field: "traces[\(index)]", message: "no trace request \(trace) of \(actor.member)"))
            }
        }
        if !problems.isEmpty { throw DomainError.invalid(problems) }
        return try await repositories.cooperation.save(
            request,
            audit: AuditEvent(
                .legalAssistance,
                by: actor,
                at: now,
                subject: "mla:\(request.id)",
                concerns: request.requested,
                detail: "sent: \(request.reference), \(request.urgency.rawValue)"
            )
        )
    }

    /// The requested member acknowledges, executes in whole or part, or refuses with grounds; the requester withdraws.
    public func act(
        _ action: LegalAssistanceRequest.Action,
        on id: LegalAssistanceRequest.ID,
        text: String?,
        conditions: String?,
        by actor: Actor
    ) async throws -> LegalAssistanceRequest {
        try actor.require(.legalAssistance)
        let now = Date().wholeMilliseconds
        let request = try await stored(id, for: actor)
        let next = try request.taking(action, text: text, conditions: conditions, by: actor, at: now)
        return try await repositories.cooperation.save(
            next,
            audit: AuditEvent(
                .legalAssistance,
                by: actor,
                at: now,
                subject: "mla:\(id)",
                concerns: request.parties.first { $0 != actor.member },
                detail: next.status.words
            )
        )
    }

    private func stored(_ id: LegalAssistanceRequest.ID, for actor: Actor) async throws -> LegalAssistanceRequest {
        guard let request = try await repositories.cooperation.document(LegalAssistanceRequest.self, id: id),
            request.parties.contains(actor.member)
        else { throw DomainError.notFound(entity: "legal assistance request", id: id.description) }
        return request
    }
}
