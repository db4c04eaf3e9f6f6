import Logging
import ServiceLifecycle

/// Work the server repeats at an interval while it runs (the search index's catch-up, the trace deadline check),
/// as a service of the application's service group: it stops when the server shuts down, and a failed round is
/// logged and retried at the next one.
struct PeriodicJob: Service {
    /// For the log.
    let name: String
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await work() } catch is CancellationError { return } catch {
                    logger.error("\(name) failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
