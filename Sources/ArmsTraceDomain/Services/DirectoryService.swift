public import Foundation

/// The directory of members' national coordination agencies and points of contact (PoA III 5 and 7). Every
/// signed-in role reads it; a member's admins keep its own entries, each change in the audit trail.
public struct DirectoryService: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// Every entry, or one member's.
    public func contacts(member: MemberCode?, by actor: Actor) async throws -> [PointOfContact] {
        try await repositories.directory.contacts(member: member)
    }

    /// Adds an entry for the actor's member.
    public func add(_ input: PointOfContactInput, by actor: Actor) async throws -> PointOfContact {
        try actor.require(.manageMember)
        let now = Date().wholeMilliseconds
        let contact = try input.validated(id: .generate(at: now), member: actor.member, at: now)
        try await repositories.directory.save(contact, by: actor)
        return contact
    }

    /// Replaces one of the actor's member's entries; saving it confirms it.
    public func update(_ id: PointOfContact.ID, with input: PointOfContactInput, by actor: Actor) async throws -> PointOfContact {
        try actor.require(.manageMember)
        let contact = try input.validated(id: id, member: actor.member, at: Date().wholeMilliseconds)
        try await repositories.directory.save(contact, by: actor)
        return contact
    }

    /// Says that one of the actor's member's entries is still current.
    public func confirm(_ id: PointOfContact.ID, by actor: Actor) async throws -> PointOfContact {
        try actor.require(.manageMember)
        return try await repositories.directory.confirm(id, by: actor, at: Date().wholeMilliseconds)
    }

    public func remove(_ id: PointOfContact.ID, by actor: Actor) async throws {
        try actor.require(.manageMember)
        try await repositories.directory.remove(id, by: actor)
    }
}
