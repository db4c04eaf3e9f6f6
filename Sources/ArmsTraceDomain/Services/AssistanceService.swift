public import Foundation

/// Assistance on request (PoA III 6): members post needs and offers, ArmsTrace proposes offers for each need, and
/// the need moves through its lifecycle with both parties recorded. Every signed-in role but the auditor reads;
/// the member's admins post and move its needs and offers.
public struct AssistanceService: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// A need with the offers proposed for it; proposals go to the need's member only, and only while it looks for one.
    public struct NeedView: Sendable, Encodable {
        public var need: AssistanceNeed
        public var matches: [AssistanceMatch]
    }

    /// Every need, as the actor may see it, newest first; optionally of one status.
    public func needs(status: AssistanceNeed.Status? = nil, by actor: Actor) async throws -> [AssistanceNeed] {
        try actor.require(.readCooperation)
        return try await repositories.cooperation.documents(AssistanceNeed.self, party: nil)
            .filter { status == nil || $0.status == status }
            .reversed()
            .map { $0.visible(to: actor.member) }
    }

    /// Every offer, newest first; optionally only the open ones.
    public func offers(openOnly: Bool = false, by actor: Actor) async throws -> [AssistanceOffer] {
        try actor.require(.readCooperation)
        return try await repositories.cooperation.documents(AssistanceOffer.self, party: nil)
            .filter { !openOnly || $0.status == .open }
            .reversed()
    }

    public func need(_ id: AssistanceNeed.ID, by actor: Actor) async throws -> NeedView {
        try actor.require(.readCooperation)
        let need = try await stored(id)
        var matches: [AssistanceMatch] = []
        if need.member == actor.member && need.status == .proposed {
            matches = AssistanceMatching.rank(need, among: try await repositories.cooperation.documents(AssistanceOffer.self, party: nil))
        }
        return NeedView(need: need.visible(to: actor.member), matches: matches)
    }

    public func offer(_ id: AssistanceOffer.ID, by actor: Actor) async throws -> AssistanceOffer {
        try actor.require(.readCooperation)
        guard let offer = try await repositories.cooperation.document(AssistanceOffer.self, id: id) else {
            throw DomainError.notFound(entity: "offer", id: id.description)
        }
        return offer
    }

    public func post(_ input: AssistanceNeedInput, by actor: Actor) async throws -> AssistanceNeed {
        try actor.require(.manageCooperation)
        let now = Date().wholeMilliseconds
        let need = try input.validated(by: actor, at: now)
        return try await repositories.cooperation.save(
            need,
            audit: AuditEvent(.assistance, by: actor, at: now, subject: "need:\(need.id)", detail: "need posted: \(need.area.words), \(need.title)")
        )
    }

    public func post(_ input: AssistanceOfferInput, by actor: Actor) async throws -> AssistanceOffer {
        try actor.require(.manageCooperation)
        let now = Date().wholeMilliseconds
        let offer = try input.validated(by: actor, at: now)
        return try await repositories.cooperation.save(
            offer,
            audit: AuditEvent(.assistance, by: actor, at: now, subject: "offer:\(offer.id)", detail: "offer posted: \(offer.title)")
        )
    }

    /// Closes one of the member's offers: it is proposed no more; needs already matched to it keep it.
    public func close(_ id: AssistanceOffer.ID, by actor: Actor) async throws -> AssistanceOffer {
        try actor.require(.manageCooperation)
        var offer = try await offer(id, by: actor)
        guard offer.member == actor.member else { throw DomainError.forbidden("only \(offer.member) closes its offer") }
        guard offer.status == .open else { throw DomainError.invalid(field: "status", "the offer is already closed") }
        offer.status = .closed
        return try await repositories.cooperation.save(
            offer,
            audit: AuditEvent(.assistance, by: actor, subject: "offer:\(offer.id)", detail: "offer closed: \(offer.title)")
        )
    }

    /// Moves a need on: its member accepts an offer (`matched`), either party starts the work or records the
    /// outcome, its member withdraws it.
    public func step(
        _ id: AssistanceNeed.ID,
        to status: AssistanceNeed.Status,
        offer: AssistanceOffer.ID?,
        note: String?,
        by actor: Actor
    ) async throws -> AssistanceNeed {
        try actor.require(.manageCooperation)
        let need = try await stored(id)
        guard need.parties.contains(actor.member) else { throw DomainError.forbidden("only the parties move a need") }
        var matched: AssistanceOffer?
        if let offer {
            matched = try await repositories.cooperation.document(AssistanceOffer.self, id: offer)
            if matched == nil { throw DomainError.invalid(field: "offer", "no offer \(offer)") }
        }
        let now = Date().wholeMilliseconds
        let next = try need.taking(status, offer: matched, note: note, by: actor, at: now)
        let other = next.parties.first { $0 != actor.member }
        return try await repositories.cooperation.save(
            next,
            audit: AuditEvent(
                .assistance,
                by: actor,
                at: now,
                subject: "need:\(id)",
                concerns: other,
                detail: "need \(status.words)" + (matched.map { ": offer \($0.id) of \($0.member)" } ?? "")
            )
        )
    }

    private func stored(_ id: AssistanceNeed.ID) async throws -> AssistanceNeed {
        guard let need = try await repositories.cooperation.document(AssistanceNeed.self, id: id) else {
            throw DomainError.notFound(entity: "need", id: id.description)
        }
        return need
    }
}
