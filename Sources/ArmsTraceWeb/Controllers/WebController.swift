import ArmsTraceDomain
import Hummingbird
import Mustache

/// The HTML pages. For now the public home page, which says what the service is and where its API is described,
/// and shows nothing that needs a login; the pages for officers and analysts build on the same templates.
struct WebController {
    let templates: MustacheLibrary
    let members: any MemberRepository

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: home)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let page: [String: Any] = [
            "title": "ArmsTrace",
            "memberCount": try await members.list().count,
        ]
        return try HTML(templates, "home", page)
    }
}
