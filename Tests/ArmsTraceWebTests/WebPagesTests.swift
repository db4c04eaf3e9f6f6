import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ArmsTraceWeb

/// The HTML pages behind sign-in, through the real application: who may open which page, the session and CSRF
/// checks on every form, field errors next to their fields, the upload's report, the search's marked differences,
/// and a trace request from a record to its close. (`Tests/Browser` walks the same flow in Chromium.)
@Suite struct WebPagesTests {
    /// Each page for admin, officer, analyst and auditor (Kenya's), in that order: 200, 403, or 303 where the page
    /// sends the role elsewhere (an auditor's dashboard is the audit trail).
    static let pages: [String: [HTTPResponse.Status]] = [
        "GET /dashboard": [.ok, .ok, .ok, .seeOther],
        "GET /records": [.ok, .ok, .ok, .forbidden],
        "GET /records/new": [.ok, .ok, .forbidden, .forbidden],
        "GET /records/export": [.ok, .ok, .forbidden, .forbidden],
        "GET /records/{id}": [.ok, .ok, .ok, .forbidden],
        "GET /records/{id}/edit": [.ok, .ok, .forbidden, .forbidden],
        "GET /upload": [.ok, .ok, .forbidden, .forbidden],
        "GET /search": [.ok, .ok, .ok, .forbidden],
        "GET /traces": [.ok, .ok, .ok, .forbidden],
        "GET /traces/new": [.ok, .ok, .forbidden, .forbidden],
        "GET /traces/{id}": [.ok, .ok, .ok, .forbidden],
        "GET /traces/{id}/attachments/{attachment}": [.ok, .ok, .ok, .forbidden],
        "GET /notifications": [.ok, .ok, .ok, .forbidden],
        "GET /statistics": [.ok, .ok, .ok, .forbidden],
        "GET /settings": [.ok, .forbidden, .forbidden, .forbidden],
        "GET /audit": [.forbidden, .forbidden, .forbidden, .ok],
        "GET /account": [.ok, .ok, .ok, .ok],
        "GET /reference": [.ok, .ok, .ok, .ok],
        "GET /reference/edit": [.ok, .forbidden, .forbidden, .forbidden],
        "GET /stock": [.ok, .ok, .ok, .forbidden],
        "GET /stock/report": [.ok, .ok, .ok, .forbidden],
        "GET /directory": [.ok, .ok, .ok, .ok],
        "GET /stock/weapons/{id}": [.ok, .ok, .ok, .forbidden],
        "GET /stock/checks/{id}": [.ok, .ok, .ok, .forbidden],
        "GET /stock/destructions/{id}": [.ok, .ok, .ok, .forbidden],
        "GET /assistance": [.ok, .ok, .ok, .forbidden],
        "GET /assistance/needs/{id}": [.ok, .ok, .ok, .forbidden],
        "GET /training": [.ok, .ok, .ok, .forbidden],
        "GET /training/{id}": [.ok, .ok, .ok, .forbidden],
        "GET /legal": [.ok, .ok, .forbidden, .forbidden],
        "GET /legal/{id}": [.ok, .ok, .forbidden, .forbidden],
        "GET /report": [.ok, .ok, .ok, .forbidden],
        "GET /report.json": [.ok, .ok, .ok, .forbidden],
    ]

    /// The forms the pages post; each needs a session and its CSRF token, then the role's permission.
    static let forms: Set<String> = [
        "POST /records/new", "POST /records/{id}/edit", "POST /upload", "POST /search", "POST /traces/new", "POST /traces/{id}/{step}",
        "POST /account/tokens", "POST /account/tokens/{id}/revoke", "POST /settings/users", "POST /settings/users/{id}/revoke-tokens",
        "POST /settings/deadlines", "POST /settings/quotas", "POST /reference/makers", "POST /reference/models", "POST /reference/calibres",
        "POST /reference/schemes", "POST /stock/sites", "POST /stock/import", "POST /stock/checks", "POST /stock/destructions",
        "POST /stock/weapons/{id}/{step}", "POST /stock/checks/{id}/counts", "POST /stock/checks/{id}/close",
        "POST /stock/destructions/{id}/record", "POST /stock/destructions/{id}/verify", "POST /stock/ammunition",
        "POST /stock/ammunition/{id}/change", "POST /directory", "POST /directory/{id}/confirm", "POST /directory/{id}/remove",
        "POST /assistance/needs", "POST /assistance/offers", "POST /assistance/offers/{id}/close", "POST /assistance/needs/{id}/steps",
        "POST /training", "POST /training/{id}/participants", "POST /training/{id}/participants/{participant}", "POST /legal",
        "POST /legal/{id}/steps", "POST /report/answers",
    ]

    static let roles = ["kenAdmin", "ken", "kenAnalyst", "kenAuditor"]
    static let password = "correct horse battery"

    /// A signed-in browser: its session cookie and the CSRF token its forms carry.
    struct Browser {
        var cookie: String
        var csrf: String

        func headers(_ contentType: String? = nil) -> HTTPFields {
            var fields: HTTPFields = [.cookie: cookie]
            if let contentType { fields[.contentType] = contentType }
            return fields
        }
    }

    /// Gives each of the world's users a password (their key as login).
    static func withPasswords(_ world: TestWorld) async throws {
        let service = SignInService(repositories: world.repositories, credentials: Credentials(cost: 4))
        for member in ["KEN", "UGA", "FRA"] {
            for user in try await world.repositories.users.list(member: MemberCode(member)!) {
                _ = try await service.setCredentials(of: user.id, login: user.name, password: password, secondFactor: false)
            }
        }
    }

    /// Signs in through the sign-in form, as a browser does.
    static func signIn(_ client: some TestClientProtocol, as login: String) async throws -> Browser {
        let page = try await client.execute(uri: "/login", method: .get)
        let formCookie = try #require(page.headers[.setCookie]).split(separator: ";")[0]
        let formToken = try #require(page.text.firstMatch(of: /name="csrf" value="([^"]+)"/)?.1)
        let signedIn = try await client.execute(
            uri: "/login",
            method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded", .cookie: String(formCookie)],
            body: ByteBuffer(string: "csrf=\(formToken)&login=\(login)&password=correct+horse+battery")
        )
        #expect(signedIn.status == .seeOther)
        let cookie = String(try #require(signedIn.headers[.setCookie]).split(separator: ";")[0])
        let account = try await client.execute(uri: "/account", method: .get, headers: [.cookie: cookie])
        let csrf = try #require(account.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
        return Browser(cookie: cookie, csrf: String(csrf))
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(
            string: fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        )
    }

    static let formType = "application/x-www-form-urlencoded"

    /// A world with a Kenyan record and a request Kenya sent to Uganda about it.
    static func world() async throws -> (TestWorld, record: String, trace: String) {
        let world = try await TestWorld.make()
        try await withPasswords(world)
        let trace = try await world.overdueTraceRequest()
        let ken = Actor(try await world.repositories.users.authenticate(token: world.tokens["ken"]!, at: Date()), channel: .api)
        _ = try await TraceService(repositories: world.repositories).perform(
            .message(
                text: "The receiver",
                attachments: [TraceAttachment(id: .generate(), name: "receiver.txt", contentType: "text/plain", content: Data("hi".utf8))]
            ),
            on: trace,
            by: ken
        )
        let view = try await world.repositories.traces.get(trace, viewer: MemberCode("KEN")!)
        return (world, view.recordID.description, trace.description)
    }

    /// Kenya's stock objects the pages show, by the path that shows them: a weapon, a check, a planned destruction.
    static func stock(_ world: TestWorld) async throws -> [String: String] {
        let ken = Actor(try await world.repositories.users.authenticate(token: world.tokens["ken"]!, at: Date()), channel: .web)
        let service = StockpileService(repositories: world.repositories)
        let site = try await service.createSite(StockSiteInput(name: "Depot", kind: "depot", custodian: "Maj. O", securityLevel: "high"), by: ken)
        let weapons = try await service.receive(
            ["P-1", "P-2"].map { StockWeaponInput(serialNumber: $0, category: "assault_rifle", make: "Norinco", site: site.id.description) },
            by: ken
        )
        let check = try await service.startCheck(site: site.id, by: ken)
        _ = try await service.apply(.designateSurplus(reason: "obsolete"), to: weapons[1].id, by: ken)
        let destruction = try await service.planDestruction(
            DestructionInput(method: "cutting", place: "Depot", plannedFor: "2026-12-01", weapons: [weapons[1].id.description]),
            by: ken
        )
        return [
            "/stock/weapons/": weapons[0].id.description, "/stock/checks/": check.id.description, "/stock/destructions/": destruction.id.description,
        ]
    }

    /// Kenya's cooperation objects the pages show, by the path that shows them: a need, an offer, a training event, a
    /// legal assistance request to Uganda.
    static func cooperation(_ world: TestWorld) async throws -> [String: String] {
        let admin = Actor(try await world.repositories.users.authenticate(token: world.tokens["kenAdmin"]!, at: Date()), channel: .web)
        let assistance = AssistanceService(repositories: world.repositories)
        let need = try await assistance.post(AssistanceNeedInput(area: "stockpile_management", title: "Armoury doors"), by: admin)
        let offer = try await assistance.post(
            AssistanceOfferInput(title: "Locks", areas: ["stockpile_management"], kinds: ["equipment"]),
            by: admin
        )
        let event = try await TrainingService(repositories: world.repositories).organise(
            TrainingEventInput(
                title: "PSSM",
                topic: "stockpile_management",
                start: "2099-01-10",
                end: "2099-01-14",
                place: "Nairobi",
                seats: 9,
                language: "en"
            ),
            by: admin
        )
        let request = try await LegalAssistanceService(repositories: world.repositories).send(
            LegalAssistanceInput(requested: "UGA", reference: "MLA-1", legalBasis: "Reciprocity", assistance: ["documents"], description: "Licences"),
            by: admin
        )
        return [
            "/assistance/needs/": need.id.description, "/assistance/offers/": offer.id.description, "/training/": event.id.description,
            "/legal/": request.id.description,
        ]
    }

    /// The first file of a request's conversation.
    static func attachment(of trace: String, _ world: TestWorld) async throws -> String {
        let view = try await TraceService(repositories: world.repositories).get(
            TraceRequest.ID(trace)!,
            by: Actor(try await world.repositories.users.authenticate(token: world.tokens["ken"]!, at: Date()), channel: .api)
        )
        return try #require(view.timeline?.flatMap(\.content.attachments).first?.id.description)
    }

    @Test func everyPageNeedsASessionAndAnswersEachRoleAsWrittenDown() async throws {
        let (world, record, trace) = try await Self.world()
        let stock = try await Self.stock(world).merging(try await Self.cooperation(world)) { first, _ in first }
        try await world.test { client in
            let attachment = try await Self.attachment(of: trace, world)
            func path(_ route: String) -> String {
                var path = String(route.split(separator: " ")[1])
                let object = stock.first { route.contains($0.key) }?.value ?? (route.contains("/traces/") ? trace : record)
                path = path.replacingOccurrences(of: "{id}", with: object)
                path = path.replacingOccurrences(of: "{attachment}", with: attachment)
                path = path.replacingOccurrences(of: "{participant}", with: UUID().uuidString.lowercased())
                return path == "/traces/new" ? "/traces/new?record=\(record)" : path
            }
            for route in Self.pages.keys.sorted() {
                let response = try await client.execute(uri: path(route), method: .get)
                #expect(response.status == .seeOther && response.headers[.location]?.hasPrefix("/login") == true, "\(route) without a session")
            }
            for route in Self.forms.sorted() {
                let uri = path(route).replacingOccurrences(of: "{step}", with: "acknowledge")
                let response = try await client.execute(uri: uri, method: .post, headers: [.contentType: Self.formType], body: ByteBuffer())
                #expect(response.status == .seeOther && response.headers[.location] == "/login", "\(route) without a session")
            }
            for (index, role) in Self.roles.enumerated() {
                let browser = try await Self.signIn(client, as: role)
                for (route, statuses) in Self.pages.sorted(by: { $0.key < $1.key }) {
                    let response = try await client.execute(uri: path(route), method: .get, headers: browser.headers())
                    #expect(response.status == statuses[index], "\(route) as \(role): \(response.status.code)")
                    if route == "GET /report.json" && response.status == .ok {
                        #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                        #expect(response.object["member"] as? String == "KEN")
                    } else if (route.contains("/attachments/") || route == "GET /records/export") && response.status == .ok {
                        // A file is a download, never a page.
                        #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                        #expect(response.headers[.contentSecurityPolicy] == "default-src 'none'; sandbox")
                    } else if response.status == .ok || response.status == .forbidden {
                        #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                        #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
                        #expect(response.text.contains("<main id=\"main\""), "\(route) as \(role) has no main landmark")
                    }
                }
            }
        }
    }

    @Test func formsNeedTheSessionsTokenAndComeFromThisSite() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let browser = try await Self.signIn(client, as: "ken")
            let noToken = try await client.execute(
                uri: "/search",
                method: .post,
                headers: browser.headers(Self.formType),
                body: Self.form([("serial", "ABC123")])
            )
            #expect(noToken.status == .forbidden && noToken.text.contains("security token"))
            var crossSite = browser.headers(Self.formType)
            crossSite[.origin] = "https://evil.example"
            let forged = try await client.execute(
                uri: "/search",
                method: .post,
                headers: crossSite,
                body: Self.form([("csrf", browser.csrf), ("serial", "ABC123")])
            )
            #expect(forged.status == .forbidden)
            let audit = try await world.repositories.audit.entries(for: MemberCode("KEN")!, limit: 50, cursor: nil).items
            #expect(!audit.contains { $0.event.action == .search }, "no refused form searched")
        }
    }

    @Test func theRecordFormPutsEachErrorNextToItsFieldAndKeepsWhatWasTyped() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let browser = try await Self.signIn(client, as: "ken")
            let before = try await world.repositories.records.count(owner: nil)
            let response = try await client.execute(
                uri: "/records/new",
                method: .post,
                headers: browser.headers(Self.formType),
                body: Self.form([
                    ("csrf", browser.csrf), ("external_ref", "KEN-W-1"), ("category", "assault_rifle"), ("make", ""),
                    ("serial_number", "5612345"), ("year_of_manufacture", "nineteen"), ("status", "seized"), ("markings_0_kind", "import"),
                    ("event_date", "2024-13-01"),
                ])
            )
            #expect(response.status == .unprocessableContent)
            let html = response.text
            for field in ["make", "year_of_manufacture", "markings_0_text", "event_date"] {
                #expect(html.contains("id=\"\(field)-error\""), "no error next to \(field)")
                #expect(html.contains("href=\"#\(field)\""), "the summary does not link \(field)")
            }
            #expect(html.contains("aria-invalid=\"true\""))
            #expect(html.contains("value=\"KEN-W-1\"") && html.contains("value=\"nineteen\""), "what was typed is kept")
            #expect(try await world.repositories.records.count(owner: nil) == before, "nothing stored")

            let saved = try await client.execute(
                uri: "/records/new",
                method: .post,
                headers: browser.headers(Self.formType),
                body: Self.form([
                    ("csrf", browser.csrf), ("external_ref", "KEN-W-1"), ("category", "assault_rifle"), ("make", "Norinco"),
                    ("serial_number", "5612345"), ("status", "seized"), ("sharing", "all"), ("serial_obliterated", "no"),
                ])
            )
            #expect(saved.status == .seeOther)
            let page = try await client.execute(uri: try #require(saved.headers[.location]), method: .get, headers: browser.headers())
            #expect(page.status == .ok && page.text.contains("Saved.") && page.text.contains("Version 1, created"))
            let history = try await world.repositories.audit.entries(for: MemberCode("KEN")!, limit: 20, cursor: nil).items
            #expect(history.contains { $0.event.action == .recordCreate && $0.event.channel == .web })
        }
    }

    @Test func theExportPageRefusesAFormatItDoesNotKnow() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let browser = try await Self.signIn(client, as: "ken")
            let json = try await client.execute(uri: "/records/export?format=json", method: .get, headers: browser.headers())
            #expect(json.status == .ok && json.headers[.contentType] == "application/json; charset=utf-8")
            let bad = try await client.execute(uri: "/records/export?format=xml", method: .get, headers: browser.headers())
            #expect(bad.status == .badRequest && bad.text.contains("is not csv or json"))
        }
    }

    @Test func theUploadReportsEachProblemByLineAndColumnAndStoresNothing() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let browser = try await Self.signIn(client, as: "ken")
            func upload(_ csv: String) async throws -> TestResponse {
                let boundary = "----armstrace-test"
                let body = """
                    --\(boundary)\r
                    Content-Disposition: form-data; name="csrf"\r
                    \r
                    \(browser.csrf)\r
                    --\(boundary)\r
                    Content-Disposition: form-data; name="file"; filename="records.csv"\r
                    Content-Type: text/csv\r
                    \r
                    \(csv)\r
                    --\(boundary)--\r

                    """
                return try await client.execute(
                    uri: "/upload",
                    method: .post,
                    headers: browser.headers("multipart/form-data; boundary=\(boundary)"),
                    body: ByteBuffer(string: body)
                )
            }
            let header = "external_ref,category,make,serial_number,status"
            let before = try await world.repositories.records.count(owner: MemberCode("KEN")!)
            let bad = try await upload("\(header)\nU-1,pistol,Glock,AB1,seized\nU-2,assault_rifle,Norinco,5612,seized\n")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("<td>2</td><td><code>category</code></td>"), "line 2, column category")
            #expect(try await world.repositories.records.count(owner: MemberCode("KEN")!) == before)

            let good = try await upload("\(header)\nU-1,revolver_pistol,Glock,AB1,seized\nU-2,assault_rifle,Norinco,5612,seized\n")
            #expect(good.status == .ok && good.text.contains("2 created"))
            #expect(try await world.repositories.records.count(owner: MemberCode("KEN")!) == before + 2)
        }
    }

    @Test func aSearchMarksTheDifferingCharactersAndLeadsToATraceRequest() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let ken = try await Self.signIn(client, as: "ken")
            // KEN-OLD's serial is ABC123: read with a look-alike (8 for B) and a wrong last digit.
            let result = try await client.execute(
                uri: "/search",
                method: .post,
                headers: ken.headers(Self.formType),
                body: Self.form([("csrf", ken.csrf), ("serial", "A8C-124")])
            )
            #expect(result.status == .ok)
            let html = result.text
            #expect(html.contains("<mark class=\"confusable\""), "the look-alike is marked")
            #expect(html.contains("<mark class=\"substitution\""), "the wrong character is marked")
            #expect(html.contains("read 8, stored B (look-alike characters)"))
            let link = try #require(html.firstMatch(of: /href="(\/traces\/new\?record=[0-9a-f-]+)"/)?.1)
            let form = try await client.execute(uri: String(link), method: .get, headers: ken.headers())
            #expect(form.status == .ok && form.text.contains("name=\"requested_other\"") && form.text.contains("name=\"grounds\""))
        }
    }

    @Test func aTraceRequestGoesFromSendingToClosingThroughThePages() async throws {
        let (world, _, trace) = try await Self.world()
        try await world.test { client in
            let uga = try await Self.signIn(client, as: "uga")
            let page = try await client.execute(uri: "/traces/\(trace)", method: .get, headers: uga.headers())
            #expect(page.text.contains("action=\"/traces/\(trace)/acknowledge\""), "UGA may acknowledge")
            #expect(!page.text.contains("/close\""), "only the requester closes")
            func post(_ browser: Browser, _ step: String, _ fields: [(String, String)]) async throws -> TestResponse {
                try await client.execute(
                    uri: "/traces/\(trace)/\(step)",
                    method: .post,
                    headers: browser.headers(Self.formType),
                    body: Self.form([("csrf", browser.csrf)] + fields)
                )
            }
            #expect(try await post(uga, "acknowledge", []).status == .seeOther)
            let incomplete = try await post(uga, "answer", [("point_of_diversion_established", "yes")])
            #expect(incomplete.status == .unprocessableContent && incomplete.text.contains("chain_of_custody"))
            let answered = try await post(
                uga,
                "answer",
                [
                    ("custody_0_kind", "import"), ("custody_0_party", "Kampala Arms Ltd"), ("custody_0_country", "UGA"),
                    ("point_of_diversion_established", "no"),
                ]
            )
            #expect(answered.status == .seeOther)

            let ken = try await Self.signIn(client, as: "ken")
            #expect(try await post(ken, "close", [("origin_established", "yes")]).status == .seeOther)
            let statistics = try await client.execute(uri: "/statistics", method: .get, headers: ken.headers())
            #expect(statistics.text.contains("<svg") && statistics.text.contains("role=\"img\""))
            let closed = try await client.execute(uri: "/traces/\(trace)", method: .get, headers: ken.headers())
            #expect(closed.text.contains("Kampala Arms Ltd") && closed.text.contains("closed"))
            let link = try #require(closed.text.firstMatch(of: /href="(\/traces\/[^"]+\/attachments\/[^"]+)" download>receiver.txt/)?.1)
            let file = try await client.execute(uri: String(link), method: .get, headers: uga.headers())
            #expect(file.status == .ok && file.text == "hi" && file.headers[.contentDisposition] == "attachment; filename=\"receiver.txt\"")
            let fra = try await Self.signIn(client, as: "fra")
            #expect(try await client.execute(uri: String(link), method: .get, headers: fra.headers()).status == .notFound, "only the parties")
        }
    }

    @Test func theReferencePageReadsMarksAndNamesWeapons() async throws {
        let (world, record, _) = try await Self.world()
        try await world.test { client in
            let analyst = try await Self.signIn(client, as: "kenAnalyst")
            let mark = try await client.execute(uri: "/reference?mark=KEN%2019", method: .get, headers: analyst.headers())
            #expect(mark.status == .ok && mark.text.contains("import mark of KEN, year of import 2019"))
            let weapon = try await client.execute(uri: "/reference?make=IZH&calibre=7%2C62%20x%2039", method: .get, headers: analyst.headers())
            #expect(weapon.text.contains("<td>IZH</td><td>Kalashnikov Concern</td>") && weapon.text.contains("<td>7,62 x 39</td><td>7.62x39mm</td>"))
            let page = try await client.execute(uri: "/records/\(record)", method: .get, headers: analyst.headers())
            #expect(page.text.contains("Marking check (ITI paras 8–10)") && page.text.contains("The marks the ITI asks for are recorded."))
        }
    }

    @Test func anAdminEditsTheReferenceAndPublishesASchemeThroughThePages() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let admin = try await Self.signIn(client, as: "kenAdmin")
            let edit = try await client.execute(uri: "/reference/edit?maker=Heckler%20%26%20Koch", method: .get, headers: admin.headers())
            #expect(edit.status == .ok && edit.text.contains("value=\"Heckler &amp; Koch\""), "the maker's form filled in to edit it")

            // Refused: each problem next to its box, what was typed kept, nothing stored.
            let taken = try await client.execute(
                uri: "/reference/makers",
                method: .post,
                headers: admin.headers(Self.formType),
                body: Self.form([("csrf", admin.csrf), ("name", "Kel-Tec"), ("country", "XXX"), ("aliases", "KelTec\r\nIzhmash")])
            )
            #expect(taken.status == .unprocessableContent)
            #expect(
                taken.text.contains("id=\"country-error\"") && taken.text.contains("id=\"aliases-error\"") && taken.text.contains("href=\"#aliases\"")
            )
            #expect(taken.text.contains("already names the maker Kalashnikov Concern") && taken.text.contains("KelTec\r\nIzhmash"))
            #expect(try await world.repositories.reference.contributions().entries.isEmpty)

            let saved = try await client.execute(
                uri: "/reference/makers",
                method: .post,
                headers: admin.headers(Self.formType),
                body: Self.form([("csrf", admin.csrf), ("name", "Kel-Tec"), ("country", "USA"), ("aliases", "KelTec\nKel-Tec CNC Industries")])
            )
            #expect(saved.status == .ok && saved.text.contains("Saved the maker Kel-Tec"))
            let model = try await client.execute(
                uri: "/reference/models",
                method: .post,
                headers: admin.headers(Self.formType),
                body: Self.form([
                    ("csrf", admin.csrf), ("model_maker", "keltec"), ("model_name", "Sub-2000"), ("category", "rifle_carbine"),
                    ("model_calibres", "6.5mm Grendel"),
                ])
            )
            #expect(model.status == .unprocessableContent && model.text.contains("id=\"model_calibres-error\""), "no such calibre")
            #expect(model.text.contains("value=\"Sub-2000\"") && model.text.contains("<option value=\"rifle_carbine\" selected>"))

            // A scheme started from the published version 1 of KEN's import mark, published as version 2.
            let start = try await client.execute(uri: "/reference/edit?scheme=KEN/import/1", method: .get, headers: admin.headers())
            let json = try #require(start.text.firstMatch(of: /<textarea id="scheme"[^>]*>([^<]+)<\/textarea>/)?.1)
            let draft = String(json).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
            let published = try await client.execute(
                uri: "/reference/schemes",
                method: .post,
                headers: admin.headers(Self.formType),
                body: Self.form([("csrf", admin.csrf), ("scheme", draft)])
            )
            #expect(
                published.status == .ok && published.text.contains("Published the import mark of KEN, version 2"),
                "\(published.text.prefix(2000))"
            )
            let broken = try await client.execute(
                uri: "/reference/schemes",
                method: .post,
                headers: admin.headers(Self.formType),
                body: Self.form([("csrf", admin.csrf), ("scheme", "{\"kind\": \"import\"}")])
            )
            #expect(broken.status == .unprocessableContent && broken.text.contains("id=\"scheme-error\""))

            let reference = try await client.execute(uri: "/reference", method: .get, headers: admin.headers())
            #expect(reference.text.contains("import mark of KEN, version 2 (from") && reference.text.contains("Kel-Tec"))
            let officer = try await Self.signIn(client, as: "ken")
            let refused = try await client.execute(
                uri: "/reference/makers",
                method: .post,
                headers: officer.headers(Self.formType),
                body: Self.form([("csrf", officer.csrf), ("name", "Officer Arms")])
            )
            #expect(refused.status == .forbidden)
        }
    }

    @Test func aStockpileIsCountedAndItsSurplusDestroyedThroughThePages() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let ken = try await Self.signIn(client, as: "ken")
            func post(_ uri: String, _ fields: [(String, String)], as browser: Browser) async throws -> TestResponse {
                try await client.execute(
                    uri: uri,
                    method: .post,
                    headers: browser.headers(Self.formType),
                    body: Self.form([("csrf", browser.csrf)] + fields)
                )
            }
            func follow(_ response: TestResponse, as browser: Browser) async throws -> TestResponse {
                #expect(response.status == .seeOther, "\(response.status.code) \(response.text.prefix(600))")
                return try await client.execute(uri: try #require(response.headers[.location]), method: .get, headers: browser.headers())
            }
            let added = try await post(
                "/stock/sites",
                [("name", "Kahawa depot"), ("kind", "depot"), ("custodian", "Maj. Otieno"), ("security_level", "high")],
                as: ken
            )
            #expect(added.status == .ok && added.text.contains("Added Kahawa depot"))

            func upload(_ csv: String) async throws -> TestResponse {
                let boundary = "----armstrace-stock"
                let body =
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(ken.csrf)\r\n--\(boundary)\r\n"
                    + "Content-Disposition: form-data; name=\"file\"; filename=\"inventory.csv\"\r\nContent-Type: text/csv\r\n\r\n\(csv)\r\n--\(boundary)--\r\n"
                return try await client.execute(
                    uri: "/stock/import",
                    method: .post,
                    headers: ken.headers("multipart/form-data; boundary=\(boundary)"),
                    body: ByteBuffer(string: body)
                )
            }
            let rows = (1...5).map { "KE-\($0),assault_rifle,Norinco,Type 56,Kahawa depot" }
            let bad = try await upload(
                "serial_number,category,make,model,site\n" + rows.joined(separator: "\n") + "\nKE-6,assault_rifle,Norinco,,Nowhere\n"
            )
            #expect(bad.status == .unprocessableContent && bad.text.contains("<td>7</td><td><code>site</code></td>"))
            let good = try await upload("serial_number,category,make,model,site\n" + rows.joined(separator: "\n") + "\n")
            #expect(good.status == .ok && good.text.contains("5 weapon(s) received"))

            let overview = try await client.execute(uri: "/stock", method: .get, headers: ken.headers())
            let siteID = try #require(overview.text.firstMatch(of: /<option value="([0-9a-f-]{36})">Kahawa depot<\/option>/)?.1)
            let check = try await follow(try await post("/stock/checks", [("site", String(siteID))], as: ken), as: ken)
            let checkPath = try #require(check.text.firstMatch(of: /action="(\/stock\/checks\/[0-9a-f-]{36})\/counts"/)?.1)
            _ = try await follow(try await post("\(checkPath)/counts", [("serials", "KE 1\r\nKE-2\r\nke-3\r\nKE-4")], as: ken), as: ken)
            let closed = try await follow(try await post("\(checkPath)/close", [], as: ken), as: ken)
            #expect(closed.text.contains("4 of 5 expected weapons found") && closed.text.contains("Missing"))
            let missingPath = try #require(closed.text.firstMatch(of: /<a href="(\/stock\/weapons\/[0-9a-f-]{36})">KE-5<\/a>/)?.1)

            let stolen = try await follow(
                try await post(
                    "\(missingPath)/loss",
                    [("stolen", "1"), ("date", "2026-11-28"), ("place", "Kahawa"), ("circumstances", "Missing at the check"), ("sharing", "all")],
                    as: ken
                ),
                as: ken
            )
            #expect(stolen.text.contains("<strong>stolen</strong>") && stolen.text.contains("Shared record"))

            let first = try #require(overview.text.firstMatch(of: /<a href="(\/stock\/weapons\/[0-9a-f-]{36})">KE-1<\/a>/)?.1)
            let weaponID = String(first.split(separator: "/").last!)
            _ = try await follow(try await post("\(first)/surplus", [("reason", "Replaced")], as: ken), as: ken)
            let surplus = try await client.execute(uri: "/stock?status=surplus", method: .get, headers: ken.headers())
            #expect(surplus.text.contains("name=\"weapons\" value=\"\(weaponID)\""))
            let planned = try await follow(
                try await post(
                    "/stock/destructions",
                    [("weapons", weaponID), ("method", "cutting"), ("place", "Kahawa"), ("planned_for", "2026-12-01")],
                    as: ken
                ),
                as: ken
            )
            let destructionPath = try #require(planned.text.firstMatch(of: /action="(\/stock\/destructions\/[0-9a-f-]{36})\/record"/)?.1)
            let oneWitness = try await post("\(destructionPath)/record", [("date", "2026-12-01"), ("witnesses", "Insp. Mwangi")], as: ken)
            #expect(oneWitness.status == .unprocessableContent && oneWitness.text.contains("at least two"))
            let recorded = try await follow(
                try await post("\(destructionPath)/record", [("date", "2026-12-01"), ("witnesses", "Insp. Mwangi\r\nMs. Achieng")], as: ken),
                as: ken
            )
            #expect(recorded.text.contains("another user must verify it") && !recorded.text.contains("/verify\""))
            let admin = try await Self.signIn(client, as: "kenAdmin")
            let verified = try await follow(try await post("\(destructionPath)/verify", [("verification", "Cut through")], as: admin), as: admin)
            #expect(verified.text.contains("Destruction certificate") && verified.text.contains(">destroyed<"))
            let lot = try await post(
                "/stock/ammunition",
                [("lot_number", "L-19"), ("type", "7.62x39mm ball"), ("quantity", "5000"), ("lot_site", String(siteID)), ("expiry", "2020-01-01")],
                as: ken
            )
            #expect(
                lot.status == .ok && lot.text.contains("Received lot L-19: 5000.") && lot.text.contains("<strong class=\"flag\">expired</strong>")
            )
            let lotPath = try #require(lot.text.firstMatch(of: /action="(\/stock\/ammunition\/[0-9a-f-]{36}\/change)"/)?.1)
            let overdrawn = try await post(String(lotPath), [("quantity", "-6000"), ("reason", "IV-9")], as: ken)
            #expect(overdrawn.status == .unprocessableContent && overdrawn.text.contains("holds 5000"))
            let issued = try await post(String(lotPath), [("quantity", "-1200"), ("reason", "IV-9 to 7th battalion")], as: ken)
            #expect(issued.text.contains("Lot L-19 now holds 3800."))
            let report = try await client.execute(uri: "/stock/report", method: .get, headers: admin.headers())
            #expect(report.text.contains("<td>Kahawa depot</td><td>assault_rifle</td><td>in_store</td><td>3</td>"), "3 left in store")
            #expect(report.text.contains("<td>cutting</td><td>1</td><td>1</td>") && report.text.contains(">KE-5</a>"), "a destruction and a theft")
            let printed = try await client.execute(uri: "\(destructionPath)?print=1", method: .get, headers: admin.headers())
            #expect(printed.text.contains("<h1>Destruction certificate</h1>") && printed.text.contains("<td class=\"serial\">KE-1</td>"))
        }
    }

    @Test func anAdminAddsAPointOfContactThroughThePage() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let admin = try await Self.signIn(client, as: "kenAdmin")
            let fields = [("role", "iti_tracing"), ("agency", "National Focal Point"), ("name", "Tracing desk"), ("languages", "en, sw")]
            let unreachable = try await client.execute(
                uri: "/directory",
                method: .post,
                headers: admin.headers(Self.formType),
                body: Self.form([("csrf", admin.csrf)] + fields)
            )
            #expect(unreachable.status == .unprocessableContent && unreachable.text.contains("id=\"email-error\""))
            #expect(unreachable.text.contains("value=\"Tracing desk\""), "what was typed is kept")
            let added = try await client.execute(
                uri: "/directory",
                method: .post,
                headers: admin.headers(Self.formType),
                body: Self.form([("csrf", admin.csrf)] + fields + [("email", "tracing@example.org")])
            )
            #expect(added.status == .ok && added.text.contains("<td>Tracing desk</td><td>en, sw</td>"), "no title, and none borrowed from the page")
            let officer = try await Self.signIn(client, as: "ken")
            let read = try await client.execute(uri: "/directory?member=KEN", method: .get, headers: officer.headers())
            #expect(read.text.contains("ITI tracing point of contact") && !read.text.contains("action=\"/directory/"), "officers read, admins keep")
        }
    }

    @Test func officialsAreTrainedAndLegalAssistanceAnsweredThroughThePages() async throws {
        let (world, record, _) = try await Self.world()
        try await world.test { client in
            let kenya = try await Self.signIn(client, as: "kenAdmin")
            let uganda = try await Self.signIn(client, as: "ugaAdmin")
            func post(_ path: String, _ fields: [(String, String)], as browser: Browser) async throws -> TestResponse {
                let response = try await client.execute(
                    uri: path,
                    method: .post,
                    headers: browser.headers(Self.formType),
                    body: Self.form([("csrf", browser.csrf)] + fields)
                )
                guard response.status == .seeOther, let location = response.headers[.location] else { return response }
                return try await client.execute(uri: location, method: .get, headers: browser.headers())
            }
            let today = CalendarDate(Date())
            let tomorrow = CalendarDate(Date().addingTimeInterval(86_400))
            let event = [
                ("title", "Tracing course"), ("topic", "tracing"), ("dates_start", today.description), ("dates_end", tomorrow.description),
                ("place", "Kampala"), ("language", "en"),
            ]
            let noSeats = try await post("/training", event + [("seats", "0")], as: uganda)
            #expect(noSeats.status == .unprocessableContent && noSeats.text.contains("must be from 1 to 10000, got 0"))
            #expect(noSeats.text.contains("value=\"Tracing course\""), "what was typed is kept")
            let organised = try await post("/training", event + [("seats", "1")], as: uganda)
            let eventPath = try #require(organised.text.firstMatch(of: /action="(\/training\/[0-9a-f-]{36})\/participants"/)?.1)
            let registered = try await post("\(eventPath)/participants", [("name", "Insp. Wanjiru"), ("post", "investigator")], as: kenya)
            #expect(registered.text.contains("<td>Insp. Wanjiru</td>") && registered.text.contains("Your officials"))
            let full = try await client.execute(uri: String(eventPath), method: .get, headers: kenya.headers())
            #expect(!full.text.contains("Register an official"), "the only seat is taken")
            let roster = try await client.execute(uri: String(eventPath), method: .get, headers: uganda.headers())
            let completion = try #require(roster.text.firstMatch(of: /action="(\/training\/[0-9a-f-]{36}\/participants\/[0-9a-f-]{36})"/)?.1)
            let completed = try await post(String(completion), [("status", "completed")], as: uganda)
            #expect(completed.text.contains("<td>completed</td>"))
            let trained = try await client.execute(uri: "/training", method: .get, headers: kenya.headers())
            #expect(trained.text.contains("<td>Insp. Wanjiru</td><td>investigator</td>") && trained.text.contains("<td>completed</td>"))

            let request = [
                ("requested", "UGA"), ("reference", "KE/DCI/1"), ("legal_basis", "Nairobi Protocol"), ("assistance", "documents"),
                ("description", "Export licences"), ("records", record), ("conditions", "For the investigation only"),
            ]
            let unknown = try await post("/legal", request + [("traces", "not-an-id")], as: kenya)
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("&#39;not-an-id&#39; is not an id"))
            let sent = try await post("/legal", request, as: kenya)
            #expect(sent.text.contains("For the investigation only") && sent.text.contains("href=\"/records/\(record)\""))
            let requestPath = try #require(sent.text.firstMatch(of: /action="(\/legal\/[0-9a-f-]{36})\/steps"/)?.1)
            let noGrounds = try await post("\(requestPath)/steps", [("action", "refuse")], as: uganda)
            #expect(noGrounds.status == .unprocessableContent && noGrounds.text.contains("give the grounds for refusal"))
            let answered = try await post(
                "\(requestPath)/steps",
                [("action", "execute"), ("text", "Licence UG-77 enclosed"), ("conditions", "Not for publication")],
                as: uganda
            )
            #expect(
                answered.text.contains("Licence UG-77 enclosed")
                    && answered.text.contains("Conditions on the use of this answer:</strong> Not for publication")
            )
            let seen = try await client.execute(uri: String(requestPath), method: .get, headers: kenya.headers())
            #expect(
                seen.text.contains("Not for publication") && !seen.text.contains("Send the step"),
                "the requester sees the answer and its conditions"
            )
        }
    }

    @Test func theDashboardChartsCarryTheirNumbers() async throws {
        let (world, _, _) = try await Self.world()
        try await world.test { client in
            let ken = try await Self.signIn(client, as: "ken")
            let dashboard = try await client.execute(uri: "/dashboard", method: .get, headers: ken.headers())
            let html = dashboard.text
            #expect(html.contains("<title id=\"by-status-title\">Your records by status</title>"))
            #expect(html.contains("<title id=\"over-time-title\">"))
            #expect(html.contains("<td>seized</td><td>1</td>"), "the numbers are in a table too")
        }
    }
}

/// The server's SVG charts: readable without colour, and safe with any label.
@Suite struct SVGChartTests {
    @Test func barsWriteTheirNumbersAndEscapeTheirLabels() {
        let svg = SVGChart.bars(id: "c", title: "A <title>", [(label: "seized & found", value: 12), (label: "lost", value: 0)])
        #expect(svg.contains("role=\"img\"") && svg.contains("<title id=\"c-title\">A &lt;title&gt;</title>"))
        #expect(svg.contains(">seized &amp; found</text>") && svg.contains(">12</text>") && svg.contains(">0</text>"))
    }

    @Test func linesDifferByDashAndMarkerAndLabelTheLastMonth() {
        let months = RecordTally.monthsBack(24, from: "2026-11")
        #expect(months.first == "2024-12" && months.last == "2026-11" && months.count == 24)
        let svg = SVGChart.lines(
            id: "t",
            title: "T",
            labels: months,
            [SVGChart.Series(name: "entered", values: Array(repeating: 3, count: 24)), SVGChart.Series(name: "seized", values: Array(0..<24))]
        )
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains("series-a") && svg.contains("series-b"))
        #expect(svg.contains("<circle") && svg.contains("<rect"), "each series has its own marker")
        #expect(svg.contains("text-anchor=\"end\" class=\"axis\">2026-11</text>"))
        #expect(SVGChart.niceCeiling(0) == 1 && SVGChart.niceCeiling(23) == 50 && SVGChart.niceCeiling(100) == 100)
    }
}
