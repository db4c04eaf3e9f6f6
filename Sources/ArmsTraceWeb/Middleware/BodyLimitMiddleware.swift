import HTTPTypes
import Hummingbird

/// Refuses with 413, before reading any of it, a request whose declared body is larger than where it goes takes
/// (``APIJSON/maxBodySize`` for the API, ``WebForm/maxBodySize`` for the pages' forms), so that many large bodies
/// at once cost the server no memory. A body sent without a length is cut off at the same limit as it is read.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            let limit = request.uri.path.hasPrefix("/api/") ? APIJSON.maxBodySize : WebForm.maxBodySize
            if length > limit { throw HTTPError(.contentTooLarge) }
        }
        return try await next(request, context)
    }
}
