import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `Idempotency-Key` on the API's writes: one record however often, and however concurrently, a create is retried.
@Suite struct IdempotencyTests {
    static let key = HTTPField.Name("Idempotency-Key")!

    static func records(_ client: some TestClientProtocol, _ world: TestWorld, ref: String) async throws -> Int {
        let page = try await client.execute(uri: "/api/v1/records?limit=500", method: .get, headers: world.headers("ken")).object
        return (page["records"] as? [[String: Any]] ?? []).filter { $0["external_ref"] as? String == ref }.count
    }

    @Test func aRetriedCreateMakesOneRecordAndAnswersTheSame() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let body = json(fullInput.with("external_ref", "IDEM-1"))
            var answers: Set<String> = []
            for attempt in 1...100 {
                let response = try await client.execute(
                    uri: "/api/v1/records",
                    method: .post,
                    headers: world.headers("ken", [Self.key: "create-IDEM-1"]),
                    body: body
                )
                #expect(response.status == .created)
                #expect(response.headers[HTTPField.Name("Idempotent-Replayed")!] == (attempt == 1 ? nil : "true"))
                #expect(response.headers[.location]?.hasPrefix("/api/v1/records/") == true)
                answers.insert(response.text)
            }
            #expect(answers.count == 1, "every answer is the first one")
            #expect(try await Self.records(client, world, ref: "IDEM-1") == 1)

            // The same key for another request is refused, and changes nothing.
            let other = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken", [Self.key: "create-IDEM-1"]),
                body: json(fullInput.with("external_ref", "IDEM-2"))
            )
            #expect(other.status == .unprocessableContent && other.text.contains("idempotency_key_reused"))
            #expect(try await Self.records(client, world, ref: "IDEM-2") == 0)
            // Keys are the member's: another member's same key is another key.
            let uganda = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("uga", [Self.key: "create-IDEM-1"]),
                body: json(fullInput.with("external_ref", "UGA-IDEM-1"))
            )
            #expect(uganda.status == .created)
            let bad = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken", [Self.key: "a key"]), body: body)
            #expect(bad.status == .badRequest && bad.text.contains("Idempotency-Key"))
        }
    }

    @Test func twentyAtOnceMakeOneRecord() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let body = json(fullInput.with("external_ref", "IDEM-20"))
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 1...20 {
                    group.addTask {
                        let response = try await client.execute(
                            uri: "/api/v1/records",
                            method: .post,
                            headers: world.headers("ken", [Self.key: "create-IDEM-20"]),
                            body: body
                        )
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: [(HTTPResponse.Status, String)]()) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.0 == .created }, "\(answers.map(\.0.code))")
            #expect(Set(answers.map(\.1)).count == 1)
            #expect(try await Self.records(client, world, ref: "IDEM-20") == 1)
        }
    }

    /// A request that fails gives its key up: the corrected request may use it.
    @Test func aFailedRequestGivesItsKeyUp() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let refused = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken", [Self.key: "fix-me"]),
                body: json(fullInput.with("external_ref", "IDEM-F").with("category", "machine_pistol"))
            )
            #expect(refused.status == .unprocessableContent)
            let fixed = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken", [Self.key: "fix-me"]),
                body: json(fullInput.with("external_ref", "IDEM-F"))
            )
            #expect(fixed.status == .created)
        }
    }
}
