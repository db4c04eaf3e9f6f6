import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Assistance, training, mutual legal assistance and the national report through the API, as members would use them.
@Suite struct CooperationAPITests {
    /// An organisation member with an admin; its token.
    static func organisation(_ world: TestWorld, code: String = "UNODA") async throws -> String {
        try await world.repositories.members.create(Member(id: MemberCode(code)!, kind: .organisation, name: "UN Office for Disarmament Affairs"))
        let admin = User(id: .generate(), member: MemberCode(code)!, name: "\(code) admin", role: .admin, createdAt: Date())
        try await world.repositories.users.create(admin)
        return try await world.repositories.users.issueToken(for: admin.id, name: "test", expiresAt: nil).secret
    }

    static func send(
        _ client: some TestClientProtocol,
        _ world: TestWorld,
        _ token: String,
        _ method: HTTPRequest.Method,
        _ path: String,
        _ body: [String: Any]? = nil,
        expect status: HTTPResponse.Status = .ok,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let response = try await client.execute(uri: path, method: method, headers: world.headers(token), body: body.map(json))
        #expect(response.status == status, "\(method) \(path): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        return response.status == .noContent ? [:] : response.object
    }

    /// The fields an error answer names.
    static func fields(_ body: [String: Any]) -> [String] {
        ((body["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }

    /// The issue's walk: Kenya needs stockpile-management training; UNODA's offer is proposed first, with its reasons;
    /// Kenya accepts it, UNODA runs it, the outcome is recorded; the need is in both members' report drafts.
    @Test func aNeedForStockpileTrainingIsMatchedCompletedAndReportedByBothParties() async throws {
        let world = try await TestWorld.make()
        let unoda = try await Self.organisation(world)
        let yaml = try await world.test { client in try await client.execute(uri: "/api/v1/openapi.yaml", method: .get).text }
        let year = CalendarDate(Date()).year
        try await world.test { client in
            let document = try OpenAPIDocumentTests.parse(yaml)
            let need = try await Self.send(
                client,
                world,
                "kenAdmin",
                .post,
                "/api/v1/assistance/needs",
                [
                    "area": "stockpile_management", "kinds": ["training"], "title": "PSSM training for police armourers",
                    "description": "Forty armourers of the Kenya Police Service", "budget_usd": 60_000, "start": "\(year)-01-01",
                    "end": "\(year)-12-31", "paragraph": "III 8",
                ],
                expect: .created
            )
            try OpenAPIDocumentTests.expectConforms(need, to: "AssistanceNeed", in: document)
            let needID = try #require(need["id"] as? String)
            #expect(need["status"] as? String == "proposed" && need["region"] as? String == "africa")
            let offer = try await Self.send(
                client,
                world,
                unoda,
                .post,
                "/api/v1/assistance/offers",
                [
                    "title": "UNSCAR stockpile management courses", "areas": ["stockpile_management", "marking_and_tracing"],
                    "kinds": ["training", "expertise"], "regions": ["africa"], "budget_usd": 100_000,
                ],
                expect: .created
            )
            try OpenAPIDocumentTests.expectConforms(offer, to: "AssistanceOffer", in: document)
            let offerID = try #require(offer["id"] as? String)
            _ = try await Self.send(
                client,
                world,
                "ugaAdmin",
                .post,
                "/api/v1/assistance/offers",
                ["title": "Firearms law drafting", "areas": ["legislation"], "kinds": ["expertise"]],
                expect: .created
            )
            _ = try await Self.send(
                client,
                world,
                "ugaAdmin",
                .post,
                "/api/v1/assistance/offers",
                ["title": "Funds for depots", "areas": ["stockpile_management"], "kinds": ["funds"], "budget_usd": 10_000],
                expect: .created
            )

            // The need's member sees the proposals, best first, each with its reasons; no one else does.
            let view = try await Self.send(client, world, "kenAdmin", .get, "/api/v1/assistance/needs/\(needID)")
            let matches = try #require(view["matches"] as? [[String: Any]])
            #expect(
                matches.compactMap { ($0["offer"] as? [String: Any])?["title"] as? String } == [
                    "UNSCAR stockpile management courses", "Funds for depots",
                ]
            )
            try OpenAPIDocumentTests.expectConforms(matches[0], to: "AssistanceMatch", in: document)
            // The offer leaves its timing open: 5 of 10.
            #expect((matches[0]["reasons"] as? [String])?.contains("works in Africa") == true && matches[0]["score"] as? Int == 95)
            let outsider = try await Self.send(client, world, "uga", .get, "/api/v1/assistance/needs/\(needID)")
            #expect((outsider["matches"] as? [Any])?.isEmpty == true)

            // Only Kenya accepts; only the parties move it on; completion needs an outcome.
            _ = try await Self.send(
                client,
                world,
                unoda,
                .post,
                "/api/v1/assistance/needs/\(needID)/steps",
                ["status": "matched", "offer": offerID],
                expect: .forbidden
            )
            let matched = try await Self.send(
                client,
                world,
                "kenAdmin",
                .post,
                "/api/v1/assistance/needs/\(needID)/steps",
                ["status": "matched", "offer": offerID]
            )
            #expect(matched["status"] as? String == "matched" && matched["provider"] as? String == "UNODA")
            _ = try await Self.send(
                client,
                world,
                "ugaAdmin",
                .post,
                "/api/v1/assistance/needs/\(needID)/steps",
                ["status": "in_progress"],
                expect: .forbidden
            )
            _ = try await Self.send(client, world, unoda, .post, "/api/v1/assistance/needs/\(needID)/steps", ["status": "in_progress"])
            let refused = try await Self.send(
                client,
                world,
                unoda,
                .post,
                "/api/v1/assistance/needs/\(needID)/steps",
                ["status": "completed"],
                expect: .unprocessableContent
            )
            #expect(Self.fields(refused) == ["note"])
            let completed = try await Self.send(
                client,
                world,
                unoda,
                .post,
                "/api/v1/assistance/needs/\(needID)/steps",
                ["status": "completed", "note": "38 armourers trained; depot SOPs adopted"]
            )
            #expect(completed["status"] as? String == "completed")
            #expect(
                (completed["steps"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == [
                    "proposed", "matched", "in_progress", "completed",
                ]
            )

            // In both members' drafts: received by Kenya from UNODA, given by UNODA to Kenya.
            let kenya = try await Self.send(client, world, "kenAdmin", .get, "/api/v1/national-report")
            try OpenAPIDocumentTests.expectConforms(kenya, to: "NationalReport", in: document)
            let received = try #require((kenya["assistance"] as? [String: Any])?["received"] as? [[String: Any]])
            #expect(received.count == 1 && received.first?["need"] as? String == needID && received.first?["counterpart"] as? String == "UNODA")
            #expect(received.first?["outcome"] as? String == "38 armourers trained; depot SOPs adopted")
            let question = (kenya["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "assistance" }
            #expect(question?["suggested"] as? String == "yes")
            let organisation = try await Self.send(client, world, unoda, .get, "/api/v1/national-report")
            let given = try #require((organisation["assistance"] as? [String: Any])?["given"] as? [[String: Any]])
            #expect(given.count == 1 && given.first?["need"] as? String == needID && given.first?["counterpart"] as? String == "KEN")
            #expect((organisation["assistance"] as? [String: Any])?["open_offers"] as? Int == 1)

            // Every step is in the audit trail of the member that took it.
            let trail = try await Self.send(client, world, "kenAuditor", .get, "/api/v1/audit?limit=100")
            let actions = (trail["entries"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "assistance" }
            #expect(actions.count >= 2)
        }
    }

    /// A national report's figures equal what the member's records, stock, traces, training, legal assistance and
    /// directory say when read one by one through the API.
    @Test func aNationalReportsFiguresEqualThoseComputedFromTheUnderlyingRecords() async throws {
        let world = try await TestWorld.make()
        _ = try await world.overdueTraceRequest()
        let year = CalendarDate(Date()).year
        let today = CalendarDate(Date())
        let yesterday = CalendarDate(Date().addingTimeInterval(-86_400))
        let tomorrow = CalendarDate(Date().addingTimeInterval(86_400))
        try await world.test { client in
            // Records: Kenya's in several statuses, and one of Uganda's shared with Kenya (not Kenya's to report).
            for (index, status) in ["seized", "seized", "lost", "stolen", "found", "surrendered"].enumerated() {
                _ = try await SearchAPITests.create(client, world, "ken", fullInput.with("external_ref", "KEN-R\(index)").with("status", status))
            }
            _ = try await SearchAPITests.create(client, world, "uga", fullInput.with("external_ref", "UGA-R1").with("sharing", ["KEN"]))

            // Stock: three weapons, one destroyed and verified, one reported lost, and a closed check.
            let site = try await Self.send(
                client,
                world,
                "kenAdmin",
                .post,
                "/api/v1/stock/sites",
                ["name": "Central depot", "kind": "depot", "custodian": "Maj. O", "security_level": "high"],
                expect: .created
            )
            let siteID = try #require(site["id"] as? String)
            let received = try await Self.send(
                client,
                world,
                "kenAdmin",
                .post,
                "/api/v1/stock/weapons",
                ["weapons": ["A-1", "A-2", "A-3"].map { ["serial_number": $0, "category": "assault_rifle", "make": "Norinco", "site": siteID] }],
                expect: .created
            )
            let weapons = try #require(received["weapons"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            _ = try await Self.send(client, world, "kenAdmin", .post, "/api/v1/stock/weapons/\(weapons[0])/surplus", ["reason": "obsolete"])
            let plan = try await Self.send(
                client,
                world,
                "kenAdmin",
                .post,
                "/api/v1/stock/destructions",
                ["method": "cutting", "place": "Depot", "planned_for": today.description, "weapons": [weapons[0]]],
                expect: .created
            )
            let destruction = try #require(plan["id"] as? String)
            _ = try await Self.send(
                client,
                world,
                "ken",
                .post,
                "/api/v1/stock/destructions/\(destruction)/record",
                ["date": today.description, "witnesses": ["Insp. M", "Ms. A"]]
            )
            _ = try await Self.send(client, world, "kenAdmin", .post, "/api/v1/stock/destructions/\(destruction)/verify", ["verification": "Cut"])
            _ = try await Self.send(
                client,
                world,
                "kenAdmin",
                .post,
                "/api/v1/stock/weapons/\(weapons[1])/loss",
                ["date": today.description, "place": "Depot", "circumstances": "Missing at count", "sharing": "all"]
            )
            let check = try await Self.send(client, world, "kenAdmin", .post, "/api/v1/stock/checks", ["site": siteID], expect: .created)
            let checkID = try #require(check["id"] as? String)
            _ = try await Self.send(client, world, "kenAdmin", .post, "/api/v1/stock/checks/\(checkID)/counts", ["serials": ["A-3"]])
            _ = try await Self.send(client, world, "kenAdmin", .post, "/api/v1/stock/checks/\(checkID)/close")

            // Training: Uganda's course under way; two Kenyan officials, one completed.
            let event = try await Self.send(
                client,
                world,
                "ugaAdmin",
                .post,
                "/api/v1/training/events",
                [
                    "title": "Tracing course", "topic": "tracing", "start": yesterday.description, "end": tomorrow.description, "place": "Kampala",
                    "seats": 10, "language": "en",
                ],
                expect: .created
            )
            let eventID = try #require(event["id"] as? String)
            for name in ["Insp. W", "Sgt. N"] {
                _ = try await Self.send(
                    client,
                    world,
                    "kenAdmin",
                    .post,
                    "/api/v1/training/events/\(eventID)/participants",
                    ["name": name, "post": "investigator"],
                    expect: .created
                )
            }
            let roster = try await Self.send(client, world, "ugaAdmin", .get, "/api/v1/training/events/\(eventID)")
            let first = try #require((roster["participants"] as? [[String: Any]])?.first?["id"] as? String)
            _ = try await Self.send(
                client,
                world,
                "ugaAdmin",
                .post,
                "/api/v1/training/events/\(eventID)/participants/\(first)",
                ["status": "completed"]
            )

            // Legal assistance: one sent by Kenya, one received and executed.
            let mla: [String: Any] = ["reference": "X-1", "legal_basis": "Reciprocity", "assistance": ["documents"], "description": "Licences"]
            _ = try await Self.send(client, world, "ken", .post, "/api/v1/legal-assistance", mla.with("requested", "UGA"), expect: .created)
            let incoming = try await Self.send(
                client,
                world,
                "uga",
                .post,
                "/api/v1/legal-assistance",
                mla.with("requested", "KEN"),
                expect: .created
            )
            let incomingID = try #require(incoming["id"] as? String)
            let answered = try await Self.send(
                client,
                world,
                "ken",
                .post,
                "/api/v1/legal-assistance/\(incomingID)/steps",
                ["action": "execute", "text": "Licences attached", "conditions": "For the investigation only"]
            )
            #expect((answered["steps"] as? [[String: Any]])?.last?["conditions"] as? String == "For the investigation only")

            _ = try await Self.send(
                client,
                world,
                "kenAdmin",
                .post,
                "/api/v1/directory",
                ["role": "national_coordination_agency", "agency": "Kenya NFP", "name": "Director", "email": "nfp@example.go.ke"],
                expect: .created
            )

            let report = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/national-report?from=\(year - 1)&to=\(year)")

            // Records, one by one.
            var statuses: [String: Int] = [:]
            let records = try await Self.send(client, world, "ken", .get, "/api/v1/records?limit=100")
            for record in records["records"] as? [[String: Any]] ?? [] where record["owner"] as? String == "KEN" {
                statuses[record["status"] as! String, default: 0] += 1
            }
            let marking = try #require(report["marking"] as? [String: Any])
            #expect(marking["records_by_status"] as? [String: Int] == statuses)
            // Six entered here, the traced one, and the record the stock loss created.
            #expect(marking["records_held"] as? Int == statuses.values.reduce(0, +) && statuses.values.reduce(0, +) == 8)
            #expect(marking["records_entered"] as? Int == 8)

            // Stock, weapon by weapon; destructions one by one.
            var stockStatuses: [String: Int] = [:]
            let stock = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/stock/weapons?limit=100")
            for weapon in stock["weapons"] as? [[String: Any]] ?? [] { stockStatuses[weapon["status"] as! String, default: 0] += 1 }
            let stockpile = try #require(report["stockpile"] as? [String: Any])
            #expect(stockpile["weapons_by_status"] as? [String: Int] == stockStatuses)
            let destructions = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/stock/destructions")
            let destroyed = (destructions["destructions"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == "verified" }
                .map { ($0["weapons"] as? [Any])?.count ?? 0 }.reduce(0, +)
            #expect(stockpile["weapons_destroyed"] as? Int == destroyed && destroyed == 1)
            #expect(stockpile["checks_closed"] as? Int == 1 && stockpile["losses"] as? Int == 1)
            let closed = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/stock/checks/\(checkID)")
            #expect(stockpile["weapons_missing"] as? Int == ((closed["result"] as? [String: Any])?["missing"] as? [Any])?.count)

            // Tracing: the statistics of each year, as the statistics endpoint gives them.
            let tracing = try #require(report["tracing"] as? [[String: Any]])
            #expect(tracing.compactMap { $0["year"] as? Int } == [year - 1, year])
            for entry in tracing {
                let statistics = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/tracing/statistics?year=\(entry["year"] as! Int)")
                #expect(NSDictionary(dictionary: entry).isEqual(to: statistics), "tracing \(entry["year"]!)")
            }

            // Training: the member's officials marked completed, by topic.
            let officials = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/training/officials")
            let completedOfficials = (officials["officials"] as? [[String: Any]] ?? []).filter {
                ($0["participant"] as? [String: Any])?["status"] as? String == "completed"
            }
            #expect((report["training"] as? [String: Any])?["officials_trained"] as? [String: Int] == ["tracing": completedOfficials.count])
            #expect(completedOfficials.count == 1)

            // Legal assistance: counted from the requests themselves.
            let requests = try await Self.send(client, world, "ken", .get, "/api/v1/legal-assistance")["requests"] as? [[String: Any]] ?? []
            let legal = try #require(report["legal_assistance"] as? [String: Any])
            #expect(legal["sent"] as? Int == requests.filter { $0["requester"] as? String == "KEN" }.count)
            #expect(legal["received"] as? Int == requests.filter { $0["requested"] as? String == "KEN" }.count)
            #expect(legal["received_by_status"] as? [String: Int] == ["executed": 1])

            // Contacts: the directory's entries of the member; the question it answers is suggested yes.
            let directory = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/directory?member=KEN")
            #expect((report["contacts"] as? [Any])?.count == (directory["contacts"] as? [Any])?.count)
            let questions = try #require(report["questions"] as? [[String: Any]])
            #expect(questions.first { $0["id"] as? String == "coordination_agency" }?["suggested"] as? String == "yes")
            #expect(questions.first { $0["id"] as? String == "training" }?["suggested"] as? String == "yes")

            // The member's own answers are kept with the draft; an unknown question or answer is refused by name.
            let refused = try await Self.send(
                client,
                world,
                "kenAdmin",
                .put,
                "/api/v1/national-report/answers",
                ["from": year - 1, "to": year, "answers": ["marking_at_manufacture": "maybe", "nonsense": "yes"]],
                expect: .unprocessableContent
            )
            #expect(Set(Self.fields(refused)) == ["answers.marking_at_manufacture", "answers.nonsense"])
            let saved = try await Self.send(
                client,
                world,
                "kenAdmin",
                .put,
                "/api/v1/national-report/answers",
                [
                    "from": year - 1, "to": year, "answers": ["marking_at_manufacture": "developing"],
                    "comments": ["marking_at_manufacture": "Law in draft"],
                ]
            )
            let answered2 = (saved["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "marking_at_manufacture" }
            #expect(answered2?["answer"] as? String == "developing" && answered2?["comment"] as? String == "Law in draft")
        }
    }

    /// Only the two parties see a request; every reading is audited with the other party.
    @Test func legalAssistanceIsSeenByItsPartiesOnlyAndEveryReadingIsAudited() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let record = try await SearchAPITests.create(client, world, "ken", fullInput.with("external_ref", "KEN-MLA"))
            let request: [String: Any] = [
                "requested": "UGA", "reference": "KE/CID/1", "legal_basis": "Treaty", "assistance": ["witness"], "description": "Hearing",
                "records": [record], "conditions": "Confidential",
            ]
            let unknownMember = request.with("requested", "ZZZ")
            let bad = try await Self.send(client, world, "ken", .post, "/api/v1/legal-assistance", unknownMember, expect: .unprocessableContent)
            #expect(Self.fields(bad) == ["requested"])
            let unseen = request.with("records", [record, UUID().uuidString])
            let missing = try await Self.send(client, world, "ken", .post, "/api/v1/legal-assistance", unseen, expect: .unprocessableContent)
            #expect(Self.fields(missing) == ["records[1]"])
            let sent = try await Self.send(client, world, "ken", .post, "/api/v1/legal-assistance", request, expect: .created)
            let id = try #require(sent["id"] as? String)
            _ = try await Self.send(client, world, "fra", .get, "/api/v1/legal-assistance/\(id)", expect: .notFound)
            _ = try await Self.send(client, world, "kenAnalyst", .get, "/api/v1/legal-assistance/\(id)", expect: .forbidden)
            let seen = try await Self.send(client, world, "uga", .get, "/api/v1/legal-assistance/\(id)")
            #expect(seen["conditions"] as? String == "Confidential")
            let trail = try await Self.send(client, world, "kenAuditor", .get, "/api/v1/audit?limit=100")
            let reads = (trail["entries"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "legal_assistance_read" }
            #expect(reads.contains { $0["member"] as? String == "UGA" && $0["concerns"] as? String == "KEN" })
        }
    }
}
