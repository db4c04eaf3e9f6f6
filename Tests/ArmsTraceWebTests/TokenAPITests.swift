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

/// A member's admin manages its users: adds one with a first token, and offboards one by revoking its tokens.
@Suite struct UserAPITests {
    @Test func anAdminAddsAUserAndRevokesItsTokens() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let added = try await client.execute(
                uri: "/api/v1/users",
                method: .post,
                headers: world.headers("kenAdmin"),
                body: json(["name": "Wanjiru", "role": "auditor"])
            )
            #expect(added.status == .created, "\(added.text)")
            let token = try #require(added.object["token"] as? String)
            let id = try #require((added.object["user"] as? [String: Any])?["id"] as? String)
            #expect((added.object["user"] as? [String: Any])?["member"] as? String == "KEN", "always the admin's own member")
            #expect(try await client.execute(uri: "/api/v1/audit", method: .get, headers: world.headers(token)).status == .ok)
            let users = try await client.execute(uri: "/api/v1/users", method: .get, headers: world.headers("kenAdmin")).object
            #expect((users["users"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == true)
            let bad = try await client.execute(
                uri: "/api/v1/users",
                method: .post,
                headers: world.headers("kenAdmin"),
                body: json(["name": "", "role": "boss"])
            )
            #expect(bad.errorFields == ["name", "role"])

            #expect(
                try await client.execute(uri: "/api/v1/users/\(id)/revoke-tokens", method: .post, headers: world.headers("ugaAdmin")).status
                    == .notFound
            )
            let revoked = try await client.execute(uri: "/api/v1/users/\(id)/revoke-tokens", method: .post, headers: world.headers("kenAdmin"))
            #expect(revoked.object["revoked"] as? Int == 1)
            #expect(try await client.execute(uri: "/api/v1/audit", method: .get, headers: world.headers(token)).status == .unauthorized)
        }
    }
}
