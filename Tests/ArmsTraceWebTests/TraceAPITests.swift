import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Trace requests between members through the real application builder, as two members' officers use them, with a
/// third member that must see none of it; every answer checked against the OpenAPI document.
@Suite struct TraceAPITests {
    typealias Client = any TestClientProtocol

    static func call(
        _ client: Client,
        _ world: TestWorld,
        _ token: String,
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ body: [String: Any]? = nil
    ) async throws -> TestResponse {
        try await client.execute(uri: uri, method: method, headers: world.headers(token), body: body.map(json))
    }

    static func statistics(_ client: Client, _ world: TestWorld, _ token: String, year: Int) async throws -> [String: Any] {
        let response = try await call(client, world, token, .get, "/api/v1/tracing/statistics?year=\(year)")
        #expect(response.status == .ok, "\(response.text)")
        return response.object
    }

    static var thisYear: Int { Calendar.utc.component(.year, from: Date()) }

    @Test func aTraceFromDraftToOriginEstablished() async throws {
        let world = try await TestWorld.make()
        let yaml = try await world.test { client in try await client.execute(uri: "/api/v1/openapi.yaml", method: .get).text }
        try await world.test { client in
            let document = try OpenAPIDocumentTests.parse(yaml)
            func conforms(_ object: [String: Any], _ schema: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                try OpenAPIDocumentTests.expectConforms(object, to: schema, in: document, sourceLocation: sourceLocation)
            }
            // KEN seized a rifle made in Uganda (in this test world), on 2024-05-01.
            let recordID = try await SearchAPITests.create(client, world, "ken", fullInput.with("country_of_manufacture", "UGA"))
            let suggested = try await Self.call(client, world, "ken", .get, "/api/v1/records/\(recordID)/trace-addressees").object
            try conforms(suggested, "TraceAddressees")
            let first = try #require((suggested["addressees"] as? [[String: Any]])?.first)
            #expect(first["member"] as? String == "UGA")
            #expect(first["reasons"] as? [String] == ["country of manufacture"])

            let before = try await Self.statistics(client, world, "ken", year: 2024)
            try conforms(before, "TraceStatistics")
            let sdgBefore = try #require(before["sdg1642"] as? [String: Any])
            #expect(sdgBefore["seized"] as? Int == 1 && sdgBefore["origin_established"] as? Int == 0 && sdgBefore["percent"] as? Double == 0)

            // A draft that lacks what the ITI requires cannot be sent; the refusal names every missing field.
            let created = try await Self.call(
                client,
                world,
                "ken",
                .post,
                "/api/v1/traces",
                ["record_id": recordID, "requested": "UGA", "priority": "urgent"]
            )
            #expect(created.status == .created, "\(created.text)")
            try conforms(created.object, "Trace")
            let id = try #require(created.object["id"] as? String)
            #expect(created.headers[.location] == "/api/v1/traces/\(id)")
            #expect(created.object["circumstances"] as? String == "Vehicle checkpoint", "defaulted from the record")
            #expect(created.object["allowed_steps"] as? [String] == ["revise", "send", "withdraw"])
            let incomplete = try await Self.call(client, world, "ken", .post, "/api/v1/traces/\(id)/send")
            #expect(incomplete.status == .unprocessableContent)
            #expect(incomplete.errorFields == ["grounds", "legal_basis", "intended_use", "urgency_justification"])
            #expect(try await Self.call(client, world, "uga", .get, "/api/v1/traces/\(id)").status == .notFound, "a draft is the requester's")

            let revised = try await Self.call(
                client,
                world,
                "ken",
                .put,
                "/api/v1/traces/\(id)",
                [
                    "requested": "UGA", "priority": "urgent", "urgency_justification": "Suspect held; charge within 48 hours",
                    "grounds": ["illicit_under_law_where_found", "not_marked"], "legal_basis": "Firearms Act, s. 89",
                    "circumstances": "Found under the seat of a bus at the Malaba crossing", "intended_use": "Prosecution of case CR/12/2024",
                    "confidentiality_conditions": "For the Kenya Police Service and the prosecutor only",
                ]
            )
            #expect(revised.status == .ok, "\(revised.text)")
            let sent = try await Self.call(client, world, "ken", .post, "/api/v1/traces/\(id)/send")
            #expect(sent.status == .ok, "\(sent.text)")
            #expect(sent.object["status"] as? String == "sent")
            let sentAt = try #require((sent.object["sent_at"] as? String).flatMap(Self.date))
            let acknowledgeBy = try #require((sent.object["acknowledge_by"] as? String).flatMap(Self.date))
            #expect(abs(acknowledgeBy.timeIntervalSince(sentAt) - 24 * 3600) < 1, "urgent: acknowledge within 24 hours")

            // The requested member sees it in its inbox; the third member sees nothing.
            let inbox = try await Self.call(client, world, "uga", .get, "/api/v1/traces?box=incoming").object
            try conforms(inbox, "TracePage")
            #expect((inbox["traces"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            #expect((inbox["traces"] as? [[String: Any]])?.first?["side"] as? String == "requested")
            #expect(try await Self.call(client, world, "fra", .get, "/api/v1/traces/\(id)").status == .notFound)
            #expect((try await Self.call(client, world, "fra", .get, "/api/v1/traces").object["traces"] as? [Any])?.isEmpty == true)
            #expect(try await Self.call(client, world, "fra", .post, "/api/v1/traces/\(id)/acknowledge").status == .notFound)

            // Each side takes only its own steps, in order.
            let wrongSide = try await Self.call(client, world, "ken", .post, "/api/v1/traces/\(id)/acknowledge")
            #expect(wrongSide.status == .forbidden)
            #expect(try await Self.call(client, world, "kenAnalyst", .post, "/api/v1/traces/\(id)/withdraw", [:]).status == .forbidden)
            #expect(try await Self.call(client, world, "uga", .post, "/api/v1/traces/\(id)/acknowledge").status == .ok)
            let twice = try await Self.call(client, world, "uga", .post, "/api/v1/traces/\(id)/acknowledge")
            #expect(twice.status == .conflict)
            #expect(twice.errorCode == "conflict")
            let asked = try await Self.call(
                client,
                world,
                "uga",
                .post,
                "/api/v1/traces/\(id)/request-information",
                ["question": "Photos of the receiver markings, please"]
            )
            #expect(asked.object["status"] as? String == "information_requested")
            let provided = try await Self.call(
                client,
                world,
                "ken",
                .post,
                "/api/v1/traces/\(id)/provide-information",
                ["text": "Sent as attachments"]
            )
            #expect(provided.object["status"] as? String == "acknowledged")
            let photo = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
            let message = try await Self.call(
                client,
                world,
                "ken",
                .post,
                "/api/v1/traces/\(id)/messages",
                [
                    "text": "Receiver, left side",
                    "attachments": [["name": "receiver.png", "content_type": "image/png", "content": photo.base64EncodedString()]],
                ]
            )
            #expect(message.status == .created, "\(message.text)")
            let badFile = try await Self.call(
                client,
                world,
                "ken",
                .post,
                "/api/v1/traces/\(id)/messages",
                ["attachments": [["name": "x.html", "content_type": "text/html", "content": "PGI+"]]]
            )
            #expect(badFile.errorFields == ["attachments[0].content_type"])

            // The answer: a chain of custody; an incomplete one is refused with its fields named.
            let emptyAnswer = try await Self.call(
                client,
                world,
                "uga",
                .post,
                "/api/v1/traces/\(id)/answer",
                ["chain_of_custody": [], "point_of_diversion_established": true]
            )
            #expect(emptyAnswer.errorFields == ["chain_of_custody", "point_of_diversion"])
            let answered = try await Self.call(
                client,
                world,
                "uga",
                .post,
                "/api/v1/traces/\(id)/answer",
                [
                    "chain_of_custody": [
                        ["kind": "manufacture", "date": "1985-06-01", "party": "Norinco", "country": "CHN"],
                        ["kind": "import", "date": "2009-02-11", "party": "Uganda Police Force", "country": "UGA", "document": "UG-IMP-2009-117"],
                        ["kind": "transfer_to_holder", "date": "2009-03-01", "party": "Moroto police station armoury", "country": "UGA"],
                    ],
                    "last_legal_holder": "Uganda Police Force, Moroto",
                    "point_of_diversion_established": true,
                    "point_of_diversion": "Reported stolen from the Moroto armoury in 2021 (case MOR/55/2021)",
                ]
            )
            #expect(answered.status == .ok, "\(answered.text)")
            let answer = try #require(answered.object["answer"] as? [String: Any])
            try conforms(answer, "TraceAnswer")
            #expect(answer["confidentiality_conditions"] as? String == "For the Kenya Police Service and the prosecutor only")
            let closed = try await Self.call(
                client,
                world,
                "ken",
                .post,
                "/api/v1/traces/\(id)/close",
                ["origin_established": true, "remarks": "Diversion from state stocks"]
            )
            #expect(closed.object["status"] as? String == "closed")
            #expect(closed.object["allowed_steps"] as? [String] == ["message"])

            // The whole story, in order, with who took each step.
            let full = try await Self.call(client, world, "uga", .get, "/api/v1/traces/\(id)").object
            try conforms(full, "Trace")
            let timeline = try #require(full["timeline"] as? [[String: Any]])
            for entry in timeline { try conforms(entry, "TraceEvent") }
            #expect(
                timeline.compactMap { $0["kind"] as? String } == [
                    "created", "revised", "sent", "acknowledged", "information_requested", "information_provided", "message", "answered", "closed",
                ]
            )
            #expect(timeline.compactMap { $0["member"] as? String } == ["KEN", "KEN", "KEN", "UGA", "UGA", "KEN", "KEN", "UGA", "KEN"])
            let file = try #require(((timeline[6]["attachments"] as? [[String: Any]])?.first))
            try conforms(file, "TraceAttachment")
            let fileID = try #require(file["id"] as? String)
            let download = try await Self.call(client, world, "uga", .get, "/api/v1/traces/\(id)/attachments/\(fileID)")
            #expect(download.status == .ok)
            #expect(download.headers[.contentType] == "image/png")
            #expect(Data(buffer: download.body) == photo)
            #expect(try await Self.call(client, world, "fra", .get, "/api/v1/traces/\(id)/attachments/\(fileID)").status == .notFound)

            // SDG 16.4.2 for KEN's 2024 seizures: 1 of 1 weapons traced to an established origin.
            let after = try await Self.statistics(client, world, "ken", year: 2024)
            let sdgAfter = try #require(after["sdg1642"] as? [String: Any])
            #expect(sdgAfter["origin_established"] as? Int == 1 && sdgAfter["total"] as? Int == 1 && sdgAfter["percent"] as? Double == 100)
            let flows = try await Self.statistics(client, world, "ken", year: Self.thisYear)
            let sentFlow = try #require(flows["sent"] as? [String: Any])
            #expect(sentFlow["requests"] as? Int == 1 && sentFlow["urgent"] as? Int == 1 && sentFlow["origin_established"] as? Int == 1)
            #expect((sentFlow["answered_within_deadline"] as? [String: Any])?["count"] as? Int == 1)
            let ugaFlows = try await Self.statistics(client, world, "uga", year: Self.thisYear)
            #expect((ugaFlows["received"] as? [String: Any])?["requests"] as? Int == 1)
            let fraFlows = try await Self.statistics(client, world, "fra", year: Self.thisYear)
            #expect((fraFlows["sent"] as? [String: Any])?["requests"] as? Int == 0)
            #expect((fraFlows["received"] as? [String: Any])?["requests"] as? Int == 0)

            // The printable page, for the parties only.
            let page = try await Self.call(client, world, "ken", .get, "/api/v1/traces/\(id)/print")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            for text in [
                "Chain of custody", "UG-IMP-2009-117", "Conditions of use", "For the Kenya Police Service and the prosecutor only", "5612345",
            ] {
                #expect(page.text.contains(text), "the printed request shows \(text)")
            }
            #expect(try await Self.call(client, world, "fra", .get, "/api/v1/traces/\(id)/print").status == .notFound)
            let report = try await Self.call(client, world, "ken", .get, "/api/v1/tracing/statistics/print?year=2024")
            #expect(report.status == .ok)
            #expect(report.text.contains("100.0 %"), "KEN's 16.4.2 for 2024 on the page")
            #expect(report.text.contains("Kenya (KEN)"))
            // A whole number too large for any year breaks a rule (schemathesis found it called malformed); a word is malformed.
            for path in ["/api/v1/tracing/statistics", "/api/v1/tracing/statistics/print"] {
                let huge = try await Self.call(client, world, "ken", .get, "\(path)?year=3138611799743352799232000")
                #expect(huge.status == .unprocessableContent && huge.errorFields == ["year"])
                #expect(try await Self.call(client, world, "ken", .get, "\(path)?year=soon").status == .badRequest)
            }
            let national = try await Self.call(client, world, "ken", .get, "/api/v1/national-report?from=99999999999999999999")
            #expect(national.status == .unprocessableContent && national.errorFields == ["from"])
        }
    }

    /// A draft never sent may be withdrawn (schemathesis found the store refusing it with a 500).
    @Test func aDraftIsWithdrawnWithoutBeingSent() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let recordID = try await SearchAPITests.create(client, world, "ken", fullInput)
            let draft = try await Self.call(client, world, "ken", .post, "/api/v1/traces", ["record_id": recordID, "requested": "UGA"])
            let id = try #require(draft.object["id"] as? String)
            let withdrawn = try await Self.call(client, world, "ken", .post, "/api/v1/traces/\(id)/withdraw", ["reason": "Raised in error"])
            #expect(withdrawn.status == .ok, "\(withdrawn.text)")
            #expect(withdrawn.object["status"] as? String == "withdrawn")
            #expect(withdrawn.object["sent_at"] == nil || withdrawn.object["sent_at"] is NSNull, "never sent")
        }
    }

    @Test func listsFilterByBoxStatusAndCounterpart() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let recordID = try await SearchAPITests.create(client, world, "ken", fullInput)
            let body: [String: Any] = [
                "record_id": recordID, "requested": "UGA", "grounds": ["embargo_breach"], "legal_basis": "UNSC res. 2206",
                "intended_use": "Sanctions reporting",
            ]
            let toUganda = try #require(try await Self.call(client, world, "ken", .post, "/api/v1/traces", body).object["id"] as? String)
            let toFrance = try #require(
                try await Self.call(client, world, "ken", .post, "/api/v1/traces", body.with("requested", "FRA")).object["id"] as? String
            )
            _ = try await Self.call(client, world, "ken", .post, "/api/v1/traces/\(toFrance)/send")
            func ids(_ query: String) async throws -> [String] {
                let response = try await Self.call(client, world, "ken", .get, "/api/v1/traces?\(query)")
                #expect(response.status == .ok, "\(response.text)")
                return (response.object["traces"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            }
            #expect(try await ids("box=outgoing") == [toFrance, toUganda])
            #expect(try await ids("box=incoming").isEmpty)
            #expect(try await ids("status=draft") == [toUganda])
            #expect(try await ids("counterpart=fra") == [toFrance])
            #expect(try await ids("overdue=true").isEmpty)
            #expect(try await ids("limit=1").count == 1)
            let bad = try await Self.call(client, world, "ken", .get, "/api/v1/traces?box=sideways")
            #expect(bad.status == .badRequest)
            #expect(bad.errorFields == ["box"])
            #expect(try await Self.call(client, world, "ken", .get, "/api/v1/traces/not-an-id").status == .badRequest)
            let toSelf = try await Self.call(client, world, "ken", .post, "/api/v1/traces", body.with("requested", "KEN"))
            #expect(toSelf.errorFields == ["requested"])
            let unknown = try await Self.call(client, world, "ken", .post, "/api/v1/traces", body.with("requested", "ZZZ"))
            #expect(unknown.errorFields == ["requested"])
            let notOwned = try await Self.call(client, world, "uga", .post, "/api/v1/traces", body.with("requested", "KEN"))
            #expect(notOwned.status == .forbidden, "a member traces from its own records")
        }
    }

    @Test func deadlinesAreTheRequestedMembersAndSetByItsAdmin() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let standard = try await Self.call(client, world, "uga", .get, "/api/v1/tracing/deadlines").object
            #expect((standard["routine"] as? [String: Any])?["answer_hours"] as? Int == 720)
            let strict: [String: Any] = [
                "urgent": ["acknowledge_hours": 4, "answer_hours": 24], "routine": ["acknowledge_hours": 24, "answer_hours": 240],
            ]
            #expect(try await Self.call(client, world, "uga", .put, "/api/v1/tracing/deadlines", strict).status == .forbidden)
            let set = try await Self.call(client, world, "ugaAdmin", .put, "/api/v1/tracing/deadlines", strict)
            #expect(set.status == .ok, "\(set.text)")
            let bad = try await Self.call(
                client,
                world,
                "ugaAdmin",
                .put,
                "/api/v1/tracing/deadlines",
                ["urgent": ["acknowledge_hours": 0, "answer_hours": 24], "routine": ["acknowledge_hours": 24, "answer_hours": 240]]
            )
            #expect(bad.errorFields == ["urgent.acknowledge_hours"])

            let recordID = try await SearchAPITests.create(client, world, "ken", fullInput)
            let body: [String: Any] = [
                "record_id": recordID, "requested": "UGA", "grounds": ["transferred_without_licence"], "legal_basis": "Firearms Act",
                "intended_use": "Investigation",
            ]
            let id = try #require(try await Self.call(client, world, "ken", .post, "/api/v1/traces", body).object["id"] as? String)
            let sent = try await Self.call(client, world, "ken", .post, "/api/v1/traces/\(id)/send").object
            let sentAt = try #require((sent["sent_at"] as? String).flatMap(Self.date))
            let answerBy = try #require((sent["answer_by"] as? String).flatMap(Self.date))
            #expect(abs(answerBy.timeIntervalSince(sentAt) - 240 * 3600) < 1, "Uganda's routine answer limit")
        }
    }

    @Test func deadlineNoticesReachBothSidesOnce() async throws {
        let world = try await TestWorld.make()
        let draft = try await world.overdueTraceRequest()
        let service = TraceService(repositories: world.repositories)
        #expect(try await service.noticePassedDeadlines().count == 1)
        #expect(try await service.noticePassedDeadlines().isEmpty)
        let yaml = try await world.test { client in try await client.execute(uri: "/api/v1/openapi.yaml", method: .get).text }
        try await world.test { client in
            let document = try OpenAPIDocumentTests.parse(yaml)
            for token in ["ken", "uga"] {
                let page = try await Self.call(client, world, token, .get, "/api/v1/tracing/notices").object
                try OpenAPIDocumentTests.expectConforms(page, to: "TraceNoticePage", in: document)
                let notices = try #require(page["notices"] as? [[String: Any]])
                #expect(notices.count == 1)
                try OpenAPIDocumentTests.expectConforms(notices[0], to: "TraceNotice", in: document)
                #expect(notices[0]["deadline"] as? String == "acknowledge")
            }
            #expect((try await Self.call(client, world, "fra", .get, "/api/v1/tracing/notices").object["notices"] as? [Any])?.isEmpty == true)
            let view = try await Self.call(client, world, "uga", .get, "/api/v1/traces/\(draft)").object
            #expect(view["overdue"] as? [String] == ["acknowledge"])
            #expect((view["timeline"] as? [[String: Any]])?.last?["kind"] as? String == "acknowledge_overdue")
            let overdue = try await Self.call(client, world, "uga", .get, "/api/v1/traces?overdue=true").object
            #expect((overdue["traces"] as? [Any])?.count == 1)
        }
    }

    static func date(_ text: String) -> Date? { ISO8601DateFormatter().date(from: text) }
}
