import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// An HTML page as a response: `text/html; charset=utf-8`, rendered from a template that was loaded at startup.
struct HTML: ResponseGenerator {
    let html: String
    var status: HTTPResponse.Status = .ok

    /// The content security policy of every page: nothing from other sites, no inline scripts or styles, no
    /// framing, forms posted only here.
    static let contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    /// Renders `template` with `object`; Mustache escapes every `{{value}}`.
    /// - Throws: when the template does not exist, which startup already rules out.
    init(_ library: MustacheLibrary, _ template: String, _ object: Any, status: HTTPResponse.Status = .ok) throws {
        guard let html = library.render(object, withTemplate: template) else {
            throw HTTPError(.internalServerError, message: "template \(template) is missing")
        }
        self.html = html
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response { response() }

    func response() -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: Self.contentSecurityPolicy,
                .xContentTypeOptions: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// Text made safe inside HTML or SVG, for the few fragments the server writes itself (charts, marked serials):
    /// `&`, `<`, `>` and `"` as entities.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
