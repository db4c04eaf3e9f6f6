import ArmsTraceDomain
import ArmsTraceStorage
import ArmsTraceWeb
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// An ArmsTrace with three members and users of each role, served through the real application builder: on an
/// in-memory SQLite database, or, when `ARMSTRACE_TEST_STORE=postgres`, in a schema of its own on the PostgreSQL
/// server `ARMSTRACE_TEST_POSTGRES` names (how `scripts/test` runs this whole suite a second time).
struct TestWorld {
    var store: any Store
    var repositories: Repositories { store.repositories }
    /// Tokens by name: `ken` (KEN officer), `kenAdmin`, `kenAnalyst`, `kenAuditor`, `uga` (UGA officer), `ugaAdmin`,
    /// `fra` (FRA officer).
    let tokens: [String: String]

    /// Whether this run's worlds live on PostgreSQL.
    static var onPostgres: Bool { ProcessInfo.processInfo.environment["ARMSTRACE_TEST_STORE"] == "postgres" }

    /// A new, empty, migrated store of the kind this run tests.
    static func makeStore() async throws -> any Store {
        if onPostgres {
            guard let url = PostgresDatabase.testServer else {
                throw CocoaError(
                    .featureUnsupported,
                    userInfo: [NSLocalizedDescriptionKey: "ARMSTRACE_TEST_STORE=postgres needs ARMSTRACE_TEST_POSTGRES"]
                )
            }
            return try await PostgresDatabase.scratch(url: url)
        }
        let database = try SQLiteDatabase.inMemory()
        try database.migrate()
        return database
    }

    static func make() async throws -> TestWorld {
        try await make(on: makeStore())
    }

    /// The world on a given store.
    static func make(on store: any Store) async throws -> TestWorld {
        let repositories = store.repositories
        for (code, name) in [("KEN", "Kenya"), ("UGA", "Uganda"), ("FRA", "France")] {
            try await repositories.members.create(try Member.validated(code: code, name: name))
        }
        var tokens: [String: String] = [:]
        for (key, member, role) in [
            ("ken", "KEN", User.Role.officer), ("kenAdmin", "KEN", .admin), ("kenAnalyst", "KEN", .analyst),
            ("kenAuditor", "KEN", .auditor), ("uga", "UGA", .officer), ("ugaAdmin", "UGA", .admin),
            ("fra", "FRA", .officer),
        ] {
            let user = User(id: .generate(), member: MemberCode(member)!, name: key, role: role, createdAt: Date())
            try await repositories.users.create(user)
            tokens[key] = try await repositories.users.issueToken(for: user.id, name: "test", expiresAt: nil).secret
        }
        return TestWorld(store: store, tokens: tokens)
    }

    /// A request from KEN to UGA sent six days ago, whose 5-day acknowledgement deadline has passed.
    /// - Returns: its ID.
    func overdueTraceRequest() async throws -> TraceRequest.ID {
        let ken = Actor(try await repositories.users.authenticate(token: tokens["ken"]!, at: Date()), channel: .api)
        let record = try await repositories.records.create(
            WeaponRecord.Details(
                externalRef: "KEN-OLD",
                category: .revolverPistol,
                make: "Glock",
                model: "17",
                calibre: "9x19mm",
                serialNumber: "ABC123",
                markings: [Marking(kind: .manufacture, text: "GLOCK 17 ABC123")],
                status: .seized
            ),
            by: ken
        )
        let past = TraceService(repositories: repositories, now: { Date().addingTimeInterval(-6 * 24 * 3600) })
        let draft = try await past.create(
            TraceRequestInput(
                recordId: record.id.description,
                requested: "UGA",
                grounds: ["not_marked"],
                legalBasis: "Firearms Act",
                circumstances: "Found",
                intendedUse: "Investigation"
            ),
            by: ken
        )
        _ = try await past.send(draft.request.id, by: ken)
        return draft.request.id
    }

    /// Runs `body` against the application built by `buildApplication`, in process.
    func test<T: Sendable>(_ body: @Sendable @escaping (any TestClientProtocol) async throws -> T) async throws -> T {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let app = try await buildApplication(store: store, configuration: AppConfiguration(port: 0), logger: logger)
        return try await app.test(.router) { client in try await body(client) }
    }

    func headers(_ token: String?, _ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(tokens[token] ?? token)" }
        headers[.contentType] = "application/json"
        return headers
    }
}

/// A full record input, every field set.
var fullInput: [String: Any] {
    [
        "external_ref": "KEN-2024-0001",
        "category": "assault_rifle",
        "make": "Norinco",
        "model": "Type 56",
        "calibre": "7.62x39mm",
        "serial_number": "5612345",
        "serial_obliterated": "no",
        "markings": [["kind": "manufacture", "text": "Norinco 56-1 5612345", "location": "receiver"], ["kind": "import", "text": "KEN 2019"]],
        "country_of_manufacture": "CHN",
        "year_of_manufacture": 1985,
        "import_country": "KEN",
        "import_year": 2019,
        "status": "seized",
        "event": [
            "date": "2024-05-01", "country": "KEN", "place": "Garissa", "circumstances": "Vehicle checkpoint",
            "legal_justification": "Firearms Act", "criminal_context": "smuggling", "case_reference": "CR/12/2024",
        ],
        "sharing": "all",
        "notes": "Held at the forensic laboratory.",
    ]
}

func json(_ object: Any) -> ByteBuffer {
    ByteBuffer(bytes: Array(try! JSONSerialization.data(withJSONObject: object)))
}

extension TestResponse {
    /// The body as a JSON object.
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }

    /// The `error.code` of an error body.
    var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }

    /// The `error.fields[].field` names of an error body.
    var errorFields: [String] {
        ((object["error"] as? [String: Any])?["fields"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
    }
}

extension Data {
    init(buffer: ByteBuffer) { self = Data(buffer.readableBytesView) }
}

extension Dictionary where Key == String, Value == Any {
    /// A copy with `key` set to `value`.
    func with(_ key: String, _ value: Any) -> [String: Any] {
        var copy = self
        copy[key] = value
        return copy
    }
}

/// A store whose repositories a test replaces (a health check that fails), the rest passed through; `beforeExport`
/// runs as an export begins (to hold one open).
struct StoreWithRepositories: Store {
    let base: any Store
    var repositories: Repositories
    var beforeExport: @Sendable (Actor) async throws -> Void = { _ in }

    var location: String { base.location }
    func migrate() async throws { try await base.migrate() }
    func pendingMigrations() async throws -> [String] { try await base.pendingMigrations() }
    func durabilityWarnings() async throws -> [String] { try await base.durabilityWarnings() }
    func importRecords(by actor: Actor, from source: ImportSource, options: ImportOptions) async throws -> ImportReport {
        try await base.importRecords(by: actor, from: source, options: options)
    }
    func exportRecords(by actor: Actor, format: ExportFormat, write: @escaping @Sendable (String) throws -> Void) async throws -> Int {
        try await beforeExport(actor)
        return try await base.exportRecords(by: actor, format: format, write: write)
    }
    func verifyAuditChain(publicKey: Curve25519.Signing.PublicKey?) async throws -> AuditVerification {
        try await base.verifyAuditChain(publicKey: publicKey)
    }
    func insertRecords(_ records: [GeneratedRecord]) async throws { try await base.insertRecords(records) }
    func tableRows(_ table: StoreTable, after key: [StoreValue]?, limit: Int) async throws -> [[StoreValue]] {
        try await base.tableRows(table, after: key, limit: limit)
    }
    func insertTableRows(_ table: StoreTable, _ rows: [[StoreValue]]) async throws { try await base.insertTableRows(table, rows) }
    func finishCopy() async throws { try await base.finishCopy() }
    func close() async { await base.close() }
}
