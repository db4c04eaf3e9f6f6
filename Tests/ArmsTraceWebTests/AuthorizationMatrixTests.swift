import ArmsTraceDomain
import ArmsTraceSearch
import ArmsTraceWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route of the API × every role of a member × the member's own, a shared and a foreign object: the answer of
/// each cell is written down here, and the test fails when a route has no row, so a new endpoint cannot slip in
/// unchecked.
///
/// Kenya's four users (admin, officer, analyst, auditor) ask. "Own" is a Kenyan record (shared with no one) or a
/// trace request Kenya sent to Uganda; "shared" is a Ugandan record shared with Kenya; "foreign" is a Ugandan record
/// shared with no one, or a trace request between Uganda and France.
@Suite struct AuthorizationMatrixTests {
    enum Target: String, CaseIterable {
        case own, shared, foreign
    }

    /// The expected status for admin, officer, analyst and auditor, in that order.
    typealias Row = [HTTPResponse.Status]

    static let roles = ["kenAdmin", "ken", "kenAnalyst", "kenAuditor"]

    /// The matrix. Routes without an object take the `own` column only.
    static let matrix: [String: [Target: Row]] = [
        "GET /api/v1/me": [.own: [.ok, .ok, .ok, .ok]],
        "GET /api/v1/members": [.own: [.ok, .ok, .ok, .ok]],
        "GET /api/v1/settings": [.own: [.ok, .ok, .ok, .ok]],
        "GET /api/v1/users": [.own: [.ok, .forbidden, .forbidden, .forbidden]],
        "POST /api/v1/users": [.own: [.created, .forbidden, .forbidden, .forbidden]],
        "POST /api/v1/users/{id}/revoke-tokens": [
            .own: [.ok, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .forbidden, .forbidden, .forbidden],
        ],
        "GET /api/v1/tokens": [.own: [.ok, .ok, .ok, .ok]],
        "POST /api/v1/tokens": [.own: [.created, .created, .created, .created]],
        "DELETE /api/v1/tokens/{id}": [
            .own: [.noContent, .noContent, .noContent, .noContent], .foreign: [.notFound, .notFound, .notFound, .notFound],
        ],
        "PUT /api/v1/settings": [.own: [.ok, .forbidden, .forbidden, .forbidden]],
        "GET /api/v1/records": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/records": [.own: [.created, .created, .forbidden, .forbidden]],
        "GET /api/v1/records/export": [.own: [.ok, .ok, .forbidden, .forbidden]],
        "GET /api/v1/records/{id}": [
            .own: [.ok, .ok, .ok, .forbidden], .shared: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden],
        ],
        "PUT /api/v1/records/{id}": [
            .own: [.ok, .ok, .forbidden, .forbidden], .shared: [.forbidden, .forbidden, .forbidden, .forbidden],
            .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "GET /api/v1/records/{id}/history": [
            .own: [.ok, .ok, .ok, .forbidden], .shared: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden],
        ],
        "GET /api/v1/records/{id}/trace-addressees": [
            .own: [.ok, .ok, .ok, .forbidden], .shared: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden],
        ],
        "POST /api/v1/searches": [.own: [.ok, .ok, .ok, .forbidden]],
        "GET /api/v1/notifications": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/notifications/{id}/release": [
            .own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "GET /api/v1/traces": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/traces": [.own: [.created, .created, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden]],
        "GET /api/v1/traces/{id}": [.own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden]],
        "GET /api/v1/traces/{id}/print": [.own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden]],
        "GET /api/v1/traces/{id}/attachments/{attachment}": [
            .own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden],
        ],
        "PUT /api/v1/traces/{id}": [
            .own: [.conflict, .conflict, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/send": [
            .own: [.conflict, .conflict, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/acknowledge": [
            .own: [.forbidden, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/request-information": [
            .own: [.forbidden, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/provide-information": [
            .own: [.conflict, .conflict, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/delay": [
            .own: [.forbidden, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/answer": [
            .own: [.forbidden, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/decline": [
            .own: [.forbidden, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/withdraw": [.own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden]],
        "POST /api/v1/traces/{id}/close": [
            .own: [.conflict, .conflict, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/traces/{id}/messages": [
            .own: [.created, .created, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "GET /api/v1/tracing/statistics": [.own: [.ok, .ok, .ok, .forbidden]],
        "GET /api/v1/tracing/statistics/print": [.own: [.ok, .ok, .ok, .forbidden]],
        "GET /api/v1/tracing/deadlines": [.own: [.ok, .ok, .ok, .forbidden]],
        "PUT /api/v1/tracing/deadlines": [.own: [.ok, .forbidden, .forbidden, .forbidden]],
        "GET /api/v1/tracing/notices": [.own: [.ok, .ok, .ok, .forbidden]],
        "GET /api/v1/audit": [.own: [.forbidden, .forbidden, .forbidden, .ok]],
        // Shared reference data: every signed-in role reads it.
        "GET /api/v1/marking-schemes": [.own: [.ok, .ok, .ok, .ok]],
        "POST /api/v1/markings/parse": [.own: [.ok, .ok, .ok, .ok]],
        "GET /api/v1/reference/identify": [.own: [.ok, .ok, .ok, .ok]],
        "GET /api/v1/reference": [.own: [.ok, .ok, .ok, .ok]],
        // Publishing a scheme and editing the reference: admins only.
        "POST /api/v1/marking-schemes": [.own: [.created, .forbidden, .forbidden, .forbidden]],
        "POST /api/v1/reference/makers": [.own: [.ok, .forbidden, .forbidden, .forbidden]],
        "POST /api/v1/reference/models": [.own: [.ok, .forbidden, .forbidden, .forbidden]],
        "POST /api/v1/reference/calibres": [.own: [.ok, .forbidden, .forbidden, .forbidden]],
        // The stockpile: admins and officers manage it, analysts read it, another member's answers 404.
        "GET /api/v1/stock/sites": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/stock/sites": [.own: [.created, .created, .forbidden, .forbidden]],
        "GET /api/v1/stock/weapons": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/stock/weapons": [.own: [.created, .created, .forbidden, .forbidden]],
        "GET /api/v1/stock/weapons/{id}": [.own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden]],
        "GET /api/v1/stock/weapons/{id}/movements": [
            .own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden],
        ],
        "POST /api/v1/stock/weapons/{id}/{step}": [
            .own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/stock/checks": [.own: [.created, .created, .forbidden, .forbidden]],
        "GET /api/v1/stock/checks/{id}": [.own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden]],
        "POST /api/v1/stock/checks/{id}/counts": [
            .own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "GET /api/v1/stock/report": [.own: [.ok, .ok, .ok, .forbidden]],
        // The directory: every role reads; a member's admins keep its own entries.
        "GET /api/v1/directory": [.own: [.ok, .ok, .ok, .ok]],
        "POST /api/v1/directory": [.own: [.created, .forbidden, .forbidden, .forbidden]],
        "PUT /api/v1/directory/{id}": [.own: [.ok, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .forbidden, .forbidden, .forbidden]],
        "POST /api/v1/directory/{id}/confirm": [
            .own: [.ok, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .forbidden, .forbidden, .forbidden],
        ],
        "DELETE /api/v1/directory/{id}": [
            .own: [.noContent, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .forbidden, .forbidden, .forbidden],
        ],
        // Assistance and training: every role but the auditor reads; the member's admins post and act. "Own" is Kenya's need,
        // offer or event; "foreign" Uganda's.
        "GET /api/v1/assistance/needs": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/assistance/needs": [.own: [.created, .forbidden, .forbidden, .forbidden]],
        "GET /api/v1/assistance/needs/{id}": [.own: [.ok, .ok, .ok, .forbidden], .foreign: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/assistance/needs/{id}/steps": [
            .own: [.ok, .forbidden, .forbidden, .forbidden], .foreign: [.forbidden, .forbidden, .forbidden, .forbidden],
        ],
        "GET /api/v1/assistance/offers": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/assistance/offers": [.own: [.created, .forbidden, .forbidden, .forbidden]],
        "POST /api/v1/assistance/offers/{id}/close": [
            .own: [.ok, .forbidden, .forbidden, .forbidden], .foreign: [.forbidden, .forbidden, .forbidden, .forbidden],
        ],
        "GET /api/v1/training/events": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/training/events": [.own: [.created, .forbidden, .forbidden, .forbidden]],
        "GET /api/v1/training/events/{id}": [.own: [.ok, .ok, .ok, .forbidden], .foreign: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/training/events/{id}/participants": [
            .own: [.created, .forbidden, .forbidden, .forbidden], .foreign: [.created, .forbidden, .forbidden, .forbidden],
        ],
        // Own: Kenya withdraws its official from its event; foreign: Uganda's official on Uganda's event is not Kenya's to see.
        "POST /api/v1/training/events/{id}/participants/{participant}": [
            .own: [.ok, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .forbidden, .forbidden, .forbidden],
        ],
        "GET /api/v1/training/officials": [.own: [.ok, .ok, .ok, .forbidden]],
        // Mutual legal assistance: admins and officers, of the two parties only. Own: Kenya to Uganda; foreign: Uganda to France.
        "GET /api/v1/legal-assistance": [.own: [.ok, .ok, .forbidden, .forbidden]],
        "POST /api/v1/legal-assistance": [.own: [.created, .created, .forbidden, .forbidden]],
        "GET /api/v1/legal-assistance/{id}": [.own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden]],
        "POST /api/v1/legal-assistance/{id}/steps": [
            .own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "GET /api/v1/national-report": [.own: [.ok, .ok, .ok, .forbidden]],
        "PUT /api/v1/national-report/answers": [.own: [.ok, .forbidden, .forbidden, .forbidden]],
        "GET /api/v1/stock/ammunition": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/stock/ammunition": [.own: [.created, .created, .forbidden, .forbidden]],
        "POST /api/v1/stock/ammunition/{id}/change": [
            .own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "GET /api/v1/stock/destructions": [.own: [.ok, .ok, .ok, .forbidden]],
        "POST /api/v1/stock/destructions": [.own: [.created, .created, .forbidden, .forbidden]],
        "GET /api/v1/stock/destructions/{id}": [.own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden]],
        "GET /api/v1/stock/destructions/{id}/certificate": [
            .own: [.ok, .ok, .ok, .forbidden], .foreign: [.notFound, .notFound, .notFound, .forbidden],
        ],
        "POST /api/v1/stock/destructions/{id}/record": [
            .own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        // Recorded by the officer in the fixture: the admin may verify, the officer who recorded it may not.
        "POST /api/v1/stock/destructions/{id}/verify": [
            .own: [.ok, .forbidden, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
        "POST /api/v1/stock/checks/{id}/close": [
            .own: [.ok, .ok, .forbidden, .forbidden], .foreign: [.notFound, .notFound, .forbidden, .forbidden],
        ],
    ]

    /// Routes anyone may call without a token.
    /// And the sign-in pages, which carry their own session checks (`SignInTests`).
    static let open: Set<String> = [
        "GET /", "GET /static/app.css", "GET /static/app.js", "GET /health", "GET /ready", "GET /api/v1/openapi.yaml", "GET /login", "POST /login",
        "POST /logout",
    ]

    @Test func everyRouteHasARow() async throws {
        let world = try await TestWorld.make()
        let router = try await buildRouter(store: world.store, searchIndex: LoadingSerialIndex())
        let served = Set(router.routes.map { "\($0.method) \($0.path)" })
        let covered = Set(Self.matrix.keys).union(Self.open).union(WebPagesTests.pages.keys).union(WebPagesTests.forms)
        #expect(served.subtracting(covered).isEmpty, "routes without a row: \(served.subtracting(covered).sorted())")
        #expect(covered.subtracting(served).isEmpty, "rows without a route: \(covered.subtracting(served).sorted())")
    }

    @Test func everyCellAnswersAsWrittenDown() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let fixture = try await Fixture(client, world)
            for (route, columns) in Self.matrix.sorted(by: { $0.key < $1.key }) {
                let parts = route.split(separator: " ", maxSplits: 1)
                let method = HTTPRequest.Method(String(parts[0]))!
                for (target, expected) in columns.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                    for (role, status) in zip(Self.roles, expected) {
                        let (path, body) = try await fixture.request(String(parts[1]), method: method, target: target, role: role)
                        let response = try await client.execute(uri: path, method: method, headers: world.headers(role), body: body.map(json))
                        #expect(response.status == status, "\(route) \(target) as \(role): \(response.status.code) \(response.text.prefix(160))")
                        #expect(response.headers[.xContentTypeOptions] == "nosniff" && response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                        #expect(response.headers[.contentSecurityPolicy] != nil)
                    }
                }
                // No token, no answer.
                let (path, body) = try await fixture.request(String(parts[1]), method: method, target: .own, role: "ken")
                #expect(
                    try await client.execute(uri: path, method: method, headers: world.headers(nil), body: body.map(json)).status == .unauthorized
                )
            }
        }
    }

    /// The objects the matrix points at, and a fresh one where a cell changes what it touches.
    struct Fixture {
        let client: any TestClientProtocol
        let world: TestWorld
        let records: [Target: String]
        let foreignTrace: String
        let foreignAttachment: String

        init(_ client: any TestClientProtocol, _ world: TestWorld) async throws {
            self.client = client
            self.world = world
            let own = try await SearchAPITests.create(client, world, "ken", fullInput.with("external_ref", "KEN-OWN").with("sharing", "owner"))
            let shared = try await SearchAPITests.create(client, world, "uga", fullInput.with("external_ref", "UGA-SHARED").with("sharing", ["KEN"]))
            let foreign = try await SearchAPITests.create(client, world, "uga", fullInput.with("external_ref", "UGA-OWN").with("sharing", "owner"))
            records = [.own: own, .shared: shared, .foreign: foreign]
            let trace = try await Self.sentTrace(client, world, from: "uga", record: foreign, to: "FRA")
            foreignTrace = trace
            foreignAttachment = try await Self.attach(client, world, "uga", trace: trace)
        }

        /// A trace request sent from `record` by `token`'s member to `to`.
        static func sentTrace(
            _ client: any TestClientProtocol,
            _ world: TestWorld,
            from token: String,
            record: String,
            to: String
        ) async throws
            -> String
        {
            let body: [String: Any] = [
                "record_id": record, "requested": to, "grounds": ["not_marked"], "legal_basis": "Act", "intended_use": "Investigation",
            ]
            let created = try await client.execute(uri: "/api/v1/traces", method: .post, headers: world.headers(token), body: json(body))
            let id = try #require(created.object["id"] as? String, "\(created.text)")
            let sent = try await client.execute(uri: "/api/v1/traces/\(id)/send", method: .post, headers: world.headers(token))
            #expect(sent.status == .ok, "\(sent.text)")
            return id
        }

        static func attach(_ client: any TestClientProtocol, _ world: TestWorld, _ token: String, trace: String) async throws -> String {
            let body: [String: Any] = ["attachments": [["name": "a.txt", "content_type": "text/plain", "content": "aGk="]]]
            let response = try await client.execute(
                uri: "/api/v1/traces/\(trace)/messages",
                method: .post,
                headers: world.headers(token),
                body: json(body)
            )
            #expect(response.status == .created, "\(response.text)")
            let view = try await client.execute(uri: "/api/v1/traces/\(trace)", method: .get, headers: world.headers(token)).object
            let entry = try #require((view["timeline"] as? [[String: Any]])?.last)
            return try #require((entry["attachments"] as? [[String: Any]])?.first?["id"] as? String)
        }

        /// The concrete path and body of a cooperation cell, on fresh objects: Kenya's (own) or Uganda's (foreign).
        func cooperation(_ template: String, method: HTTPRequest.Method, target: Target) async throws -> (String, [String: Any]?) {
            let admin = target == .own ? "kenAdmin" : "ugaAdmin"
            var path = template
            var body: [String: Any]?
            if template.hasPrefix("/api/v1/assistance/") {
                let need = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/assistance/needs",
                    ["area": "stockpile_management", "title": "Armoury doors", "kinds": ["equipment"]]
                )
                let offer = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/assistance/offers",
                    ["title": "Locks", "areas": ["stockpile_management"], "kinds": ["equipment"]]
                )
                let object = template.hasPrefix("/api/v1/assistance/needs") ? need : offer
                path = path.replacingOccurrences(of: "{id}", with: try #require(object["id"] as? String))
                switch template {
                case "/api/v1/assistance/needs": body = ["area": "destruction", "title": "Mobile cutter"]
                case "/api/v1/assistance/offers": body = ["title": "Cutters", "areas": ["destruction"], "kinds": ["equipment"]]
                case "/api/v1/assistance/needs/{id}/steps": body = ["status": "withdrawn"]
                default: break
                }
            } else if template.hasPrefix("/api/v1/training/") {
                let event = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/training/events",
                    [
                        "title": "PSSM", "topic": "stockpile_management", "start": "2099-01-10", "end": "2099-01-14", "place": "Nairobi", "seats": 20,
                        "language": "en",
                    ]
                )
                let eventID = try #require(event["id"] as? String)
                path = path.replacingOccurrences(of: "{id}", with: eventID)
                if template.contains("{participant}") {
                    let registered = try await Self.post(
                        client,
                        world,
                        admin,
                        "/api/v1/training/events/\(eventID)/participants",
                        ["name": "Insp. W", "post": "armourer"]
                    )
                    let participant = try #require((registered["participants"] as? [[String: Any]])?.first?["id"] as? String)
                    path = path.replacingOccurrences(of: "{participant}", with: participant)
                    body = ["status": "withdrawn"]
                }
                switch template {
                case "/api/v1/training/events":
                    body = [
                        "title": "Tracing", "topic": "tracing", "start": "2099-02-01", "end": "2099-02-02", "place": "Kampala", "seats": 10,
                        "language": "en",
                    ]
                case "/api/v1/training/events/{id}/participants": body = ["name": "Sgt. N", "post": "customs officer"]
                default: break
                }
            } else if template.hasPrefix("/api/v1/legal-assistance") {
                let (from, to) = target == .own ? ("ken", "UGA") : ("uga", "FRA")
                let request: [String: Any] = [
                    "requested": to, "reference": "MLA-\(UUID().uuidString.prefix(6))", "legal_basis": "Reciprocity",
                    "assistance": ["documents"], "description": "Export licences of the rifles",
                ]
                let sent = try await Self.post(client, world, from, "/api/v1/legal-assistance", request)
                path = path.replacingOccurrences(of: "{id}", with: try #require(sent["id"] as? String))
                body = template.hasSuffix("/steps") ? ["action": "withdraw"] : method == .post ? request.with("requested", "UGA") : nil
            } else if template == "/api/v1/national-report/answers" {
                body = ["from": 2025, "to": 2026, "answers": ["coordination_agency": "yes"]]
            }
            return (path, body)
        }

        /// The concrete path and body of one cell.
        func request(_ template: String, method: HTTPRequest.Method, target: Target, role: String) async throws -> (String, [String: Any]?) {
            var path = template
            var body: [String: Any]?
            if template.hasPrefix("/api/v1/records/{id}") {
                path = path.replacingOccurrences(of: "{id}", with: records[target]!)
            }
            if template == "/api/v1/users/{id}/revoke-tokens" {
                // A fresh user to offboard: Kenya's (own) or Uganda's (foreign).
                let admin = target == .own ? "kenAdmin" : "ugaAdmin"
                let added = try await client.execute(
                    uri: "/api/v1/users",
                    method: .post,
                    headers: world.headers(admin),
                    body: json(["name": "Leaver", "role": "analyst"])
                )
                let id = try #require((added.object["user"] as? [String: Any])?["id"] as? String, "\(added.text)")
                path = path.replacingOccurrences(of: "{id}", with: id)
            }
            if template == "/api/v1/tokens/{id}" {
                // A fresh token of the caller's (own) or of Uganda's officer (foreign) to revoke.
                let holder = target == .own ? role : "uga"
                _ = try await client.execute(uri: "/api/v1/tokens", method: .post, headers: world.headers(holder), body: json(["name": "spare"]))
                let tokens = try await client.execute(uri: "/api/v1/tokens", method: .get, headers: world.headers(holder)).object
                let id = try #require((tokens["tokens"] as? [[String: Any]])?.first?["id"] as? String)
                path = path.replacingOccurrences(of: "{id}", with: id)
            }
            if template == "/api/v1/notifications/{id}/release" {
                // A fresh restricted hit each time: on Kenya's hidden record (own), or on Uganda's (foreign).
                let (owner, searcher) = target == .own ? ("ken", "uga") : ("uga", "ken")
                let serial = "RH\(Int.random(in: 100_000...999_999))"
                _ = try await SearchAPITests.create(
                    client,
                    world,
                    owner,
                    fullInput.with("external_ref", "RH-\(UUID().uuidString.prefix(8))").with("sharing", "owner").with("serial_number", serial)
                        .with("markings", [["kind": "manufacture", "text": serial]])
                )
                let result = try await SearchAPITests.search(client, world, searcher, ["serial": serial])
                let reference = try #require((result.object["restricted"] as? [[String: Any]])?.first?["reference"] as? String)
                path = path.replacingOccurrences(of: "{id}", with: reference)
            }
            if template.hasPrefix("/api/v1/traces/{id}") {
                // Each cell on Kenya's own request gets a fresh one, sent to Uganda: a step that succeeds (withdraw)
                // must not change what the next cell sees.
                let trace: String
                var attachment = foreignAttachment
                if target == .own {
                    trace = try await Self.sentTrace(client, world, from: "ken", record: records[.own]!, to: "UGA")
                    attachment = try await Self.attach(client, world, "ken", trace: trace)
                } else {
                    trace = foreignTrace
                }
                path = path.replacingOccurrences(of: "{id}", with: trace).replacingOccurrences(of: "{attachment}", with: attachment)
            }
            if template.hasPrefix("/api/v1/directory") {
                let entry: [String: Any] = ["role": "poa", "agency": "National Focal Point", "name": "Desk", "email": "desk@example.org"]
                if template.contains("{id}") {
                    let admin = target == .own ? "kenAdmin" : "ugaAdmin"
                    let added = try await Self.post(client, world, admin, "/api/v1/directory", entry)
                    path = path.replacingOccurrences(of: "{id}", with: try #require(added["id"] as? String))
                }
                return (path, method == .put || method == .post ? entry : nil)
            }
            if template.hasPrefix("/api/v1/assistance/") || template.hasPrefix("/api/v1/training/") || template.hasPrefix("/api/v1/legal-assistance")
                || template.hasPrefix("/api/v1/national-report")
            {
                return try await cooperation(template, method: method, target: target)
            }
            if template.hasPrefix("/api/v1/stock/") {
                // Fresh stock each cell, Kenya's (own) or Uganda's (foreign): a step that succeeds changes the weapon.
                let admin = target == .own ? "kenAdmin" : "ugaAdmin"
                let tag = UUID().uuidString.prefix(8)
                let site = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/stock/sites",
                    ["name": "Site \(tag)", "kind": "depot", "custodian": "Maj. O", "security_level": "high"]
                )
                let siteID = try #require(site["id"] as? String)
                let received = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/stock/weapons",
                    ["weapons": [["serial_number": "M-\(tag)", "category": "assault_rifle", "make": "Norinco", "site": siteID]]]
                )
                let weaponID = try #require((received["weapons"] as? [[String: Any]])?.first?["id"] as? String)
                let check = try await Self.post(client, world, admin, "/api/v1/stock/checks", ["site": siteID])
                let checkID = try #require(check["id"] as? String)
                // A destruction of a second, surplus weapon: recorded by the member's officer when the cell verifies.
                let recorder = target == .own ? "ken" : "uga"
                let spare = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/stock/weapons",
                    ["weapons": [["serial_number": "S-\(tag)", "category": "assault_rifle", "make": "Norinco", "site": siteID]]]
                )
                let spareID = try #require((spare["weapons"] as? [[String: Any]])?.first?["id"] as? String)
                let surplus = try await client.execute(
                    uri: "/api/v1/stock/weapons/\(spareID)/surplus",
                    method: .post,
                    headers: world.headers(admin),
                    body: json(["reason": "obsolete"])
                )
                #expect(surplus.status == .ok)
                let plan = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/stock/destructions",
                    ["method": "cutting", "place": "Depot", "planned_for": "2026-12-01", "weapons": [spareID]]
                )
                let destructionID = try #require(plan["id"] as? String)
                if template.hasSuffix("/verify") {
                    let recorded = try await client.execute(
                        uri: "/api/v1/stock/destructions/\(destructionID)/record",
                        method: .post,
                        headers: world.headers(recorder),
                        body: json(["date": "2026-12-01", "witnesses": ["A", "B"]])
                    )
                    #expect(recorded.status == .ok, "\(recorded.text)")
                }
                path = path.replacingOccurrences(of: "{step}", with: "issue")
                let lot = try await Self.post(
                    client,
                    world,
                    admin,
                    "/api/v1/stock/ammunition",
                    ["lot_number": "L-\(tag)", "type": "7.62x39mm ball", "quantity": 1_000, "site": siteID]
                )
                let lotID = try #require(lot["id"] as? String)
                let object =
                    template.hasPrefix("/api/v1/stock/checks")
                    ? checkID
                    : template.hasPrefix("/api/v1/stock/destructions")
                        ? destructionID : template.hasPrefix("/api/v1/stock/ammunition") ? lotID : weaponID
                path = path.replacingOccurrences(of: "{id}", with: object)
                switch template {
                case "/api/v1/stock/sites":
                    body = ["name": "New site \(tag)", "kind": "unit_armoury", "custodian": "Sgt. W", "security_level": "medium"]
                case "/api/v1/stock/weapons":
                    body = ["weapons": [["serial_number": "N-\(tag)", "category": "rifle_carbine", "make": "FN", "site": siteID]]]
                case "/api/v1/stock/weapons/{id}/{step}": body = ["holder": "Cpl. K", "document": "IV-1"]
                case "/api/v1/stock/checks": body = ["site": siteID]
                case "/api/v1/stock/checks/{id}/counts": body = ["serials": ["M-\(tag)"]]
                case "/api/v1/stock/ammunition": body = ["lot_number": "N-\(tag)", "type": "9x19mm", "quantity": 500, "site": siteID]
                case "/api/v1/stock/ammunition/{id}/change": body = ["quantity": -100, "reason": "IV-1"]
                case "/api/v1/stock/destructions" where method == .post:
                    let surplus = try await client.execute(
                        uri: "/api/v1/stock/weapons/\(weaponID)/surplus",
                        method: .post,
                        headers: world.headers(admin),
                        body: json(["reason": "obsolete"])
                    )
                    #expect(surplus.status == .ok)
                    body = ["method": "crushing", "place": "Depot", "planned_for": "2026-12-02", "weapons": [weaponID]]
                case "/api/v1/stock/destructions/{id}/record": body = ["date": "2026-12-01", "witnesses": ["Insp. M", "Ms. A"]]
                case "/api/v1/stock/destructions/{id}/verify": body = ["verification": "Receivers cut"]
                default: break
                }
                return (path, method == .post ? body ?? [:] : nil)
            }
            switch (method, template) {
            case (.post, "/api/v1/records"):
                body = fullInput.with("external_ref", "KEN-NEW-\(UUID().uuidString.prefix(8))")
            case (.put, "/api/v1/records/{id}"):
                body = fullInput.with("external_ref", target == .own ? "KEN-OWN" : "X").with("sharing", "owner")
            case (.post, "/api/v1/searches"):
                body = ["serial": "5612345"]
            case (.post, "/api/v1/traces"):
                body = ["record_id": records[target]!, "requested": target == .own ? "UGA" : "FRA"]
            case (.put, "/api/v1/traces/{id}"):
                body = ["requested": "UGA"]
            case (.post, let step) where step.hasPrefix("/api/v1/traces/{id}/"):
                body = Self.stepBodies[String(step.dropFirst("/api/v1/traces/{id}/".count))] ?? [:]
            case (.post, "/api/v1/users"):
                body = ["name": "New analyst", "role": "analyst"]
            case (.post, "/api/v1/tokens"):
                body = ["name": "laptop", "expires_in_days": 30]
            case (.put, "/api/v1/settings"):
                body = ["searches_per_day": 10_000, "maximum_candidates": 200]
            case (.post, "/api/v1/markings/parse"):
                body = ["mark": "KEN 19"]
            case (.post, "/api/v1/marking-schemes"):
                body = [
                    "kind": "import", "effective_from": "2026-01-01", "description": "Country and year of import",
                    "elements": [
                        [
                            "kind": "country", "meaning": "country of import", "alphabet": "letters", "min_length": 3, "max_length": 3,
                            "values": ["KEN"], "optional": false,
                        ],
                        ["kind": "year", "meaning": "year of import", "alphabet": "digits", "min_length": 2, "max_length": 4, "optional": false],
                    ],
                    "examples": ["KEN 26"],
                ]
            case (.post, "/api/v1/reference/makers"):
                body = ["name": "Matrix Arms", "country": "KEN", "aliases": ["MXA"]]
            case (.post, "/api/v1/reference/models"):
                body = ["maker": "Glock", "name": "Matrix 1", "category": "revolver_pistol", "calibres": ["9mm Luger"]]
            case (.post, "/api/v1/reference/calibres"):
                body = ["name": "9.99x99mm Matrix"]
            case (.get, "/api/v1/reference/identify"):
                path += "?make=IZH&calibre=7%2C62%20x%2039"
            case (.put, "/api/v1/tracing/deadlines"):
                body = ["urgent": ["acknowledge_hours": 24, "answer_hours": 48], "routine": ["acknowledge_hours": 120, "answer_hours": 720]]
            default:
                break
            }
            return (path, body)
        }

        /// Posts `body` as `token` and returns the answer's object, which must be a success.
        static func post(
            _ client: any TestClientProtocol,
            _ world: TestWorld,
            _ token: String,
            _ path: String,
            _ body: [String: Any]
        ) async throws
            -> [String: Any]
        {
            let response = try await client.execute(uri: path, method: .post, headers: world.headers(token), body: json(body))
            #expect(response.status == .created, "\(path): \(response.text)")
            return response.object
        }

        static var stepBodies: [String: [String: Any]] {
            [
                "request-information": ["question": "Photos?"],
                "provide-information": ["text": "Attached"],
                "delay": ["ground": "ongoing_investigation", "expected_by": "2099-01-01T00:00:00Z"],
                "answer": ["chain_of_custody": [["kind": "manufacture", "party": "Maker"]], "point_of_diversion_established": false],
                "decline": ["ground": "national_security"],
                "withdraw": ["reason": "Duplicate"],
                "close": ["origin_established": false],
                "messages": ["text": "Any news?"],
            ]
        }
    }
}
