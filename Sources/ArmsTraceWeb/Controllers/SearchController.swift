import ArmsTraceDomain
import Foundation
import Hummingbird

/// `/api/v1/searches` and `/api/v1/notifications`: hit/no-hit searches, and the notices they leave for the owners of
/// the records they match.
struct SearchController {
    let service: SearchService

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("searches", use: search)
        group.get("notifications", use: notifications)
        group.post("notifications/:id/release", use: release)
    }

    /// The owner releases a restricted hit's record to the member that searched.
    @Sendable func release(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<HitRelease> {
        let text = context.parameters.get("id") ?? ""
        guard let id = HitNotice.ID(text) else { throw APIError.badParameter("id", "'\(text)' is not a notice ID") }
        return JSONBody(try await service.release(id, by: context.actor))
    }

    /// The answer is written by ``SearchResult/jsonBytes()``, the same JSON as the API's encoder at a fraction of
    /// the cost.
    @Sendable func search(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: SearchRequest.self, context: context)
        let result = try await service.search(input, by: context.actor)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: result.jsonBytes()))
        )
    }

    @Sendable func notifications(_ request: Request, context: AuthenticatedContext) async throws -> CursorPage<HitNotice> {
        let (limit, cursor) = try request.pageParameters()
        let page = try await service.notices(limit: limit, cursor: cursor, by: context.actor)
        return CursorPage("notifications", page)
    }
}
