import ArmsTraceDomain
import Foundation
import Testing

extension RepositoryConformance {
    /// A key is claimed once; while its request runs another call waits; its answer is replayed; another request
    /// with it is refused; a failed request gives it up; an abandoned claim is taken over; a day later it is free.
    func idempotencyKeysReplayTheirAnswerAndRefuseAnotherRequest() async throws {
        let repositories = try await seeded()
        let keys = repositories.idempotency
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let answer = IdempotentResponse(status: 201, body: Data(#"{"id":"1"}"#.utf8), location: "/api/v1/records/1")
        #expect(try await keys.claim(member: Self.ken, key: "k1", fingerprint: "a", at: now, stale: 60) == .claimed)
        #expect(try await keys.claim(member: Self.ken, key: "k1", fingerprint: "a", at: now, stale: 60) == .inProgress)
        #expect(try await keys.claim(member: Self.ken, key: "k1", fingerprint: "b", at: now, stale: 60) == .mismatch)
        #expect(try await keys.claim(member: Self.uga, key: "k1", fingerprint: "b", at: now, stale: 60) == .claimed, "keys are per member")
        try await keys.complete(member: Self.ken, key: "k1", response: answer)
        try await keys.release(member: Self.ken, key: "k1")
        #expect(try await keys.claim(member: Self.ken, key: "k1", fingerprint: "a", at: now, stale: 60) == .answered(answer))

        #expect(try await keys.claim(member: Self.ken, key: "k2", fingerprint: "a", at: now, stale: 60) == .claimed)
        try await keys.release(member: Self.ken, key: "k2")
        #expect(try await keys.claim(member: Self.ken, key: "k2", fingerprint: "c", at: now, stale: 60) == .claimed, "released: free again")
        let later = now.addingTimeInterval(120)
        #expect(try await keys.claim(member: Self.ken, key: "k2", fingerprint: "c", at: later, stale: 60) == .claimed, "abandoned: taken over")
        let tomorrow = now.addingTimeInterval(86_400 + 300)
        #expect(try await keys.claim(member: Self.ken, key: "k1", fingerprint: "z", at: tomorrow, stale: 60) == .claimed, "a day on: forgotten")
    }
}
