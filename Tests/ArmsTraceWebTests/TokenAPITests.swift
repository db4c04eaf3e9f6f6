import ArmsTraceDomain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A user's own API tokens: issued with a name and an expiry and shown once, listed without secrets, revoked at once.
@Suite struct TokenAPITests {
    @Test func issueListUseAndRevoke() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let issued = try await client.execute(
                uri: "/api/v1/tokens",
                method: .post,
                headers: world.headers("ken"),
                body: json(["name": "field laptop", "expires_in_days": 7])
            )
            #expect(issued.status == .created, "\(issued.text)")
            let secret = try #require(issued.object["token"] as? String)
            let expiresAt = try #require((issued.object["expires_at"] as? String).flatMap(TraceAPITests.date))
            #expect(abs(expiresAt.timeIntervalSinceNow - 7 * 86_400) < 60)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: world.headers(secret)).status == .ok)

            let list = try await client.execute(uri: "/api/v1/tokens", method: .get, headers: world.headers("ken"))
            #expect(!list.text.contains(secret), "the secret is never listed")
            let tokens = try #require(list.object["tokens"] as? [[String: Any]])
            #expect(tokens.map { $0["name"] as? String } == ["field laptop", "test"])
            let id = try #require(tokens.first?["id"] as? String)

            #expect(try await client.execute(uri: "/api/v1/tokens/\(id)", method: .delete, headers: world.headers("uga")).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/tokens/\(id)", method: .delete, headers: world.headers("ken")).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: world.headers(secret)).status == .unauthorized)
            #expect(try await client.execute(uri: "/api/v1/tokens/\(id)", method: .delete, headers: world.headers("ken")).status == .conflict)

            let bad = try await client.execute(
                uri: "/api/v1/tokens",
                method: .post,
                headers: world.headers("ken"),
                body: json(["name": " ", "expires_in_days": 400])
            )
            #expect(bad.errorFields == ["name", "expires_in_days"])
        }
    }
}
