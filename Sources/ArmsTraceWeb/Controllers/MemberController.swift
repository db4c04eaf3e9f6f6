import ArmsTraceDomain
import Hummingbird

/// `/api/v1/me` and `/api/v1/members`: who the caller is, and which members records can be shared with.
struct MemberController {
    let members: any MemberRepository

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("me", use: me)
        group.get("members", use: list)
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
