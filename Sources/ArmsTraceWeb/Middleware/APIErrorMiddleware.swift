import ArmsTraceDomain
import Hummingbird
import Logging

/// Turns every error below it into the API's JSON error body (``APIError``), and logs what clients must not see.
///
/// Errors written for users (domain errors, 4xx HTTP errors) pass through with their message; anything else
/// becomes a bare 500 whose detail goes to the log only, with the request's ID.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError(error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return try apiError.response(from: request, context: context)
        }
    }
}
