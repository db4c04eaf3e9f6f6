/// Stores the members of ArmsTrace.
public protocol MemberRepository: Sendable {
    /// Adds a member.
    /// - Throws: `DomainError.conflict` when a member with the same code exists.
    func create(_ member: Member) async throws

    /// The member with this code.
    /// - Throws: `DomainError.notFound` when there is none.
    func get(_ code: MemberCode) async throws -> Member

    /// Every member, sorted by code.
    func list() async throws -> [Member]

    /// Those of `codes` that name existing members.
    func existing(_ codes: [MemberCode]) async throws -> Set<MemberCode>

    /// The member's settings; the standard ones until its admin sets them.
    func settings(of member: MemberCode) async throws -> MemberSettings

    /// Sets the actor's member's settings, with the audit entry, in one transaction.
    func setSettings(_ settings: MemberSettings, by actor: Actor) async throws
}
