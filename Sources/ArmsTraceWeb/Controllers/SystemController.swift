import Foundation
import HTTPTypes
import Hummingbird

/// Routes without authentication: the health check and the API's OpenAPI document.
struct SystemController {
    /// The OpenAPI 3.1 document, read once at startup.
    let openAPIDocument: String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health", use: health)
        router.get("api/v1/openapi.yaml", use: openAPI)
    }

    struct Health: ResponseEncodable {
        var status: String
    }

    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Health {
        Health(status: "ok")
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: openAPIDocument))
        )
    }
}
