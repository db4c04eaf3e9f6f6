import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct RecordAPITests {
    @Test func healthNeedsNoToken() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .ok)
            #expect(response.object["status"] as? String == "ok")
        }
    }

    @Test func healthSaysWhenTheDatabaseDoesNotAnswer() async throws {
        var world = try await TestWorld.make()
        struct Down: Error {}
        var repositories = world.repositories
        repositories.checkHealth = { throw Down() }
        world.store = StoreWithRepositories(base: world.store, repositories: repositories)
        try await world.test { client in
            let response = try await client.execute(uri: "/health", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(response.object["status"] as? String == "unavailable")
        }
    }

    /// A write held up past the busy timeout by another process's write on the same SQLite file (a migration, a
    /// bulk import) answers 503 `unavailable` with `Retry-After`, not a bare 500, and so does a listing, which writes
    /// its audit entry; the same request sent again once the other write is done is created, once.
    @Test func aWriteHeldUpByAnotherProcessIsUnavailableWithRetryAfter() async throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("armstrace-busy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("busy.sqlite").path
        let database = try SQLiteDatabase(path: path, busyTimeout: .milliseconds(200))
        try database.migrate()
        let world = try await TestWorld.make(on: database)
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: unsafe)
        try await world.test { client in
            let input = json(fullInput.with("external_ref", "KEN-BUSY-1"))
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
            let refused = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: input)
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "unavailable")
            #expect(refused.headers[.retryAfter] == "5")
            let unlisted = try await client.execute(uri: "/api/v1/records", method: .get, headers: world.headers("ken"))
            #expect(unlisted.status == .serviceUnavailable)

            try await other.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
            let created = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: input)
            #expect(created.status == .created)
            let listed = try await client.execute(uri: "/api/v1/records", method: .get, headers: world.headers("ken"))
            #expect((listed.object["records"] as? [Any])?.count == 1)
        }
    }

    @Test func recordsNeedAValidToken() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer at_wrong"], [.authorization: "Basic a2VuOmtlbg=="], [.authorization: "Bearer"]]
            {
                let response = try await client.execute(uri: "/api/v1/records", method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "unauthenticated")
                #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"armstrace\"")
            }
        }
    }

    @Test func createReadAndHistory() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let created = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: json(fullInput))
            #expect(created.status == .created)
            let id = try #require(created.object["id"] as? String)
            #expect(created.headers[.location] == "/api/v1/records/\(id)")
            #expect(created.headers[.eTag] == "\"v1\"")
            #expect(created.object["owner"] as? String == "KEN")
            #expect(created.object["serial_number"] as? String == "5612345")
            #expect((created.object["event"] as? [String: Any])?["place"] as? String == "Garissa")

            let read = try await client.execute(uri: "/api/v1/records/\(id)", method: .get, headers: world.headers("uga"))
            #expect(read.status == .ok)
            #expect(read.text == created.text)

            let updated = try await client.execute(
                uri: "/api/v1/records/\(id)",
                method: .put,
                headers: world.headers("ken", [.ifMatch: "\"v1\""]),
                body: json(fullInput.with("status", "destroyed"))
            )
            #expect(updated.status == .ok)
            #expect(updated.object["version"] as? Int == 2)
            let stale = try await client.execute(
                uri: "/api/v1/records/\(id)",
                method: .put,
                headers: world.headers("ken", [.ifMatch: "\"v1\""]),
                body: json(fullInput.with("status", "found"))
            )
            #expect(stale.status == .conflict)
            #expect(stale.errorCode == "conflict")

            let history = try await client.execute(uri: "/api/v1/records/\(id)/history", method: .get, headers: world.headers("ken"))
            #expect(history.status == .ok)
            let entries = try #require(history.object["entries"] as? [[String: Any]])
            #expect(entries.map { $0["action"] as? String } == ["created", "updated"])
            #expect(entries[1]["changes"] as? [[String: String]] == [["field": "status", "from": "seized", "to": "destroyed"]])
        }
    }

    /// OWASP API3: fields the server owns cannot be set through the body.
    @Test func ownerVersionAndIdentityCannotBeAssigned() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let forgedID = WeaponRecord.ID.generate().description
            let body = fullInput.with("owner", "UGA").with("version", 99).with("id", forgedID).with("created_at", "2000-01-01T00:00:00Z")
            let created = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: json(body))
            #expect(created.status == .created)
            #expect(created.object["owner"] as? String == "KEN")
            #expect(created.object["version"] as? Int == 1)
            #expect(created.object["id"] as? String != forgedID)
            #expect(created.object["created_at"] as? String != "2000-01-01T00:00:00Z")
        }
    }

    @Test func invalidInputNamesEveryField() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            var input = fullInput.with("category", "bazooka").with("country_of_manufacture", "XXX").with("year_of_manufacture", 2999)
            input["make"] = nil
            input["event"] = ["date": "2024-02-30"]
            let response = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: json(input))
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "validation_failed")
            #expect(response.errorFields == ["category", "make", "country_of_manufacture", "year_of_manufacture", "event.date"])

            let wrongType = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken"),
                body: json(fullInput.with("year_of_manufacture", "1985"))
            )
            #expect(wrongType.status == .badRequest)
            #expect(wrongType.errorFields == ["year_of_manufacture"])

            let notJSON = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken"),
                body: ByteBuffer(string: "{nope")
            )
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.errorFields == ["body"])

            let tooLarge = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken"),
                body: json(fullInput.with("notes", String(repeating: "x", count: 2 << 20)))
            )
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorCode == "payload_too_large")

            let duplicate = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: json(fullInput))
            let again = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: json(fullInput))
            #expect(duplicate.status == .created)
            #expect(again.status == .conflict)
        }
    }

    @Test func analystsReadButDoNotWrite() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let response = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("kenAnalyst"),
                body: json(fullInput)
            )
            #expect(response.status == .forbidden)
            #expect(response.errorCode == "forbidden")
            let list = try await client.execute(uri: "/api/v1/records", method: .get, headers: world.headers("kenAnalyst"))
            #expect(list.status == .ok)
        }
    }

    /// OWASP API1 (BOLA): another member's owner-only record cannot be read, changed or found through any endpoint,
    /// and its 404 is the same as for a record that does not exist.
    @Test func ownerOnlyRecordsDoNotLeak() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let secret = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken"),
                body: json(fullInput.with("sharing", "owner"))
            )
            let listed = try await client.execute(
                uri: "/api/v1/records",
                method: .post,
                headers: world.headers("ken"),
                body: json(fullInput.with("external_ref", "LISTED").with("sharing", ["UGA"]))
            )
            let secretID = try #require(secret.object["id"] as? String)
            let listedID = try #require(listed.object["id"] as? String)
            let missingID = WeaponRecord.ID.generate().description

            func notFoundBody(_ id: String) -> String { "{\"error\":{\"code\":\"not_found\",\"message\":\"record \(id) not found\"}}" }
            for (token, id) in [("uga", secretID), ("fra", secretID), ("fra", listedID)] {
                for uri in ["/api/v1/records/\(id)", "/api/v1/records/\(id)/history"] {
                    let response = try await client.execute(uri: uri, method: .get, headers: world.headers(token))
                    #expect(response.status == .notFound)
                    #expect(response.text == notFoundBody(id))
                }
                let update = try await client.execute(
                    uri: "/api/v1/records/\(id)",
                    method: .put,
                    headers: world.headers(token),
                    body: json(fullInput.with("status", "destroyed"))
                )
                #expect(update.status == .notFound)
                #expect(update.text == notFoundBody(id))
            }
            let missing = try await client.execute(uri: "/api/v1/records/\(missingID)", method: .get, headers: world.headers("uga"))
            #expect(missing.text == notFoundBody(missingID))

            for (token, expected) in [("ken", [listedID, secretID]), ("uga", [listedID]), ("fra", [])] {
                for query in ["", "?owner=KEN", "?status=seized&make=norinco", "?country=KEN"] {
                    let page = try await client.execute(uri: "/api/v1/records\(query)", method: .get, headers: world.headers(token))
                    let ids = (page.object["records"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                    #expect(ids == expected, "\(token) \(query)")
                }
            }

            let sharedUpdate = try await client.execute(
                uri: "/api/v1/records/\(listedID)",
                method: .put,
                headers: world.headers("uga"),
                body: json(fullInput.with("status", "destroyed"))
            )
            #expect(sharedUpdate.status == .forbidden, "a member that sees a shared record still cannot change it")
            let unchanged = try await client.execute(uri: "/api/v1/records/\(listedID)", method: .get, headers: world.headers("ken"))
            #expect(unchanged.object["version"] as? Int == 1)
        }
    }

    @Test func listPagesWithACursorAndChecksParameters() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            for index in 0..<7 {
                _ = try await client.execute(
                    uri: "/api/v1/records",
                    method: .post,
                    headers: world.headers("ken"),
                    body: json(fullInput.with("external_ref", "P\(index)"))
                )
            }
            var refs: [String] = []
            var uri = "/api/v1/records?limit=3"
            while true {
                let page = try await client.execute(uri: uri, method: .get, headers: world.headers("uga"))
                refs += (page.object["records"] as? [[String: Any]] ?? []).compactMap { $0["external_ref"] as? String }
                guard let cursor = page.object["next_cursor"] as? String else { break }
                uri = "/api/v1/records?limit=3&cursor=\(cursor)"
            }
            #expect(refs == (0..<7).reversed().map { "P\($0)" })

            for (query, field) in [
                ("limit=0", "limit"), ("limit=abc", "limit"), ("status=misplaced", "status"), ("country=XX", "country"),
                ("event_from=2024-13-01", "event_from"), ("event_to=", "event_to"), ("owner=", "owner"),
            ] {
                let response = try await client.execute(uri: "/api/v1/records?\(query)", method: .get, headers: world.headers("ken"))
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.errorFields == [field], "\(query)")
            }
            // Well formed, but no country has the code: a rule broken, as in a record's own fields.
            let unassigned = try await client.execute(uri: "/api/v1/records?country=XXX", method: .get, headers: world.headers("ken"))
            #expect(unassigned.status == .unprocessableContent && unassigned.errorFields == ["country"])
            let badID = try await client.execute(uri: "/api/v1/records/42", method: .get, headers: world.headers("ken"))
            #expect(badID.status == .badRequest)
            #expect(badID.errorFields == ["id"])
            let unknownRoute = try await client.execute(uri: "/api/v1/nothing", method: .get, headers: world.headers("ken"))
            #expect(unknownRoute.status == .notFound)
            #expect(unknownRoute.errorCode == "not_found")
        }
    }

    @Test func meAndMembers() async throws {
        let world = try await TestWorld.make()
        try await world.test { client in
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: world.headers("kenAnalyst"))
            #expect((me.object["user"] as? [String: Any])?["role"] as? String == "analyst")
            #expect((me.object["member"] as? [String: Any])?["id"] as? String == "KEN")
            let members = try await client.execute(uri: "/api/v1/members", method: .get, headers: world.headers("fra"))
            #expect((members.object["members"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["FRA", "KEN", "UGA"])
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .ok)
            #expect(home.headers[.contentType] == "text/html; charset=utf-8")
            #expect(home.text.contains("<h1>ArmsTrace</h1>"))
            #expect(home.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            #expect(!home.text.contains("<style"), "the content security policy refuses inline styles")
            let css = try await client.execute(uri: "/static/app.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
        }
    }
}
