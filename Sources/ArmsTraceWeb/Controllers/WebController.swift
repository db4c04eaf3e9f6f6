import ArmsTraceDomain
import Hummingbird
import Mustache

/// The public pages and files: the home page, which says what the service is and where its API is described and
/// shows nothing that needs a login, and the stylesheet and script every page links (the content security policy
/// refuses inline styles and scripts).
struct WebController {
    let templates: MustacheLibrary
    let members: any MemberRepository
    /// The files of `Resources/static`, read once at startup, by name.
    let staticFiles: [String: String]

    /// A file every page may link.
    struct StaticFile {
        var name: String
        var contentType: String

        static let all = [
            StaticFile(name: "app.css", contentType: "text/css; charset=utf-8"),
            StaticFile(name: "app.js", contentType: "text/javascript; charset=utf-8"),
        ]
    }

    /// Every template the server renders; startup fails when one is missing.
    static let templateNames = [
        "layout", "home", "login", "error", "account", "dashboard", "records", "record", "record-form", "upload", "search",
        "traces", "trace", "trace-new", "trace-sections", "trace-print", "trace-statistics", "notifications", "statistics",
        "settings", "audit", "reference", "reference-edit", "destruction-certificate", "stock",
        "stock-weapon", "stock-check", "stock-destruction", "stock-report", "directory",
    ]

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("/", use: home)
        for file in StaticFile.all {
            let body = staticFiles[file.name] ?? ""
            router.get("static/\(file.name)") { _, _ in
                Response(
                    status: .ok,
                    headers: [.contentType: file.contentType, .cacheControl: "public, max-age=3600"],
                    body: .init(byteBuffer: ByteBuffer(string: body))
                )
            }
        }
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> HTML {
        let page: [String: Any] = [
            "title": "ArmsTrace",
            "memberCount": try await members.list().count,
        ]
        return try HTML(templates, "home", page)
    }
}
