import ArmsTraceDomain
import Hummingbird

/// `/api/v1/audit`: the member's audit trail, for its auditors: every entry by the member's users or concerning its
/// data, newest first, with the hashes that chain it.
struct AuditController {
    let service: AuditService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("audit", use: list)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> CursorPage<AuditEntry> {
        let (limit, cursor) = try request.pageParameters()
        return CursorPage("entries", try await service.entries(limit: limit, cursor: cursor, by: context.actor))
    }
}
