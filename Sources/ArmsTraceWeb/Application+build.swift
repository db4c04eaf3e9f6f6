public import ArmsTraceDomain
package import ArmsTraceSearch
public import ArmsTraceStorage
public import Foundation
public import Hummingbird
public import Logging
import Mustache
import ServiceLifecycle

/// The server's settings.
public struct AppConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`.
    public var host: String
    /// The port to listen on; 0 picks a free one. Default 8080.
    public var port: Int
    /// The database: a SQLite file, or a `postgres://` URL (see ``PostgresDatabase``). Default `armstrace.sqlite`
    /// in the working directory.
    public var database: String
    /// Whether to apply pending migrations at startup. Default `true` (on PostgreSQL, servers starting together
    /// migrate once, under an advisory lock).
    public var migrate: Bool
    /// The log level of the root logger. Default `info`.
    public var logLevel: Logger.Level
    /// Whether the server starts answering before the search index is loaded (searches answer 503 until it is).
    /// Default `false`: `buildApplication` returns once the index is ready.
    public var loadsSearchIndexInBackground: Bool
    /// How often the search index picks up records that other processes added or changed (`armstrace import`
    /// while the server runs, other servers on one PostgreSQL database); `nil` never. Default: half a second on
    /// PostgreSQL, where other servers write all the time, 5 seconds on SQLite.
    public var searchIndexCatchUpInterval: Duration?
    /// How often the server looks for trace request deadlines that passed, and sends their notices; `nil` never.
    /// Default 60 seconds.
    public var traceDeadlineCheckInterval: Duration?
    /// bcrypt's cost for web passwords (2^cost rounds). Default 12; tests use 4.
    public var passwordCost: Int
    /// The Ed25519 private key (32 raw bytes) the server signs the audit chain's head with, every minute when new
    /// entries came; `nil` signs nothing. Read from a file by `armstrace serve --audit-key-file`.
    public var auditSigningKey: Data?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        database: String = "armstrace.sqlite",
        migrate: Bool = true,
        logLevel: Logger.Level = .info,
        loadsSearchIndexInBackground: Bool = false,
        searchIndexCatchUpInterval: Duration? = nil,
        traceDeadlineCheckInterval: Duration? = .seconds(60),
        passwordCost: Int = 12,
        auditSigningKey: Data? = nil
    ) {
        self.host = host
        self.port = port
        self.database = database
        self.migrate = migrate
        self.logLevel = logLevel
        self.loadsSearchIndexInBackground = loadsSearchIndexInBackground
        self.searchIndexCatchUpInterval = searchIndexCatchUpInterval ?? (database.hasPrefix("postgres") ? .milliseconds(500) : .seconds(5))
        self.traceDeadlineCheckInterval = traceDeadlineCheckInterval
        self.passwordCost = passwordCost
        self.auditSigningKey = auditSigningKey
    }
}

/// Builds the ArmsTrace server on its database (a SQLite file or a PostgreSQL server): opens it once, migrates it
/// when configured to, and wires the routes.
///
/// ```swift
/// let app = try await buildApplication(configuration: AppConfiguration(port: 8080))
/// try await app.runService()
/// ```
/// - Throws: when the database cannot be opened, is not migrated and `migrate` is off, or a resource is missing.
public func buildApplication(configuration: AppConfiguration) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "armstrace")
    logger.logLevel = configuration.logLevel
    let database = try openStore(configuration.database)
    if configuration.migrate {
        try await database.migrate()
    } else if !(try await database.pendingMigrations().isEmpty) {
        throw StartupError("the database \(database.location) needs migrations; run `armstrace migrate` first")
    }
    for warning in try await database.durabilityWarnings() {
        logger.warning("\(warning)", metadata: ["database": "\(database.location)"])
    }
    return try await buildApplication(store: database, configuration: configuration, logger: logger)
}

/// Builds the ArmsTrace server over an open store: what tests call with an in-memory database.
public func buildApplication(
    store: any Store,
    configuration: AppConfiguration,
    logger: Logger
) async throws -> some ApplicationProtocol {
    let repositories = store.repositories
    let index = LoadingSerialIndex()
    // The reference data in force: search keys, identification and marking checks read through it.
    let catalog = ReferenceCatalog()
    try await catalog.refresh(from: repositories.reference)
    let load = { @Sendable in
        let clock = ContinuousClock.now
        let loaded = try await catalog.bound { try await index.load(from: repositories.searches) }
        let statistics = loaded.statistics
        logger.info(
            "search index ready",
            metadata: [
                "records": "\(statistics.records)", "seconds": "\((ContinuousClock.now - clock).components.seconds)",
                "megabytes": "\(statistics.memoryBytes >> 20)",
            ]
        )
    }
    if configuration.loadsSearchIndexInBackground {
        // Searches answer 503 until the index is in; changes made meanwhile are applied when it is.
        Task {
            do { try await load() } catch {
                logger.error("the search index could not be loaded", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    } else {
        try await load()
    }
    var jobs: [any Service] = []
    if let interval = configuration.searchIndexCatchUpInterval {
        // Records that another process (a bulk import) adds to the database become searchable within the interval.
        jobs.append(
            PeriodicJob(name: "search index catch-up", interval: interval, logger: logger) {
                try await catalog.bound { try await index.catchUp(from: repositories.searches) }
            }
        )
        // What members publish and edit through another server comes into force here within the same interval.
        jobs.append(
            PeriodicJob(name: "reference refresh", interval: interval, logger: logger) {
                if try await catalog.refresh(from: repositories.reference) { logger.info("reference data changed") }
            }
        )
    }
    if let interval = configuration.traceDeadlineCheckInterval {
        // Each passed deadline gives one notice to each side, even with several servers on one database.
        let traces = TraceService(repositories: repositories)
        jobs.append(
            PeriodicJob(name: "trace deadline check", interval: interval, logger: logger) {
                let passed = try await traces.noticePassedDeadlines()
                if !passed.isEmpty { logger.info("trace deadlines passed", metadata: ["count": "\(passed.count)"]) }
            }
        )
    }
    if let key = configuration.auditSigningKey {
        jobs.append(
            PeriodicJob(name: "audit head signing", interval: .seconds(60), logger: logger) {
                if let sequence = try await repositories.audit.signHead(privateKey: key, at: Date()) {
                    logger.debug("audit head signed", metadata: ["entry": "\(sequence)"])
                }
            }
        )
    }
    let router = try await buildRouter(
        store: store,
        searchIndex: index,
        catalog: catalog,
        credentials: Credentials(cost: configuration.passwordCost)
    )
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ArmsTrace"),
        services: jobs,
        logger: logger
    )
}

/// Attaches the middleware and the routes; reads the OpenAPI document and the templates once, failing here if one
/// is missing rather than on a request.
package func buildRouter(
    store: any Store,
    searchIndex: LoadingSerialIndex,
    catalog: ReferenceCatalog = ReferenceCatalog(),
    credentials: any CredentialCheck = Credentials()
) async throws -> Router<AppRequestContext> {
    let repositories = store.repositories
    try await catalog.refresh(from: repositories.reference)
    guard let resources = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
        throw StartupError("the server's resources are missing from its bundle")
    }
    let openAPIDocument = try String(contentsOf: resources.appendingPathComponent("openapi.yaml"), encoding: .utf8)
    let staticFiles = try WebController.StaticFile.all.reduce(into: [String: String]()) { files, file in
        files[file.name] = try String(contentsOf: resources.appendingPathComponent("static/\(file.name)"), encoding: .utf8)
    }
    let templates = try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path)
    for name in WebController.templateNames where templates.getTemplate(named: name) == nil {
        throw StartupError("template \(name) is missing")
    }
    let renderer = PageRenderer(templates: templates)
    let signIn = SignInService(repositories: repositories, credentials: credentials)
    let records = RecordService(repositories: repositories, searchIndex: searchIndex)
    let searches = SearchService(repositories: repositories, index: searchIndex)
    let traces = TraceService(repositories: repositories)
    let members = MemberService(repositories: repositories)
    let tokens = TokenService(repositories: repositories)
    let users = UserService(repositories: repositories)
    let audit = AuditService(repositories: repositories)
    let reference = ReferenceService(repositories: repositories, catalog: catalog)
    let stock = StockpileService(repositories: repositories, searchIndex: searchIndex)
    let directory = DirectoryService(repositories: repositories)
    let assistance = AssistanceService(repositories: repositories)
    let training = TrainingService(repositories: repositories)
    let legal = LegalAssistanceService(repositories: repositories)
    let report = NationalReportService(repositories: repositories)
    let exports = RecordExports(store: store, limiter: ExportLimiter())

    let router = Router(context: AppRequestContext.self)
    let served = MethodNotAllowedMiddleware<AppRequestContext>.Routes()
    router.addMiddleware {
        LogRequestsMiddleware(.info)
        ServerTimingMiddleware()
        SecurityHeadersMiddleware()
        APIErrorMiddleware()
        BodyLimitMiddleware()
        MethodNotAllowedMiddleware(routes: served)
        ReferenceMiddleware(catalog: catalog)
    }
    SystemController(checkHealth: repositories.checkHealth, searchIndexStatus: { searchIndex.status }, openAPIDocument: openAPIDocument)
        .addRoutes(to: router)
    WebController(templates: templates, members: repositories.members, staticFiles: staticFiles).addRoutes(to: router)
    SignInController(service: signIn, templates: templates).addRoutes(to: router)

    // The pages behind sign-in: a browser session, errors as pages.
    let pages = router.group()
        .add(middleware: WebSessionMiddleware(service: signIn))
        .add(middleware: WebErrorMiddleware(renderer: renderer))
        .group(context: WebContext.self)
    DashboardPages(records: records, searches: searches, traces: traces, renderer: renderer).addRoutes(to: pages)
    RecordPages(service: records, store: store, exports: exports, index: searchIndex, renderer: renderer).addRoutes(to: pages)
    SearchPage(service: searches, renderer: renderer).addRoutes(to: pages)
    TracePages(service: traces, renderer: renderer).addRoutes(to: pages)
    SettingsPages(members: members, users: users, tokens: tokens, traces: traces, audit: audit, renderer: renderer).addRoutes(to: pages)
    ReferencePage(service: reference, renderer: renderer).addRoutes(to: pages)
    ReferenceEditPage(service: reference, renderer: renderer).addRoutes(to: pages)
    StockPages(service: stock, renderer: renderer, templates: templates).addRoutes(to: pages)
    DirectoryPage(service: directory, renderer: renderer).addRoutes(to: pages)
    AssistancePages(service: assistance, renderer: renderer).addRoutes(to: pages)
    TrainingPages(service: training, renderer: renderer).addRoutes(to: pages)
    LegalAssistancePages(service: legal, renderer: renderer).addRoutes(to: pages)
    NationalReportPage(service: report, renderer: renderer, templates: templates).addRoutes(to: pages)

    let api = router.group("api/v1")
        .add(middleware: BearerAuthMiddleware(users: repositories.users))
        .group(context: AuthenticatedContext.self)
        .add(middleware: IdempotencyMiddleware(repository: repositories.idempotency))
    MemberController(members: repositories.members, service: members).addRoutes(to: api)
    RecordController(service: records, exports: exports).addRoutes(to: api.group("records"))
    SearchController(service: searches).addRoutes(to: api)
    TraceController(service: traces, templates: templates).addRoutes(to: api)
    AuditController(service: audit).addRoutes(to: api)
    TokenController(service: tokens).addRoutes(to: api)
    UserController(service: users).addRoutes(to: api)
    ReferenceController(service: reference).addRoutes(to: api)
    StockController(service: stock, templates: templates).addRoutes(to: api)
    DirectoryController(service: directory).addRoutes(to: api)
    AssistanceController(service: assistance).addRoutes(to: api)
    TrainingController(service: training).addRoutes(to: api)
    LegalAssistanceController(service: legal).addRoutes(to: api)
    NationalReportController(service: report).addRoutes(to: api)
    served.set(router.routes.map { (method: $0.method, path: "\($0.path)") })
    return router
}

/// A reason the server cannot start, written for its operator.
public struct StartupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
