import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ArmsTraceWeb

/// Requests built to hurt: each is refused with the status that says why, and the server answers the next one.
@Suite struct HostileInputTests {
    @Test func oversizedDeepAndOutOfRangeRequestsAreRefused() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: APIJSON.maxBodySize + 1)
            let tooLarge = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: huge)
            #expect(tooLarge.status == .contentTooLarge)

            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let nested = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken"),
                body: ByteBuffer(string: "{\"external_ref\": " + deep + "}")
            )
            #expect(nested.status == .badRequest, "\(nested.text.prefix(200))")

            let page = try await client.execute(uri: "/api/v1/records?limit=100000", method: .get, headers: world.headers("ken"))
            #expect(page.status == .badRequest && page.text.contains("limit"))

            let patch = try await client.execute(uri: "/api/v1/records", method: .patch, headers: world.headers("ken"))
            #expect(patch.status == .methodNotAllowed && patch.headers[.allow] == "GET, POST")
            let movements = try await client.execute(uri: "/api/v1/stock/weapons/x/movements", method: .options, headers: world.headers("ken"))
            #expect(movements.headers[.allow] == "GET", "a fixed segment wins over a parameter, as in the router")
            let missing = try await client.execute(uri: "/api/v1/nothing-here", method: .get, headers: world.headers("ken"))
            #expect(missing.status == .notFound)

            let fine = try await client.execute(uri: "/api/v1/records?limit=5", method: .get, headers: world.headers("ken"))
            #expect(fine.status == .ok, "the server still answers")
        }
    }
}
