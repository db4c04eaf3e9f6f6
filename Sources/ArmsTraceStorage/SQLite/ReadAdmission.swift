import GRDB
import Synchronization

/// Admits at most as many concurrent reads as GRDB's pool has reader connections; the others wait here,
/// asynchronously.
///
/// GRDB's reader pool makes a read that finds every connection busy wait on a semaphore, blocking a dispatch thread.
/// On Linux, with few cores, enough of those starve the threads that the busy readers need to finish, and the process
/// hangs: 64 concurrent searches on 2 cores did it. Waiting here instead blocks no thread.
final class ReadAdmission: Sendable {
    private struct State {
        var available: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(permits: Int) {
        state = Mutex(State(available: max(1, permits)))
    }

    /// Runs `body` once a permit is free, and frees it after.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let admitted = state.withLock { state in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        if admitted { return }
        await withCheckedContinuation { continuation in
            let admittedNow = state.withLock { state in
                // A permit may have been freed since the first look.
                guard state.available > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.available -= 1
                return true
            }
            if admittedNow { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            // The permit passes straight to the longest waiter, if any.
            guard !state.waiting.isEmpty else {
                state.available += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}

/// A repository over GRDB that reads through a ``ReadAdmission``.
protocol SQLiteRepository {
    var writer: any DatabaseWriter { get }
    var admission: ReadAdmission { get }
}

extension SQLiteRepository {
    /// `writer.read`, admitted, with GRDB errors translated at the storage boundary.
    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await admission.run { try await writer.read(value) }
        } catch let error as DatabaseError {
            throw StorageError.translate(error)
        }
    }
}
