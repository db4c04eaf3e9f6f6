public import Foundation

/// An answer kept for an `Idempotency-Key`: what a retry of the same request gets back instead of doing it again.
public struct IdempotentResponse: Sendable, Equatable {
    public var status: Int
    public var body: Data
    /// The `Location` the first answer carried, if any.
    public var location: String?

    public init(status: Int, body: Data, location: String?) {
        self.status = status
        self.body = body
        self.location = location
    }
}

/// What claiming a key found.
public enum IdempotencyClaim: Sendable, Equatable {
    /// First use (or a claim abandoned for longer than the stale limit): do the request, then complete or release.
    case claimed
    /// The same request was answered before: replay the answer.
    case answered(IdempotentResponse)
    /// The same request is being done now by another call: wait and claim again.
    case inProgress
    /// The key was used for a different request: refuse.
    case mismatch
}

/// Keeps `Idempotency-Key`s per member for a day, each with a fingerprint of the request that used it and, once
/// done, its answer, so that a client may retry a write without doing it twice.
public protocol IdempotencyRepository: Sendable {
    /// Claims `key` for the request with `fingerprint`, in one transaction: a key held by a claim older than `stale`
    /// (a server that stopped mid-request) is taken over; keys older than a day are forgotten.
    func claim(member: MemberCode, key: String, fingerprint: String, at now: Date, stale: TimeInterval) async throws -> IdempotencyClaim

    /// Stores the answer of a claimed key.
    func complete(member: MemberCode, key: String, response: IdempotentResponse) async throws

    /// Gives a claimed key up, unanswered (the request failed): the next call with it starts afresh.
    func release(member: MemberCode, key: String) async throws
}
