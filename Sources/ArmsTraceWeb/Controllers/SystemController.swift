import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Routes without authentication: the health check and the API's OpenAPI document.
struct SystemController {
    /// Whether the store answers; see ``Repositories/checkHealth``.
    let checkHealth: @Sendable () async throws -> Void
    /// The OpenAPI 3.1 document, read once at startup.
    let openAPIDocument: String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health", use: health)
        router.get("api/v1/openapi.yaml", use: openAPI)
    }

    struct Health: ResponseEncodable {
        var status: String
    }

    /// `{"status": "ok"}` when the store answers a read; 503 `{"status": "unavailable"}` otherwise, with the reason
    /// in the log only.
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Health> {
        do {
            try await checkHealth()
            return EditedResponse(response: Health(status: "ok"))
        } catch {
            context.logger.error("health check failed", metadata: ["error": "\(String(reflecting: error))"])
            return EditedResponse(status: .serviceUnavailable, response: Health(status: "unavailable"))
        }
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: openAPIDocument))
        )
    }
}
