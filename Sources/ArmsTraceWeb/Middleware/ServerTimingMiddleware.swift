import HTTPTypes
import Hummingbird

/// Says on every response how long the server spent on it, as `Server-Timing: app;dur=<milliseconds>`: browsers'
/// developer tools show it, and `scripts/page-timings` reads it to measure pages without the network.
struct ServerTimingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[.serverTiming] = "app;dur=\((milliseconds * 10).rounded() / 10)"
        return response
    }
}

extension HTTPField.Name {
    static let serverTiming = Self("Server-Timing")!
}
