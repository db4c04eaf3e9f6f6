/// The member's own settings, read by its users and set by its admins.
public struct MemberService: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// The actor's member's settings.
    public func settings(by actor: Actor) async throws -> MemberSettings {
        try await repositories.members.settings(of: actor.member)
    }

    /// Sets the actor's member's settings.
    /// - Throws: `.forbidden` unless the actor is an admin; `.invalid` naming each bad field.
    public func setSettings(_ settings: MemberSettings, by actor: Actor) async throws -> MemberSettings {
        try actor.require(.manageMember)
        try settings.validate()
        try await repositories.members.setSettings(settings, by: actor)
        return settings
    }
}
