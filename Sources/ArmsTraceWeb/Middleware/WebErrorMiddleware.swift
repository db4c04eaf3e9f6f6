import ArmsTraceDomain
import Hummingbird
import Logging

/// Turns errors on the HTML pages into an error page in the layout, with the status and message that
/// ``APIError`` (the one place where domain errors become HTTP) gives them; a session that is gone leads to the
/// sign-in page.
struct WebErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let renderer: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch DomainError.unauthenticated {
            return WebSessionMiddleware.toSignIn(from: request)
        } catch {
            let apiError = APIError(error)
            if apiError.status.code >= 500 {
                context.logger.error("page failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return try renderer.error(apiError, session: context.webSession)
        }
    }
}
