import ArmsTraceDomain
import ArmsTraceSearch
import ArmsTraceWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

/// The OpenAPI document and the code must agree: every route is documented and every documented path is served,
/// and the documented schemas name exactly the fields the API reads and writes.
@Suite struct OpenAPIDocumentTests {
    /// The document as served.
    static func document(_ world: TestWorld) async throws -> [String: Any] {
        try parse(try await world.test { client in try await client.execute(uri: "/api/v1/openapi.yaml", method: .get).text })
    }

    static func parse(_ yaml: String) throws -> [String: Any] {
        try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    static func schema(_ document: [String: Any], _ name: String) throws -> (properties: Set<String>, required: Set<String>) {
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let schema = try #require(schemas[name] as? [String: Any], "schema \(name) is not documented")
        let properties = Set((schema["properties"] as? [String: Any] ?? [:]).keys)
        return (properties, Set(schema["required"] as? [String] ?? []))
    }

    /// Checks that a JSON object's keys are documented, and that the documented required keys are present.
    static func expectConforms(
        _ object: [String: Any],
        to name: String,
        in document: [String: Any],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let schema = try schema(document, name)
        let keys = Set(object.keys)
        #expect(
            keys.subtracting(schema.properties).isEmpty,
            "\(name): undocumented fields \(keys.subtracting(schema.properties).sorted())",
            sourceLocation: sourceLocation
        )
        #expect(
            schema.required.subtracting(keys).isEmpty,
            "\(name): required fields missing \(schema.required.subtracting(keys).sorted())",
            sourceLocation: sourceLocation
        )
    }

    @Test func documentIsOpenAPI31() async throws {
        let document = try await Self.document(try await TestWorld.make())
        #expect(document["openapi"] as? String == "3.1.0")
    }

    /// A comma in an unquoted description inside a `{ … }` mapping splits it, and the rest becomes a key of its own
    /// ("included; default today."): the validator then refuses the document. No key of the document has a space.
    @Test func noDescriptionIsSplitByAComma() async throws {
        let document = try await Self.document(try await TestWorld.make())
        var split: [String] = []
        func walk(_ value: Any, _ path: String) {
            if let object = value as? [String: Any] {
                for (key, inner) in object {
                    if key.contains(" ") && !path.hasSuffix("/paths") { split.append("\(path)/\(key)") }
                    walk(inner, "\(path)/\(key)")
                }
            } else if let list = value as? [Any] {
                for (index, inner) in list.enumerated() { walk(inner, "\(path)/\(index)") }
            }
        }
        walk(document, "")
        #expect(split.isEmpty, "keys made of a split description: \(split)")
    }

    @Test func everyRouteIsDocumentedAndEveryPathIsServed() async throws {
        let world = try await TestWorld.make()
        let document = try await Self.document(world)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let methods: Set<String> = ["get", "put", "post", "delete", "patch"]
        let documented = Set(
            paths.flatMap { path, operations in
                operations.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            }
        )
        let router = try await buildRouter(store: world.store, searchIndex: LoadingSerialIndex())
        // The JSON API is what the document describes; the HTML pages and their files are not part of it.
        let served = Set(router.routes.map { "\($0.method) \($0.path)" }).filter {
            $0.contains(" /api/") || $0.hasSuffix(" /health") || $0.hasSuffix(" /ready")
        }
        #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
    }

    @Test func recordInputSchemaNamesEveryInputField() async throws {
        let document = try await Self.document(try await TestWorld.make())
        let details = WeaponRecord.Details(
            externalRef: "x",
            category: .shotgun,
            make: "m",
            model: "m",
            calibre: "c",
            serialNumber: "1",
            serialObliterated: .partly,
            markings: [Marking(kind: .proof, text: "t", location: "l")],
            countryOfManufacture: "KEN",
            yearOfManufacture: 2000,
            importCountry: "KEN",
            importYear: 2001,
            status: .lost,
            event: WeaponRecord.Event(
                date: CalendarDate("2020-01-01"),
                country: "KEN",
                place: "p",
                circumstances: "c",
                legalJustification: "l",
                criminalContext: "c",
                caseReference: "r"
            ),
            sharing: .owner,
            notes: "n"
        )
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let input = try #require(try JSONSerialization.jsonObject(with: encoder.encode(WeaponRecordInput(details))) as? [String: Any])
        #expect(Set(input.keys) == (try Self.schema(document, "RecordInput")).properties)
        #expect(Set((input["event"] as? [String: Any] ?? [:]).keys) == (try Self.schema(document, "Event")).properties)
        #expect(Set(((input["markings"] as? [[String: Any]])?.first ?? [:]).keys) == (try Self.schema(document, "Marking")).properties)
    }

    @Test func responsesMatchTheirSchemas() async throws {
        let world = try await TestWorld.make()
        let yaml = try await world.test { client in try await client.execute(uri: "/api/v1/openapi.yaml", method: .get).text }
        try await world.test { client in
            let document = try Self.parse(yaml)
            let created = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: json(fullInput)).object
            try Self.expectConforms(created, to: "Record", in: document)
            #expect(Set(created.keys) == (try Self.schema(document, "Record")).properties, "a full record shows every documented field")
            let id = try #require(created["id"] as? String)

            let page = try await client.execute(uri: "/api/v1/records", method: .get, headers: world.headers("ken")).object
            try Self.expectConforms(page, to: "RecordPage", in: document)

            let history = try await client.execute(uri: "/api/v1/records/\(id)/history", method: .get, headers: world.headers("ken")).object
            try Self.expectConforms(history, to: "RecordHistory", in: document)
            for entry in history["entries"] as? [[String: Any]] ?? [] {
                try Self.expectConforms(entry, to: "HistoryEntry", in: document)
                for change in entry["changes"] as? [[String: Any]] ?? [] { try Self.expectConforms(change, to: "HistoryChange", in: document) }
            }

            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: world.headers("ken")).object
            try Self.expectConforms(me, to: "Me", in: document)
            try Self.expectConforms(me["user"] as? [String: Any] ?? [:], to: "User", in: document)
            try Self.expectConforms(me["member"] as? [String: Any] ?? [:], to: "Member", in: document)

            let error = try await client.execute(uri: "/api/v1/records", method: .post, headers: world.headers("ken"), body: json(["make": 1])).object
            try Self.expectConforms(error, to: "Error", in: document)
            let health = try await client.execute(uri: "/health", method: .get).object
            try Self.expectConforms(health, to: "Health", in: document)
            let ready = try await client.execute(uri: "/ready", method: .get).object
            try Self.expectConforms(ready, to: "Readiness", in: document)

            let request: [String: Any] = [
                "serial": "S612345", "make": "Norinco", "model": "Type 56", "calibre": "7.62x39mm", "category": "assault_rifle",
                "country_of_manufacture": "CHN", "limit": 5,
            ]
            #expect(Set(request.keys) == (try Self.schema(document, "SearchRequest")).properties)
            let result = try await client.execute(uri: "/api/v1/searches", method: .post, headers: world.headers("uga"), body: json(request)).object
            try Self.expectConforms(result, to: "SearchResult", in: document)
            let candidate = try #require((result["candidates"] as? [[String: Any]])?.first)
            try Self.expectConforms(candidate, to: "SearchCandidate", in: document)
            let summary = try #require(candidate["record"] as? [String: Any])
            try Self.expectConforms(summary, to: "RecordSummary", in: document)
            #expect(Set(summary.keys) == (try Self.schema(document, "RecordSummary")).properties, "a full record's summary shows every field")
            for difference in candidate["differences"] as? [[String: Any]] ?? [] {
                try Self.expectConforms(difference, to: "SerialDifference", in: document)
            }
            let audit = try await client.execute(uri: "/api/v1/audit", method: .get, headers: world.headers("kenAuditor")).object
            try Self.expectConforms(audit, to: "AuditPage", in: document)
            let auditEntries = try #require(audit["entries"] as? [[String: Any]])
            #expect(!auditEntries.isEmpty)
            for entry in auditEntries { try Self.expectConforms(entry, to: "AuditEntry", in: document) }
            let notices = try await client.execute(uri: "/api/v1/notifications", method: .get, headers: world.headers("ken")).object
            try Self.expectConforms(notices, to: "NoticePage", in: document)
            let notice = try #require((notices["notifications"] as? [[String: Any]])?.first)
            try Self.expectConforms(notice, to: "HitNotice", in: document)
            #expect(Set(notice.keys).union(["release"]) == (try Self.schema(document, "HitNotice")).properties, "all but a release")
        }
    }
}
