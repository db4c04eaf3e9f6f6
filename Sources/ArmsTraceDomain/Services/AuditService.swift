/// The member's audit trail, for its auditors. Reading it is itself recorded.
public struct AuditService: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// A page of the entries by the actor's member or concerning its data, newest first.
    /// - Throws: `.forbidden` for any role but auditor; `.invalid` for a bad limit or cursor.
    public func entries(limit: Int, cursor: String?, by actor: Actor) async throws -> Page<AuditEntry> {
        try actor.require(.readAudit)
        try RecordQuery.checkLimit(limit)
        let page = try await repositories.audit.entries(for: actor.member, limit: limit, cursor: cursor)
        try await repositories.audit.append(AuditEvent(.auditRead, by: actor, detail: "\(page.items.count) entries"))
        return page
    }
}
