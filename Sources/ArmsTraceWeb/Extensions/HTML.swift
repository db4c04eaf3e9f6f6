import Hummingbird
import Mustache

/// An HTML page as a response: `text/html; charset=utf-8`, rendered from a template that was loaded at startup.
struct HTML: ResponseGenerator {
    let html: String

    /// Renders `template` with `object`; Mustache escapes every `{{value}}`.
    /// - Throws: when the template does not exist, which startup already rules out.
    init(_ library: MustacheLibrary, _ template: String, _ object: Any) throws {
        guard let html = library.render(object, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "template \(template) is missing")
        }
        self.html = html
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}
