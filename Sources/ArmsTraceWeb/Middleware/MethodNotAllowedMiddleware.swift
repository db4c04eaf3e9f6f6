import ArmsTraceDomain
import HTTPTypes
import Hummingbird
import Synchronization

/// Answers 405 with `Allow` when a path is served but not for the request's method (the router alone says 404, as
/// if the path did not exist); other misses stay 404.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The served routes, filled in once every route is registered (the middleware is added before them).
    final class Routes: Sendable {
        private let templates = Mutex<[(segments: [Substring], method: HTTPRequest.Method)]>([])

        /// Takes the router's routes: `(method, "/api/v1/records/{id}")`.
        func set(_ routes: [(method: HTTPRequest.Method, path: String)]) {
            templates.withLock { $0 = routes.map { (segments: $0.path.split(separator: "/"), method: $0.method) } }
        }

        /// The methods served at `path`, by the routes that match it most closely: as the router does, a fixed segment
        /// wins over a parameter (`/stock/weapons/{id}/movements` is not `/stock/weapons/{id}/{step}`).
        func methods(at path: String) -> [HTTPRequest.Method] {
            let parts = path.split(separator: "/")
            return templates.withLock { templates in
                let matching = templates.filter { template in
                    template.segments.count == parts.count
                        && zip(template.segments, parts).allSatisfy { Self.isParameter($0) || $0 == $1 }
                }
                let fixed = { (segments: [Substring]) in segments.map { Self.isParameter($0) ? 0 : 1 } }
                guard let best = matching.map({ fixed($0.segments) }).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
                return matching.filter { fixed($0.segments) == best }.map(\.method)
            }
        }

        private static func isParameter(_ segment: Substring) -> Bool { segment.hasPrefix("{") || segment.hasPrefix(":") }
    }

    let routes: Routes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let methods = routes.methods(at: request.uri.path)
            guard !methods.isEmpty, !methods.contains(request.method) else { throw error }
            let allowed = Set(methods.map(\.rawValue))
            var response = try APIError(
                status: .methodNotAllowed,
                code: "method_not_allowed",
                message: "\(request.method) is not served at this path; it serves \(allowed.sorted().joined(separator: ", "))"
            ).response(from: request, context: context)
            response.headers[.allow] = allowed.sorted().joined(separator: ", ")
            return response
        }
    }
}
