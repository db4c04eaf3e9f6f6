import ArmsTraceSearch
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Routes without authentication: the health and readiness checks and the API's OpenAPI document.
struct SystemController {
    /// Whether the store answers; see ``Repositories/checkHealth``.
    let checkHealth: @Sendable () async throws -> Void
    /// Where the search index's load stands.
    let searchIndexStatus: @Sendable () -> LoadingSerialIndex.Status
    /// The OpenAPI 3.1 document, read once at startup.
    let openAPIDocument: String

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("health", use: health)
        router.get("ready", use: ready)
        router.get("api/v1/openapi.yaml", use: openAPI)
    }

    struct Health: ResponseEncodable {
        var status: String
    }

    /// `{"status": "ok"}` when the store answers a read; 503 `{"status": "unavailable"}` otherwise, with the reason
    /// in the log only.
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Health> {
        guard await storeAnswers(context) else {
            return EditedResponse(status: .serviceUnavailable, response: Health(status: "unavailable"))
        }
        return EditedResponse(response: Health(status: "ok"))
    }

    struct Readiness: ResponseEncodable {
        var status: String
        /// While loading: how many records are in so far.
        var recordsLoaded: Int?
    }

    /// Whether the server is ready for every request: `{"status": "ready"}` once the store answers a read and the
    /// search index is loaded. Until then 503: `loading` (with the records loaded so far and `Retry-After`), `failed`
    /// when the index could not be loaded (a restart is needed), `unavailable` when the store does not answer.
    /// `/health` answers `ok` meanwhile: the server is alive, and a supervisor should not restart it for loading; a
    /// load balancer should route by this check.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Readiness> {
        switch searchIndexStatus() {
        case .loading(let loaded):
            return EditedResponse(
                status: .serviceUnavailable,
                headers: [.retryAfter: "5"],
                response: Readiness(status: "loading", recordsLoaded: loaded)
            )
        case .failed:
            return EditedResponse(status: .serviceUnavailable, response: Readiness(status: "failed"))
        case .ready:
            break
        }
        guard await storeAnswers(context) else {
            return EditedResponse(status: .serviceUnavailable, response: Readiness(status: "unavailable"))
        }
        return EditedResponse(response: Readiness(status: "ready"))
    }

    /// Whether the store answers a read; why not goes to the log.
    private func storeAnswers(_ context: AppRequestContext) async -> Bool {
        do {
            try await checkHealth()
            return true
        } catch {
            context.logger.error("health check failed", metadata: ["error": "\(String(reflecting: error))"])
            return false
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
