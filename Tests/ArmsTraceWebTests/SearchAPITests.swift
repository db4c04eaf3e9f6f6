import ArmsTraceDomain
import ArmsTraceSearch
import ArmsTraceWeb
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

    /// While the search index loads after a start the server is alive but not ready: `/health` says `ok`, `/ready`
    /// and searches answer 503 with `Retry-After`; once it is loaded both are served. A store that does not answer
    /// makes it not ready either.
    @Test func readyOnceTheSearchIndexIsLoadedAndTheStoreAnswers() async throws {
        let world = try await TestWorld.make()
        let index = LoadingSerialIndex()
        try await Application(router: try await buildRouter(store: world.store, searchIndex: index)).test(.router) { client in
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
            let loading = try await client.execute(uri: "/ready", method: .get)
            #expect(loading.status == .serviceUnavailable)
            #expect(loading.headers[.retryAfter] == "5")
            #expect(loading.object["status"] as? String == "loading")
            #expect(loading.object["records_loaded"] as? Int == 0)
            #expect(try await Self.search(client, world, "ken", ["serial": "5612345"]).status == .serviceUnavailable)

            try await index.load(from: world.repositories.searches)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.headers[.retryAfter] == nil)
            #expect(ready.object.keys.sorted() == ["status"])
            #expect(ready.object["status"] as? String == "ready")
            #expect(try await Self.search(client, world, "ken", ["serial": "5612345"]).status == .ok)
        }

        struct Down: Error {}
        var repositories = world.repositories
        repositories.checkHealth = { throw Down() }
        let unanswering = StoreWithRepositories(base: world.store, repositories: repositories)
        try await Application(router: try await buildRouter(store: unanswering, searchIndex: index)).test(.router) { client in
            let down = try await client.execute(uri: "/ready", method: .get)
            #expect(down.status == .serviceUnavailable)
            #expect(down.object["status"] as? String == "unavailable")
        }
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

/// What members publish and edit in the shared reference data, through the API, in force at once.
@Suite struct ReferenceEditAPITests {
    static var importDraft: [String: Any] {
        [
            "kind": "import", "effective_from": "2026-01-01", "description": "KEN, the year in four digits, and the port of entry",
            "elements": [
                [
                    "kind": "country", "meaning": "country of import", "alphabet": "letters", "min_length": 3, "max_length": 3, "values": ["KEN"],
                    "optional": false,
                ],
                [
                    "kind": "year", "meaning": "year of import", "alphabet": "digits", "min_length": 4, "max_length": 4, "earliest": 2026,
                    "optional": false,
                ],
                [
                    "kind": "unit", "meaning": "port of entry", "alphabet": "letters", "min_length": 3, "max_length": 3, "values": ["MBA", "NBO"],
                    "optional": false,
                ],
            ],
            "examples": ["KEN 2026 MBA", "KEN-2026-NBO"],
        ]
    }

    @Test func aStatePublishesItsNextVersionAndMarksAreReadUnderIt() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let published = try await client.execute(
                uri: "/api/v1/marking-schemes",
                method: .post,
                headers: world.headers("kenAdmin"),
                body: json(Self.importDraft)
            )
            #expect(published.status == .created, "\(published.text)")
            #expect(published.object["version"] as? Int == 2 && published.object["member"] as? String == "KEN", "after the shipped version 1")
            let listed = try await client.execute(uri: "/api/v1/marking-schemes?country=KEN&kind=import", method: .get, headers: world.headers("uga"))
            #expect((listed.object["schemes"] as? [[String: Any]])?.compactMap { $0["version"] as? Int } == [1, 2], "the old version stays")
            let parsed = try await client.execute(
                uri: "/api/v1/markings/parse",
                method: .post,
                headers: world.headers("uga"),
                body: json(["mark": "KEN 2026 MBA"])
            )
            let fit = try #require((parsed.object["fits"] as? [[String: Any]])?.first, "\(parsed.text)")
            #expect(fit["version"] as? Int == 2 && (fit["summary"] as? String)?.contains("port of entry MBA") == true, "\(fit)")

            // Refused, each with its field: an example that does not fit, another member's scheme, an officer.
            var bad = Self.importDraft
            bad["examples"] = ["KEN 2026 XXX"]
            let unfit = try await client.execute(uri: "/api/v1/marking-schemes", method: .post, headers: world.headers("kenAdmin"), body: json(bad))
            #expect(unfit.status == .unprocessableContent && unfit.errorFields == ["examples[0]"], "\(unfit.text)")
            var foreign = Self.importDraft
            foreign["member"] = "UGA"
            let other = try await client.execute(
                uri: "/api/v1/marking-schemes",
                method: .post,
                headers: world.headers("kenAdmin"),
                body: json(foreign)
            )
            #expect(other.status == .unprocessableContent && other.errorFields == ["member"])
            let officer = try await client.execute(
                uri: "/api/v1/marking-schemes",
                method: .post,
                headers: world.headers("ken"),
                body: json(Self.importDraft)
            )
            #expect(officer.status == .forbidden)
            let missing = try await client.execute(
                uri: "/api/v1/marking-schemes",
                method: .post,
                headers: world.headers("kenAdmin"),
                body: json(["kind": "import", "effective_from": "2026-01-01", "description": "x", "examples": ["KEN 26"]])
            )
            #expect(missing.status == .badRequest && missing.text.contains("elements"), "\(missing.text)")
            let versions = try await client.execute(
                uri: "/api/v1/marking-schemes?country=KEN&kind=import",
                method: .get,
                headers: world.headers("uga")
            )
            #expect((versions.object["schemes"] as? [Any])?.count == 2, "nothing refused was published")

            let audit = try await client.execute(uri: "/api/v1/audit", method: .get, headers: world.headers("kenAuditor")).object
            let actions = (audit["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.filter { $0 == "scheme_publish" }.count == 1)
        }
    }

    @Test func anAdminAddsToTheReferenceAndRecordsAndSearchesReadThroughIt() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            func post(_ path: String, _ body: [String: Any], as token: String = "kenAdmin") async throws -> TestResponse {
                try await client.execute(uri: "/api/v1/reference/\(path)", method: .post, headers: world.headers(token), body: json(body))
            }
            let maker = try await post("makers", ["name": " Kel-Tec ", "country": "usa", "aliases": ["KelTec CNC", "Kel-Tec CNC Industries"]])
            #expect(maker.status == .ok, "\(maker.text)")
            let entry = try #require(maker.object["entry"] as? [String: Any])
            #expect(entry["name"] as? String == "Kel-Tec" && entry["country"] as? String == "USA", "tidied")
            let calibre = try await post("calibres", ["name": ".22 WMR", "aliases": ["22 Magnum", ".22 Winchester Magnum Rimfire"]])
            #expect(calibre.status == .ok, "\(calibre.text)")
            let model = try await post(
                "models",
                ["maker": "keltec cnc", "name": "PMR-30", "category": "revolver_pistol", "calibres": ["22 magnum"], "serial_formats": ["AAA99"]]
            )
            #expect(model.status == .ok, "\(model.text)")
            let saved = try #require(model.object["entry"] as? [String: Any])
            #expect(saved["maker"] as? String == "Kel-Tec" && saved["calibres"] as? [String] == [".22 WMR"], "canonical names stored")
            // An entry of the reference as shipped is edited under its own name: Ruger gains an alias.
            let ruger = try await post("makers", ["name": "Sturm, Ruger & Co.", "country": "USA", "aliases": ["Ruger", "Ruger Firearms"]])
            #expect(ruger.status == .ok, "\(ruger.text)")

            // Refused with the field at fault, nothing changed: a name of another maker, an unknown calibre.
            let taken = try await post("makers", ["name": "Acme", "aliases": ["Izhmash"]])
            #expect(taken.status == .unprocessableContent && taken.errorFields == ["aliases"], "\(taken.text)")
            #expect(taken.text.contains("Kalashnikov Concern"))
            let unknownCalibre = try await post(
                "models",
                ["maker": "Kel-Tec", "name": "Sub-2000", "category": "rifle_carbine", "calibres": ["5.56 NATO?x"]]
            )
            #expect(unknownCalibre.status == .unprocessableContent && unknownCalibre.errorFields == ["calibres[0]"])
            #expect(try await post("makers", ["name": "Kel-Tec"], as: "ken").status == .forbidden)

            // A record typed with the new names is read through them and found by another of them.
            var input = fullInput
            input["make"] = "Kel-Tec CNC Industries"
            input["model"] = "PMR 30"
            input["calibre"] = "22 Magnum"
            input["serial_number"] = "WXA51"
            let id = try await SearchAPITests.create(client, world, "ken", input)
            let record = try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: world.headers("ken")).object
            let identification = try #require(record["identification"] as? [String: Any])
            #expect((identification["make"] as? [String: Any])?["canonical"] as? String == "Kel-Tec")
            #expect((identification["model"] as? [String: Any])?["canonical"] as? String == "PMR-30")
            #expect((identification["calibre"] as? [String: Any])?["canonical"] as? String == ".22 WMR")
            #expect(identification["maker_country"] as? String == "USA" && identification["unknown"] as? [String] == [])
            let found = try await SearchAPITests.search(client, world, "uga", ["serial": "WXA51", "make": "KelTec CNC", "calibre": ".22 WMR"])
            let candidate = try #require((found.object["candidates"] as? [[String: Any]])?.first)
            #expect(candidate["agreements"] as? [String] == ["make", "calibre"], "\(candidate)")

            let reference = try await client.execute(uri: "/api/v1/reference", method: .get, headers: world.headers("kenAnalyst")).object
            #expect((reference["changes"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["maker", "calibre", "model", "maker"])
            let makers = reference["makers"] as? [[String: Any]] ?? []
            #expect(makers.contains { $0["name"] as? String == "Kel-Tec" })
            #expect(makers.first { $0["name"] as? String == "Sturm, Ruger & Co." }?["aliases"] as? [String] == ["Ruger", "Ruger Firearms"])
            let audit = try await client.execute(uri: "/api/v1/audit", method: .get, headers: world.headers("kenAuditor")).object
            #expect((audit["entries"] as? [[String: Any]])?.filter { $0["action"] as? String == "reference_edit" }.count == 4)
        }
    }
}
