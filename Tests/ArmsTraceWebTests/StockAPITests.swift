import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The stockpile through the API: an inventory received, a check that finds weapons missing, their theft reported, and
/// one of them found by another member's search.
@Suite struct StockAPITests {
    static func post(
        _ client: some TestClientProtocol,
        _ world: TestWorld,
        _ token: String,
        _ path: String,
        _ body: [String: Any]
    ) async throws
        -> TestResponse
    {
        try await client.execute(uri: path, method: .post, headers: world.headers(token), body: json(body))
    }

    @Test func aCheckFindsWeaponsMissingWhoseTheftAnotherMemberFinds() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let site = try await Self.post(
                client,
                world,
                "ken",
                "/api/v1/stock/sites",
                ["name": "Kahawa depot", "kind": "depot", "custodian": "Maj. Otieno", "security_level": "high"]
            )
            #expect(site.status == .created && site.object["check_interval_days"] as? Int == 365, "\(site.text)")
            let siteID = try #require(site.object["id"] as? String)
            let inventory = (1...50).map { index -> [String: Any] in
                [
                    "serial_number": "KDF-\(String(format: "%05d", index))", "category": "assault_rifle", "make": "Norinco", "model": "Type 56",
                    "calibre": "7.62x39mm", "site": siteID, "markings": [["kind": "state", "text": "GK KDF \(index)"]],
                ]
            }
            let bad = inventory.enumerated().map { index, weapon -> [String: Any] in
                index == 7 ? weapon.merging(["category": "musket", "serial_number": " "]) { $1 } : weapon
            }
            let refused = try await Self.post(client, world, "ken", "/api/v1/stock/weapons", ["weapons": bad])
            #expect(refused.status == .unprocessableContent && refused.errorFields == ["weapons[7].serial_number", "weapons[7].category"])
            let received = try await Self.post(client, world, "ken", "/api/v1/stock/weapons", ["weapons": inventory])
            #expect(received.status == .created && (received.object["weapons"] as? [Any])?.count == 50, "all or none: \(received.text.prefix(300))")
            let again = try await Self.post(client, world, "ken", "/api/v1/stock/weapons", ["weapons": [inventory[0]]])
            #expect(again.status == .conflict)

            let check = try await Self.post(client, world, "ken", "/api/v1/stock/checks", ["site": siteID])
            #expect((check.object["expected"] as? [Any])?.count == 50)
            let checkID = try #require(check.object["id"] as? String)
            let counted = (1...50).filter { ![12, 30, 44].contains($0) }.map { "KDF \(String(format: "%05d", $0))" } + ["ZZ-1"]
            let counting = try await Self.post(client, world, "ken", "/api/v1/stock/checks/\(checkID)/counts", ["serials": counted])
            #expect(counting.status == .ok)
            let closed = try await Self.post(client, world, "ken", "/api/v1/stock/checks/\(checkID)/close", [:])
            let result = try #require(closed.object["result"] as? [String: Any], "\(closed.text)")
            let missing = try #require(result["missing"] as? [[String: Any]])
            #expect(Set(missing.compactMap { $0["serial_number"] as? String }) == ["KDF-00012", "KDF-00030", "KDF-00044"])
            #expect(result["unexpected"] as? [String] == ["ZZ-1"] && result["found_count"] as? Int == 47)

            for entry in missing {
                let weapon = try #require(entry["weapon"] as? String)
                let reported = try await Self.post(
                    client,
                    world,
                    "ken",
                    "/api/v1/stock/weapons/\(weapon)/loss",
                    ["stolen": true, "date": "2026-11-28", "place": "Kahawa depot", "circumstances": "Missing at the yearly check", "sharing": "all"]
                )
                #expect(reported.status == .ok && reported.object["status"] as? String == "stolen" && reported.object["loss_record"] != nil)
            }
            let search = try await SearchAPITests.search(client, world, "uga", ["serial": "KDF0OO30", "make": "Norinco"])
            #expect(search.object["hit"] as? Bool == true, "\(search.text.prefix(400))")
            let candidate = try #require((search.object["candidates"] as? [[String: Any]])?.first)
            #expect((candidate["record"] as? [String: Any])?["serial_number"] as? String == "KDF-00030")
            let notices = try await SearchAPITests.notices(client, world, "ken")
            #expect(notices.count == 1, "the owner is told of the hit")

            let stolen = try await client.execute(uri: "/api/v1/stock/weapons?status=stolen", method: .get, headers: world.headers("kenAnalyst"))
            #expect((stolen.object["weapons"] as? [Any])?.count == 3)
            let audit = try await client.execute(uri: "/api/v1/audit?limit=200", method: .get, headers: world.headers("kenAuditor")).object
            let actions = (audit["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.filter { $0 == "stock_move" }.count == 3 && actions.contains("stock_check") && actions.contains("stock_receive"))
        }
    }

    @Test func surplusIsDestroyedBeforeTwoWitnessesAndSignedOffByAnotherUser() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let site = try await Self.post(
                client,
                world,
                "ken",
                "/api/v1/stock/sites",
                ["name": "Gilgil armoury", "kind": "unit_armoury", "custodian": "Sgt. Wanjiru", "security_level": "medium"]
            )
            let siteID = try #require(site.object["id"] as? String)
            let received = try await Self.post(
                client,
                world,
                "ken",
                "/api/v1/stock/weapons",
                [
                    "weapons": (1...3).map {
                        ["serial_number": "G3-\($0)", "category": "rifle_carbine", "make": "Heckler & Koch", "model": "G3", "site": siteID]
                    }
                ]
            )
            let ids = try #require((received.object["weapons"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
            let early = try await Self.post(
                client,
                world,
                "ken",
                "/api/v1/stock/destructions",
                ["method": "cutting", "place": "Gilgil", "planned_for": "2026-12-10", "weapons": ids]
            )
            #expect(early.status == .conflict && early.text.contains("only surplus weapons are destroyed"))
            for id in ids {
                let surplus = try await Self.post(client, world, "ken", "/api/v1/stock/weapons/\(id)/surplus", ["reason": "Replaced by new rifles"])
                #expect(surplus.object["status"] as? String == "surplus")
            }
            let plan = try await Self.post(
                client,
                world,
                "ken",
                "/api/v1/stock/destructions",
                ["method": "cutting", "place": "Gilgil", "planned_for": "2026-12-10", "weapons": ids]
            )
            #expect(plan.status == .created)
            let id = try #require(plan.object["id"] as? String)
            let oneWitness = try await Self.post(
                client,
                world,
                "ken",
                "/api/v1/stock/destructions/\(id)/record",
                ["date": "2026-12-10", "witnesses": ["Insp. Mwangi"]]
            )
            #expect(oneWitness.status == .unprocessableContent && oneWitness.errorFields == ["witnesses"])
            let recorded = try await Self.post(
                client,
                world,
                "ken",
                "/api/v1/stock/destructions/\(id)/record",
                ["date": "2026-12-10", "witnesses": ["Insp. Mwangi", "Ms. Achieng, UNDP"]]
            )
            #expect(recorded.object["status"] as? String == "recorded")
            let draft = try await client.execute(uri: "/api/v1/stock/destructions/\(id)/certificate", method: .get, headers: world.headers("ken"))
            #expect(draft.text.contains("Not a certificate yet"))
            let own = try await Self.post(client, world, "ken", "/api/v1/stock/destructions/\(id)/verify", ["verification": "All cut"])
            #expect(own.status == .forbidden && own.text.contains("independent verifier"))
            let verified = try await Self.post(
                client,
                world,
                "kenAdmin",
                "/api/v1/stock/destructions/\(id)/verify",
                ["verification": "Three receivers cut through the trunnion; serials read against the plan"]
            )
            #expect(verified.status == .ok && verified.object["status"] as? String == "verified")
            let certificate = try await client.execute(
                uri: "/api/v1/stock/destructions/\(id)/certificate",
                method: .get,
                headers: world.headers("kenAnalyst")
            )
            #expect(certificate.status == .ok && certificate.text.contains("<h1>Destruction certificate</h1>"))
            for serial in ["G3-1", "G3-2", "G3-3"] { #expect(certificate.text.contains("<td class=\"serial\">\(serial)</td>")) }
            #expect(certificate.text.contains("Heckler &amp; Koch") && certificate.text.contains("Insp. Mwangi; Ms. Achieng, UNDP"))
            let destroyed = try await client.execute(uri: "/api/v1/stock/weapons?status=destroyed", method: .get, headers: world.headers("ken"))
            #expect((destroyed.object["weapons"] as? [Any])?.count == 3, "destroyed weapons stay on record")
        }
    }
}

/// The directory through the API: a member's admin keeps its entries current, every member reads them.
@Suite struct DirectoryAPITests {
    @Test func anAdminKeepsItsPointsOfContactAndEveryoneReadsThem() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let entry: [String: Any] = [
                "role": "iti_tracing", "agency": "Kenya National Focal Point on Small Arms", "name": "Tracing desk",
                "languages": ["en", "sw"], "email": "tracing@example.go.ke",
            ]
            let added = try await client.execute(uri: "/api/v1/directory", method: .post, headers: world.headers("kenAdmin"), body: json(entry))
            #expect(added.status == .created && added.object["stale"] as? Bool == false, "\(added.text)")
            let id = try #require(added.object["id"] as? String)
            var unreachable = entry
            unreachable["email"] = nil
            unreachable["languages"] = ["english"]
            let refused = try await client.execute(
                uri: "/api/v1/directory",
                method: .post,
                headers: world.headers("kenAdmin"),
                body: json(unreachable)
            )
            #expect(refused.status == .unprocessableContent && refused.errorFields == ["email", "languages[0]"], "\(refused.text)")
            let listed = try await client.execute(uri: "/api/v1/directory?member=ken", method: .get, headers: world.headers("fra"))
            #expect((listed.object["contacts"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Tracing desk"])
            var changed = entry
            changed["phone"] = "+254 20 000000"
            let updated = try await client.execute(
                uri: "/api/v1/directory/\(id)",
                method: .put,
                headers: world.headers("kenAdmin"),
                body: json(changed)
            )
            #expect(updated.object["phone"] as? String == "+254 20 000000")
            let foreign = try await client.execute(uri: "/api/v1/directory/\(id)/confirm", method: .post, headers: world.headers("ugaAdmin"))
            #expect(foreign.status == .notFound)
            let audit = try await client.execute(uri: "/api/v1/audit", method: .get, headers: world.headers("kenAuditor")).object
            #expect((audit["entries"] as? [[String: Any]])?.filter { $0["action"] as? String == "directory_edit" }.count == 2)
        }
    }
}
