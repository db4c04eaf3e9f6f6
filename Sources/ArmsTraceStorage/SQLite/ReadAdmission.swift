import GRDB
import Synchronization

/// Admits at most as many concurrent reads as GRDB's pool has reader connections; the others wait here,
/// asynchronously. And knows when a bulk write holds the writer connection (see ``SQLiteRepository/readOnWriter(_:)``).
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
    /// How many bulk writes (imports) this process runs on the writer connection now.
    private let bulkWrites = Atomic<Int>(0)

    init(permits: Int) {
        state = Mutex(State(available: max(1, permits)))
    }

    /// Runs `body` once a permit is free, and frees it after.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    /// Runs `body`, a write that holds the writer connection for long (an import's transactions of seconds), with
    /// the reads that would use the writer sent to the readers meanwhile rather than queued behind it.
    func duringBulkWrite<T>(_ body: () async throws -> T) async throws -> T {
        bulkWrites.add(1, ordering: .relaxed)
        defer { bulkWrites.subtract(1, ordering: .relaxed) }
        return try await body()
    }

    /// Whether a bulk write holds the writer connection.
    var writerIsHeldByBulkWrite: Bool { bulkWrites.load(ordering: .relaxed) > 0 }

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

    /// A read of a few rows on the connection that writes, in a transaction of its own (one snapshot, no lock taken):
    /// for reads on the path of every request (a token's user, a search's context).
    ///
    /// SQLite empties a connection's page cache when it begins a read after another connection has committed, and
    /// every search commits its log: each read on the pool's readers started cold and read every page it touched from
    /// the file again. The connection that commits keeps its cache, so the same read there costs a fraction (over
    /// HTTP, a third more searches a second with 20 candidates each, nearly twice as many that match nothing). It
    /// waits its turn with the writes, which wait for it in turn: reads of more than a millisecond or so (lists,
    /// exports, reports) stay on the readers, and so does this one while an import holds the writer
    /// (``ReadAdmission/duringBulkWrite(_:)``).
    func readOnWriter<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if admission.writerIsHeldByBulkWrite { return try await read(value) }
        do {
            return try await writer.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.deferred) {
                    result = try value(db)
                    return .commit
                }
                guard let result else { throw StorageError("a read on the writer connection gave no result") }
                return result
            }
        } catch let error as DatabaseError {
            throw StorageError.translate(error)
        }
    }
}
