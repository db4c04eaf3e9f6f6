public import ArmsTraceDomain
import Synchronization

/// A search index that loads in the background, so that a server with millions of records starts at once.
///
/// Until the load is done, searches throw `DomainError.unavailable` (the API answers 503 with the progress) and
/// records created or changed meanwhile are kept and applied when it is done, so none is missed.
///
/// ```swift
/// let index = LoadingSerialIndex()
/// Task { try await index.load(from: repositories.searches) }
/// ```
public final class LoadingSerialIndex: SerialSearchIndex, Sendable {
    private enum State {
        case loading(loaded: Int, pending: [SearchEntry])
        case ready(SerialIndex, position: String?)
        case failed(String)
    }

    private let state = Mutex<State>(.loading(loaded: 0, pending: []))

    public init() {}

    /// Loads every record of the store, then applies the changes that arrived meanwhile and starts answering.
    /// - Returns: the loaded index.
    @discardableResult
    public func load(from repository: any SearchRepository) async throws -> SerialIndex {
        do {
            let (index, position) = try await SerialIndex.load(from: repository) { loaded in
                self.state.withLock { state in
                    if case .loading(_, let pending) = state { state = .loading(loaded: loaded, pending: pending) }
                }
            }
            state.withLock { state in
                if case .loading(_, let pending) = state { for entry in pending { index.upsert(entry) } }
                state = .ready(index, position: position)
            }
            return index
        } catch {
            state.withLock { $0 = .failed(String(describing: error)) }
            throw error
        }
    }

    /// Where the load stands: what the server's readiness check (`GET /ready`) reports.
    public enum Status: Sendable, Equatable {
        /// Searches answer `unavailable` until the load is done; `loaded` records are in so far.
        case loading(loaded: Int)
        /// Searches are answered.
        case ready
        /// The load failed; searches answer `unavailable` until the server restarts (the log says why).
        case failed
    }

    /// Where the load stands now.
    public var status: Status {
        state.withLock { state in
            switch state {
            case .loading(let loaded, _): .loading(loaded: loaded)
            case .ready: .ready
            case .failed: .failed
            }
        }
    }

    /// The loaded index, or `nil` while it loads.
    public var index: SerialIndex? {
        state.withLock { state in
            if case .ready(let index, _) = state { return index }
            return nil
        }
    }

    /// Adds what the store gained since the load or the last catch-up (records another process wrote); does nothing
    /// before the load is done.
    public func catchUp(from repository: any SearchRepository) async throws {
        let ready: (SerialIndex, String?)? = state.withLock { state in
            if case .ready(let index, let position) = state { return (index, position) }
            return nil
        }
        guard let (index, position) = ready else { return }
        let newPosition = try await index.catchUp(from: repository, after: position)
        state.withLock { state in
            if case .ready(let current, _) = state, current === index { state = .ready(index, position: newPosition) }
        }
    }

    public func search(_ query: SerialQuery, viewer: MemberCode) throws -> IndexAnswer {
        let current: SerialIndex = try state.withLock { state in
            switch state {
            case .ready(let index, _): return index
            case .loading(let loaded, _):
                throw DomainError.unavailable("the search index is loading (\(loaded) records so far); try again shortly", retryAfter: 5)
            case .failed:
                throw DomainError.unavailable("the search index could not be loaded; the server log says why")
            }
        }
        return current.search(query, viewer: viewer)
    }

    public func upsert(_ entry: SearchEntry) {
        let current: SerialIndex? = state.withLock { state in
            switch state {
            case .ready(let index, _): return index
            case .loading(let loaded, var pending):
                pending.append(entry)
                state = .loading(loaded: loaded, pending: pending)
                return nil
            case .failed: return nil
            }
        }
        current?.upsert(entry)
    }
}
