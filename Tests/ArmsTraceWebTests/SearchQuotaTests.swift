import ArmsTraceDomain
import ArmsTraceSearch
import Foundation
import HTTPTypes
import HummingbirdTesting
import Synchronization
import Testing

/// The member's daily search quota and maximum of candidates (Prüm's per-state limits), with a clock the test
/// moves.
@Suite struct SearchQuotaTests {
    @Test func theQuotaStopsSearchesUntilMidnightUTCAndAnswersAreCapped() async throws {
        let world = try await TestWorld.make()
        let admin = Actor(userID: nil, member: MemberCode("UGA")!, role: .admin, channel: .api)
        let officer = Actor(userID: nil, member: MemberCode("UGA")!, role: .officer, channel: .api)
        let kenya = Actor(userID: nil, member: MemberCode("KEN")!, role: .officer, channel: .api)
        _ = try await MemberService(repositories: world.repositories).setSettings(
            MemberSettings(searchesPerDay: 3, maximumCandidates: 2),
            by: admin
        )
        let records = RecordService(repositories: world.repositories)
        var entries: [SearchEntry] = []
        for index in 0..<5 {
            let input = WeaponRecordInput(
                WeaponRecord.Details(
                    externalRef: "KEN-Q\(index)",
                    category: .shotgun,
                    make: "Benelli",
                    serialNumber: "M90882\(index)",
                    status: .stolen
                )
            )
            entries.append(SearchEntry(try await records.create(input, by: kenya)))
        }
        let index = SerialIndex(entries)
        // 23:58 UTC on a day, then two minutes later the next day.
        let clock = Mutex(CalendarDate("2026-11-28")!.startDate.addingTimeInterval(86_400 - 120))
        let service = SearchService(repositories: world.repositories, index: index, now: { clock.withLock { $0 } })

        for _ in 0..<3 {
            let result = try await service.search(SearchRequest(serial: "M908820", limit: 20), by: officer)
            #expect(result.total == 5, "five serials within two edits")
            #expect(result.candidates.count == 2, "capped at the member's maximum")
            let best = try index.search(SerialQuery(SearchRequest(serial: "M908820", limit: 2)), viewer: officer.member).matches
            #expect(result.candidates.map(\.record.id) == best.map(\.recordID), "the best two, as a search at that limit finds them")
        }
        await #expect(throws: DomainError.self) { try await service.search(SearchRequest(serial: "M908820"), by: officer) }
        #expect(try await service.search(SearchRequest(serial: "M908820"), by: kenya).hit, "another member's quota is its own")

        clock.withLock { $0 += 180 }
        #expect(try await service.search(SearchRequest(serial: "M908820"), by: officer).hit, "a new day (UTC), a new quota")
    }

    @Test func theQuotaAnswers429ThroughTheAPIAndOnlyAnAdminSetsIt() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let body = json(["searches_per_day": 1, "maximum_candidates": 5])
            #expect(try await client.execute(uri: "/api/v1/settings", method: .put, headers: world.headers("uga"), body: body).status == .forbidden)
            let set = try await client.execute(uri: "/api/v1/settings", method: .put, headers: world.headers("ugaAdmin"), body: body)
            #expect(set.status == .ok, "\(set.text)")
            let bad = try await client.execute(
                uri: "/api/v1/settings",
                method: .put,
                headers: world.headers("ugaAdmin"),
                body: json(["searches_per_day": 0, "maximum_candidates": 500])
            )
            #expect(bad.errorFields == ["searches_per_day", "maximum_candidates"])
            let search = json(["serial": "ABC1234"])
            #expect(try await client.execute(uri: "/api/v1/searches", method: .post, headers: world.headers("uga"), body: search).status == .ok)
            let refused = try await client.execute(uri: "/api/v1/searches", method: .post, headers: world.headers("uga"), body: search)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "limit_reached")
            // Retry-After: the seconds until midnight UTC, when the quota resets.
            let retryAfter = refused.headers[.retryAfter].flatMap(Int.init) ?? -1
            let midnight = CalendarDate.today.startOfDay.addingTimeInterval(24 * 3600).timeIntervalSinceNow
            #expect(retryAfter > 0 && abs(Double(retryAfter) - midnight) < 60)
            #expect(try await client.execute(uri: "/api/v1/searches", method: .post, headers: world.headers("ken"), body: search).status == .ok)
        }
    }
}
