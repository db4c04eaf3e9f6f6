import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Hit/no-hit searches and hit notices through the real application builder.
@Suite struct SearchAPITests {
    /// Creates a record as `token` and returns its ID.
    static func create(_ client: some TestClientProtocol, _ world: TestWorld, _ token: String, _ input: [String: Any]) async throws -> String {
        let response = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers(token), body: json(input))
        #expect(response.status == .created, "\(response.text)")
        return try #require(response.object["id"] as? String)
    }

    static func search(_ client: some TestClientProtocol, _ world: TestWorld, _ token: String, _ body: [String: Any]) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/searches", method: .post, headers: world.headers(token), body: json(body))
    }

    static func notices(_ client: some TestClientProtocol, _ world: TestWorld, _ token: String) async throws -> [[String: Any]] {
        let response = try await client.execute(uri: "/api/v1/notifications", method: .get, headers: world.headers(token))
        #expect(response.status == .ok)
        return response.object["notifications"] as? [[String: Any]] ?? []
    }

    @Test func aHitOnAnotherMembersRecordNotifiesItsOwnerOnce() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let id = try await Self.create(client, world, "ken", fullInput)
            // Read off a worn receiver: a confusable (S for 5) and a dash.
            let response = try await Self.search(client, world, "uga", ["serial": "S6-12345", "make": "NORINCO"])
            #expect(response.status == .ok)
            #expect(response.object["hit"] as? Bool == true)
            #expect(response.object["total"] as? Int == 1)
            #expect(response.object["notices_sent"] as? Int == 1)
            let candidate = try #require((response.object["candidates"] as? [[String: Any]])?.first)
            #expect((candidate["record"] as? [String: Any])?["id"] as? String == id)
            #expect(candidate["distance"] as? Double == 0.25)
            #expect(candidate["agreements"] as? [String] == ["make"])
            #expect((candidate["differences"] as? [[String: Any]])?.first?["kind"] as? String == "confusable")

            let kenNotices = try await Self.notices(client, world, "ken")
            #expect(kenNotices.count == 1)
            let notice = try #require(kenNotices.first)
            #expect(notice["record_id"] as? String == id)
            #expect(notice["searcher_member"] as? String == "UGA")
            #expect(notice["search_id"] as? String == response.object["search_id"] as? String)
            #expect((notice["request"] as? [String: Any])?["serial"] as? String == "S6-12345")
            #expect(try await Self.notices(client, world, "uga").isEmpty, "the searcher gets the answer, not a notice")
            #expect(try await Self.notices(client, world, "fra").isEmpty)
            #expect(try await world.repositories.searches.searchCount(member: MemberCode("UGA")!, on: nil) == 1)
        }
    }

    @Test func searchingOnesOwnRecordsNotifiesNobody() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            _ = try await Self.create(client, world, "ken", fullInput)
            let response = try await Self.search(client, world, "kenAnalyst", ["serial": "5612345"])
            #expect(response.object["total"] as? Int == 1)
            #expect(response.object["notices_sent"] as? Int == 0)
            #expect(try await Self.notices(client, world, "ken").isEmpty)
        }
    }

    @Test func aRecordTheSearcherMayNotSeeIsARestrictedHitUntilItsOwnerReleasesIt() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let hidden = try await Self.create(client, world, "ken", fullInput.with("sharing", "owner"))
            _ = try await Self.create(client, world, "ken", fullInput.with("external_ref", "KEN-2").with("sharing", ["FRA"]))
            let uga = try await Self.search(client, world, "uga", ["serial": "5612345"])
            #expect(uga.object["hit"] as? Bool == true, "a hit, but a restricted one")
            #expect(uga.object["total"] as? Int == 0)
            #expect((uga.object["candidates"] as? [Any])?.isEmpty == true)
            let restricted = try #require((uga.object["restricted"] as? [[String: Any]]))
            #expect(restricted.count == 2)
            #expect(Set(restricted.flatMap(\.keys)) == ["reference", "owner"], "the owner and a reference, nothing more")
            let fra = try await Self.search(client, world, "fra", ["serial": "5612345"])
            #expect(fra.object["total"] as? Int == 1, "the record shared with FRA")
            #expect((fra.object["restricted"] as? [Any])?.count == 1)
            let notices = try await Self.notices(client, world, "ken")
            #expect(notices.count == 4)
            #expect(notices.filter { $0["restricted"] as? Bool == true }.count == 3)

            // Uganda cannot read the record until Kenya releases it; the release is Kenya's to make, once.
            #expect(try await client.execute(uri: "/api/v1/records/\(hidden)", method: .get, headers: world.headers("uga")).status == .notFound)
            let reference = try #require(
                restricted.compactMap { $0["reference"] as? String }.first { reference in
                    notices.contains { $0["id"] as? String == reference && $0["record_id"] as? String == hidden }
                }
            )
            let uri = "/api/v1/notifications/\(reference)/release"
            #expect(try await client.execute(uri: uri, method: .post, headers: world.headers("uga")).status == .notFound)
            #expect(try await client.execute(uri: uri, method: .post, headers: world.headers("kenAnalyst")).status == .forbidden)
            let released = try await client.execute(uri: uri, method: .post, headers: world.headers("ken"))
            #expect(released.status == .ok, "\(released.text)")
            #expect(released.object["released_to"] as? String == "UGA")
            #expect(try await client.execute(uri: uri, method: .post, headers: world.headers("ken")).status == .conflict)
            #expect(try await client.execute(uri: "/api/v1/records/\(hidden)", method: .get, headers: world.headers("uga")).status == .ok)
            let again = try await Self.search(client, world, "uga", ["serial": "5612345"])
            #expect(again.object["total"] as? Int == 1, "the released record is now a full candidate")
            let history = try await client.execute(uri: "/api/v1/records/\(hidden)/history", method: .get, headers: world.headers("ken")).object
            #expect((history["entries"] as? [Any])?.count == 2, "the release is a new version of the record")
            let afterRelease = try await Self.notices(client, world, "ken")
            #expect(afterRelease.contains { ($0["release"] as? [String: Any])?["notice_id"] as? String == reference })
        }
    }

    @Test func aChangedSerialIsSearchedAsChanged() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let id = try await Self.create(client, world, "ken", fullInput)
            let updated = try await client.execute(
                uri: "/api/v1/records/\(id)",
                method: .put,
                headers: world.headers("ken"),
                body: json(fullInput.with("serial_number", "AK7700123").with("markings", []))
            )
            #expect(updated.status == .ok)
            #expect(try await Self.search(client, world, "uga", ["serial": "5612345"]).object["total"] as? Int == 0)
            #expect(try await Self.search(client, world, "uga", ["serial": "AK77OO12"]).object["total"] as? Int == 1)
            #expect(try await Self.search(client, world, "uga", ["serial": "*700123"]).object["total"] as? Int == 1)
        }
    }

    @Test func badSearchesNameTheirFields() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let response = try await Self.search(client, world, "ken", ["serial": "-?", "limit": 5000, "country_of_manufacture": "XXX"])
            #expect(response.status == .unprocessableContent)
            #expect(Set(response.errorFields) == ["serial", "limit", "country_of_manufacture"])
            let unauthenticated = try await client.execute(
                uri: "/api/v1/searches",
                method: .post,
                headers: world.headers(nil),
                body: json(["serial": "123"])
            )
            #expect(unauthenticated.status == .unauthorized)
            let cursor = try await client.execute(uri: "/api/v1/notifications?cursor=nope", method: .get, headers: world.headers("ken"))
            #expect(cursor.status == .unprocessableContent)
        }
    }
}

/// The make, model and calibre reference at work in the API.
@Suite struct ReferenceAPITests {
    @Test func aRecordTypedWithAliasesIsReadCanonicallyKeepsWhatWasTypedAndIsFoundByAnotherName() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            var input = fullInput
            input["make"] = "IZH"
            input["model"] = "AKM"
            input["calibre"] = "7,62 x 39"
            input["serial_number"] = "KT4471"
            let id = try await SearchAPITests.create(client, world, "ken", input)
            let record = try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: world.headers("ken")).object
            #expect(record["make"] as? String == "IZH" && record["calibre"] as? String == "7,62 x 39", "as typed")
            let identification = try #require(record["identification"] as? [String: Any])
            #expect((identification["make"] as? [String: Any])?["canonical"] as? String == "Kalashnikov Concern")
            #expect((identification["make"] as? [String: Any])?["typed"] as? String == "IZH")
            #expect((identification["calibre"] as? [String: Any])?["canonical"] as? String == "7.62x39mm")
            #expect(identification["maker_country"] as? String == "RUS" && identification["unknown"] as? [String] == [])

            let response = try await SearchAPITests.search(
                client,
                world,
                "uga",
                ["serial": "KT4471", "make": "Kalashnikov", "calibre": "7.62x39mm", "model": "AKMS"]
            )
            let candidate = try #require((response.object["candidates"] as? [[String: Any]])?.first)
            #expect((candidate["record"] as? [String: Any])?["id"] as? String == id)
            #expect(candidate["agreements"] as? [String] == ["make", "model", "calibre"])
            #expect(candidate["disagreements"] as? [String] == [])

            var unknown = fullInput
            unknown["external_ref"] = "KEN-ACME"
            unknown["make"] = "Acme Arms"
            let acme = try await SearchAPITests.create(client, world, "ken", unknown)
            let flagged = try await client.execute(uri: "/api/v1/records/\(acme)", method: .get, headers: world.headers("ken")).object
            #expect((flagged["identification"] as? [String: Any])?["unknown"] as? [String] == ["make"], "flagged, not refused")
        }
    }
}

/// Marking schemes and the reference through the API, and the addressees a request's marks suggest.
@Suite struct MarkingAPITests {
    @Test func marksAreReadAgainstThePublishedSchemes() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let parsed = try await client.execute(
                uri: "/api/v1/markings/parse",
                method: .post,
                headers: world.headers("kenAnalyst"),
                body: json(["mark": "KEN 19"])
            )
            #expect(parsed.status == .ok)
            let fit = try #require((parsed.object["fits"] as? [[String: Any]])?.first)
            #expect(fit["summary"] as? String == "import mark of KEN, year of import 2019" && fit["member"] as? String == "KEN")
            let none = try await client.execute(
                uri: "/api/v1/markings/parse",
                method: .post,
                headers: world.headers("ken"),
                body: json(["mark": "KEN 2O19"])
            )
            #expect((none.object["fits"] as? [Any])?.isEmpty == true)
            let bad = try await client.execute(
                uri: "/api/v1/markings/parse",
                method: .post,
                headers: world.headers("ken"),
                body: json(["mark": "KEN 19", "kind": "stamp"])
            )
            #expect(bad.status == .unprocessableContent && bad.errorFields == ["kind"])
            let uganda = try await client.execute(uri: "/api/v1/marking-schemes?country=UGA&kind=import", method: .get, headers: world.headers("ken"))
            #expect((uganda.object["schemes"] as? [[String: Any]])?.compactMap { $0["version"] as? Int } == [1, 2])

            // A record whose import mark is read under UGA's old scheme: UGA is suggested as an addressee.
            var input = fullInput
            input["import_country"] = nil
            input["import_year"] = nil
            input["markings"] = [["kind": "manufacture", "text": "Norinco 56-1 5612345"], ["kind": "import", "text": "UG 08"]]
            let id = try await SearchAPITests.create(client, world, "ken", input)
            let addressees = try await client.execute(uri: "/api/v1/records/\(id)/trace-addressees", method: .get, headers: world.headers("ken"))
            let uga = try #require((addressees.object["addressees"] as? [[String: Any]])?.first { $0["member"] as? String == "UGA" })
            #expect((uga["reasons"] as? [String])?.contains("import mark UG 08: import mark of UGA, year of import 2008") == true)
            let record = try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: world.headers("ken")).object
            let check = try #require(record["marking_check"] as? [String: Any])
            #expect(check["complete"] as? Bool == true)
            #expect(check["readings"] as? [String] == ["'UG 08': import mark of UGA, year of import 2008"])
        }
    }
}
