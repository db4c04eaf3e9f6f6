import ArmsTraceDomain
import Hummingbird

/// `/api/v1/me`, `/api/v1/members` and `/api/v1/settings`: who the caller is, which members records can be shared
/// with, and the caller's member's settings.
struct MemberController {
    let members: any MemberRepository
    let service: MemberService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("me", use: me)
        group.get("members", use: list)
        group.get("settings", use: settings)
        group.put("settings", use: setSettings)
    }

    @Sendable func settings(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<MemberSettings> {
        JSONBody(try await service.settings(by: context.actor))
    }

    @Sendable func setSettings(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<MemberSettings> {
        let settings = try await request.decodeJSON(as: MemberSettings.self, context: context)
        return JSONBody(try await service.setSettings(settings, by: context.actor))
    }

    struct Me: ResponseEncodable {
        var user: User
        var member: Member
    }

    struct Members: ResponseEncodable {
        var members: [Member]
    }

    @Sendable func me(_ request: Request, context: AuthenticatedContext) async throws -> Me {
        Me(user: context.user, member: try await members.get(context.user.member))
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Members {
        Members(members: try await members.list())
    }
}
