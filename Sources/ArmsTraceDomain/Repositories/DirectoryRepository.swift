public import Foundation

/// Stores the directory of members' agencies and points of contact.
public protocol DirectoryRepository: Sendable {
    /// Every entry, or one member's, by member, role and name.
    func contacts(member: MemberCode?) async throws -> [PointOfContact]

    /// Adds an entry of the actor's member, or replaces one, with the audit entry.
    /// - Throws: `.notFound` for an entry that is not the actor's member's.
    func save(_ contact: PointOfContact, by actor: Actor) async throws

    /// Marks an entry of the actor's member current as of `now`.
    func confirm(_ id: PointOfContact.ID, by actor: Actor, at now: Date) async throws -> PointOfContact

    /// Removes an entry of the actor's member, with the audit entry.
    func remove(_ id: PointOfContact.ID, by actor: Actor) async throws
}
