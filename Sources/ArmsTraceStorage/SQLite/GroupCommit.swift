import GRDB
import Synchronization

/// Writes that many requests make at once (the search log and its notices), committed together: one transaction
/// and one `fsync` for every write waiting when the previous commit ends, instead of one each.
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

    private let writer: any DatabaseWriter
    private let apply: @Sendable (Database, Item) throws -> Void
    private let state = Mutex(State())

    /// - Parameter apply: writes one item inside the batch's transaction.
    init(writer: any DatabaseWriter, apply: @escaping @Sendable (Database, Item) throws -> Void) {
        self.writer = writer
        self.apply = apply
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
            if startsDraining { Task { await self.drain() } }
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
                try await writer.translatedWrite { db in for item in items { try self.apply(db, item) } }
                for waiting in batch { waiting.continuation.resume() }
            } catch {
                for waiting in batch {
                    let item = waiting.item
                    do {
                        try await writer.translatedWrite { db in try self.apply(db, item) }
                        waiting.continuation.resume()
                    } catch {
                        waiting.continuation.resume(throwing: error)
                    }
                }
            }
        }
    }
}
