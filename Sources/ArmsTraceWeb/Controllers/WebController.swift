import ArmsTraceDomain
import Hummingbird
import Mustache

/// The HTML pages. For now the public home page, which says what the service is and where its API is described,
/// and shows nothing that needs a login; the pages for officers and analysts build on the same templates.
struct WebController {
    let templates: MustacheLibrary
    let members: any MemberRepository
    /// The stylesheet, read once at startup; pages link it, since the content security policy refuses inline styles.
    let stylesheet: String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: home)
        router.get("static/app.css", use: css)
    }

    @Sendable func css(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: stylesheet))
        )
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let page: [String: Any] = [
            "title": "ArmsTrace",
            "memberCount": try await members.list().count,
        ]
        return try HTML(templates, "home", page)
    }
}
