import ArmsTraceDomain
import Synchronization

/// Writes that many requests make at once (the search log and its notices), committed together: one transaction
/// and one `fsync` for every write waiting when the previous commit ends, instead of one each (and on PostgreSQL one
/// turn at the audit chain's lock).
///
/// Each caller returns only once its own write is committed, so durability is that of a lone transaction. If a
/// batch fails, its writes are retried one by one, so that one bad write fails alone.
final class GroupCommit<Item: Sendable>: Sendable {
    private struct Waiting {
        var item: Item
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var queue: [Waiting] = []
        var draining = false
    }

    private let commit: @Sendable ([Item]) async throws -> Void
    private let state = Mutex(State())

    /// - Parameter commit: writes the items in one transaction, all or none.
    init(commit: @escaping @Sendable ([Item]) async throws -> Void) {
        self.commit = commit
    }

    /// Writes `item` with whatever else is waiting; returns once it is committed.
    func write(_ item: Item) async throws {
        try await withCheckedThrowingContinuation { continuation in
            let startsDraining = state.withLock { state in
                state.queue.append(Waiting(item: item, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            // Every caller waiting here has done its work and needs only the commit: the drain runs ahead of new
            // requests' work in the executor's queue, so that under load they do not wait behind it. Side by side at
            // 1,000 searches/s over 64 connections: p99 17-27 ms, against 20-41 ms at the default priority.
            if startsDraining { Task(priority: .high) { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state in
                let batch = state.queue
                state.queue = []
                if batch.isEmpty { state.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let items = batch.map(\.item)
            do {
                try await commit(items)
                for waiting in batch { waiting.continuation.resume() }
            } catch {
                for waiting in batch {
                    let item = waiting.item
                    do {
                        try await commit([item])
                        waiting.continuation.resume()
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            }
        }
    }
}

/// A search with its notices: one item of the search log's group commit.
struct LoggedSearch: Sendable {
    var search: SearchLogEntry
    var notices: [HitNotice]
}
