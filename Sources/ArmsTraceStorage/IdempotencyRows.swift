import ArmsTraceDomain
import Foundation

/// What both engines share about idempotency keys: how long they are kept, and what a stored key means for a call.
enum IdempotencyRows {
    /// A key is forgotten a day after its first use.
    static let lifetime: TimeInterval = 86_400

    /// What a stored key means for a call with `requested`'s fingerprint; `nil` for a claim abandoned longer than
    /// `stale` ago, which the call takes over.
    static func existing(
        fingerprint: String,
        status: Int?,
        body: Data?,
        location: String?,
        createdAt: Date,
        requested: String,
        now: Date,
        stale: TimeInterval
    ) -> IdempotencyClaim? {
        if fingerprint != requested { return .mismatch }
        if let status { return .answered(IdempotentResponse(status: status, body: body ?? Data(), location: location)) }
        return createdAt.addingTimeInterval(stale) < now ? nil : .inProgress
    }
}
