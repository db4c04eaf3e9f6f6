import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// `GET /api/v1/records/export` and the records page's download: the member's own records in the import's format,
/// audited as the user's, and a burst of exports refused with 429.
@Suite struct ExportAPITests {
    @Test func anExportHoldsTheMembersOwnRecordsAndReimportsToThem() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            for ref in ["KEN-E-1", "KEN-E-2"] {
                let created = try await client.execute(
                    uri: "/api/v1/records",
                    method: .post,
                    headers: world.headers("ken"),
                    body: json(fullInput.with("external_ref", ref))
                )
                #expect(created.status == .created)
            }
            let foreign = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("uga"),
                body: json(fullInput.with("external_ref", "UGA-E-1").with("sharing", "all"))
            )
            #expect(foreign.status == .created)

            let csv = try await client.execute(uri: "/api/v1/records/export", method: .get, headers: world.headers("ken"))
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"KEN-records-") == true)
            #expect(csv.headers[HTTPField.Name("X-Record-Count")!] == "2")
            #expect(csv.headers[.contentLength] == "\(csv.body.readableBytes)")
            let lines = csv.text.split(separator: "\n")
            #expect(lines.count == 3 && lines[0].hasPrefix("external_ref,"))
            #expect(csv.text.contains("KEN-E-1") && csv.text.contains("KEN-E-2") && !csv.text.contains("UGA-E-1"))

            // The file re-imports to the same records: nothing created, nothing changed.
            let ken = Actor(try await world.repositories.users.authenticate(token: world.tokens["ken"]!, at: Date()), channel: .api)
            let report = try await world.store.importRecords(by: ken, from: .bytes(Array(csv.text.utf8)), options: ImportOptions())
            #expect(report.accepted && report.unchanged == 2 && report.created == 0 && report.updated == 0)

            let json = try await client.execute(uri: "/api/v1/records/export?format=json", method: .get, headers: world.headers("kenAdmin"))
            #expect(json.status == .ok && json.headers[.contentType] == "application/json; charset=utf-8")
            let records = try JSONSerialization.jsonObject(with: Data(buffer: json.body)) as? [[String: Any]] ?? []
            #expect(Set(records.compactMap { $0["external_ref"] as? String }) == ["KEN-E-1", "KEN-E-2"])

            let bad = try await client.execute(uri: "/api/v1/records/export?format=xml", method: .get, headers: world.headers("ken"))
            #expect(bad.status == .badRequest && bad.errorFields == ["format"])

            // Each export is in the audit trail as the user's, through the API.
            let audit = try await client.execute(uri: "/api/v1/audit?limit=500", method: .get, headers: world.headers("kenAuditor")).object
            let exports = (audit["entries"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "record_export" }
            #expect(exports.count == 2)
            #expect(exports.allSatisfy { $0["channel"] as? String == "api" && $0["user_id"] != nil && $0["member"] as? String == "KEN" })
            #expect(Set(exports.compactMap { $0["detail"] as? String }) == ["csv", "json"])
        }
    }

    @Test func aBurstOfExportsIsRefusedWith429() async throws {
        var world = try await TestWorld.make()
        // Kenya's and Uganda's exports wait until the test lets them go; France's do not.
        let held = Mutex<Set<MemberCode>>([])
        let open = Mutex(false)
        world.store = StoreWithRepositories(base: world.store, repositories: world.repositories) { actor in
            guard actor.member != MemberCode("FRA")! else { return }
            held.withLock { _ = $0.insert(actor.member) }
            while !open.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        }
        try await world.test { [world] client in
            func export(_ token: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/records/export", method: .get, headers: world.headers(token))
            }
            async let kenya = export("ken")
            while held.withLock({ $0.count }) < 1 { try await Task.sleep(for: .milliseconds(5)) }

            // Kenya's second export while its first runs: refused, whoever asks.
            let again = try await export("kenAdmin")
            #expect(again.status == .tooManyRequests && again.errorCode == "limit_reached")
            #expect(again.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true)

            // Uganda takes the server's second place; France then finds the server busy.
            async let uganda = export("uga")
            while held.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(5)) }
            let busy = try await export("fra")
            #expect(busy.status == .tooManyRequests && busy.errorCode == "limit_reached")

            open.withLock { $0 = true }
            #expect(try await kenya.status == .ok)
            #expect(try await uganda.status == .ok)
            // Places are given back once an export is sent.
            #expect(try await export("fra").status == .ok)
            #expect(try await export("ken").status == .ok)
        }
    }
}
