/// The repositories of one store, handed together to the services, the web layer and the command line.
public struct Repositories: Sendable {
    public var members: any MemberRepository
    public var users: any UserRepository
    public var records: any WeaponRecordRepository
    public var searches: any SearchRepository
    public var traces: any TraceRepository
    public var audit: any AuditRepository
    public var signIn: any SignInRepository
    public var reference: any ReferenceRepository
    public var stockpile: any StockpileRepository
    public var directory: any DirectoryRepository
    public var cooperation: any CooperationRepository
    public var idempotency: any IdempotencyRepository
    /// Answers when the store can serve a read, throws otherwise: what the health check asks.
    public var checkHealth: @Sendable () async throws -> Void

    public init(
        members: any MemberRepository,
        users: any UserRepository,
        records: any WeaponRecordRepository,
        searches: any SearchRepository,
        traces: any TraceRepository,
        audit: any AuditRepository,
        signIn: any SignInRepository,
        reference: any ReferenceRepository,
        stockpile: any StockpileRepository,
        directory: any DirectoryRepository,
        cooperation: any CooperationRepository,
        idempotency: any IdempotencyRepository,
        checkHealth: @escaping @Sendable () async throws -> Void
    ) {
        self.members = members
        self.users = users
        self.records = records
        self.searches = searches
        self.traces = traces
        self.audit = audit
        self.signIn = signIn
        self.reference = reference
        self.stockpile = stockpile
        self.directory = directory
        self.cooperation = cooperation
        self.idempotency = idempotency
        self.checkHealth = checkHealth
    }
}
