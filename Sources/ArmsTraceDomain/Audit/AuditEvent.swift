public import Foundation

/// Something a user or the system did that the audit trail keeps: who, when, through which channel, what, on what,
/// and whose data it concerned.
///
/// Every write records its event in the transaction that makes the change; reads record theirs before the data is
/// handed out. The store chains the entries by hash (see ``AuditEntry``).
public struct AuditEvent: Sendable, Equatable, Codable {
    /// What was done.
    public enum Action: String, Sendable, Codable, CaseIterable {
        case recordCreate = "record_create"
        case recordUpdate = "record_update"
        case recordRead = "record_read"
        case recordList = "record_list"
        case recordImport = "record_import"
        case recordExport = "record_export"
        case search
        case hitRelease = "hit_release"
        case traceCreate = "trace_create"
        case traceStep = "trace_step"
        case traceRead = "trace_read"
        case traceDeadlinePassed = "trace_deadline_passed"
        case deadlinePolicySet = "deadline_policy_set"
        case memberSettingsSet = "member_settings_set"
        case schemePublish = "scheme_publish"
        case referenceEdit = "reference_edit"
        case stockSiteCreate = "stock_site_create"
        case stockReceive = "stock_receive"
        case stockMove = "stock_move"
        case stockCheck = "stock_check"
        case stockDestruction = "stock_destruction"
        case stockAmmunition = "stock_ammunition"
        case directoryEdit = "directory_edit"
        case assistance
        case training
        case legalAssistance = "legal_assistance"
        case legalAssistanceRead = "legal_assistance_read"
        case reportAnswer = "report_answer"
        case auditRead = "audit_read"
        case signIn = "sign_in"
        case signInFailed = "sign_in_failed"
        case signOut = "sign_out"
        case credentialsSet = "credentials_set"
        case userAdd = "user_add"
        case tokenIssue = "token_issue"
        case tokenRevoke = "token_revoke"
    }

    public var at: Date
    /// The acting member; `nil` for ArmsTrace itself.
    public var member: MemberCode?
    /// The acting user; `nil` for the operator at the command line and for ArmsTrace itself.
    public var userID: User.ID?
    public var channel: Actor.Channel?
    public var action: Action
    /// What the action was on: `record:<id>`, `trace:<id>`, `search:<id>`, `user:<id>`.
    public var subject: String?
    /// The other member whose data the action concerned (the owner of a record read, the other party of a trace),
    /// so that its auditor sees it too.
    public var concerns: MemberCode?
    /// A short account: the step taken, the serial searched for, the counts of an import.
    public var detail: String?

    public init(
        at: Date,
        member: MemberCode?,
        userID: User.ID?,
        channel: Actor.Channel?,
        action: Action,
        subject: String? = nil,
        concerns: MemberCode? = nil,
        detail: String? = nil
    ) {
        self.at = at
        self.member = member
        self.userID = userID
        self.channel = channel
        self.action = action
        self.subject = subject
        self.concerns = concerns
        self.detail = detail
    }

    /// An event of `actor`'s at `at`.
    public init(
        _ action: Action,
        by actor: Actor,
        at: Date = Date(),
        subject: String? = nil,
        concerns: MemberCode? = nil,
        detail: String? = nil
    ) {
        self.init(
            at: at,
            member: actor.member,
            userID: actor.userID,
            channel: actor.channel,
            action: action,
            subject: subject,
            concerns: concerns == actor.member ? nil : concerns,
            detail: detail
        )
    }
}

/// An audit event as the chain holds it: its place, and the hashes that tie it to the entry before.
///
/// `hash` is SHA-256 over the previous entry's hash and this entry's sequence number and fields, so changing,
/// removing or reordering any entry breaks every hash after it; the head is signed periodically so that cutting
/// off the tail is seen too.
public struct AuditEntry: Sendable, Equatable, Encodable {
    /// 1, 2, 3, … without gaps.
    public var sequence: Int64
    public var event: AuditEvent
    /// Hex.
    public var previousHash: String
    /// Hex.
    public var hash: String

    public init(sequence: Int64, event: AuditEvent, previousHash: String, hash: String) {
        self.sequence = sequence
        self.event = event
        self.previousHash = previousHash
        self.hash = hash
    }

    private enum CodingKeys: String, CodingKey { case sequence, previousHash, hash }

    /// One flat object: the sequence and hashes beside the event's fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sequence, forKey: .sequence)
        try event.encode(to: encoder)
        try container.encode(previousHash, forKey: .previousHash)
        try container.encode(hash, forKey: .hash)
    }
}

/// Appends to and reads the audit trail.
public protocol AuditRepository: Sendable {
    /// Appends an event in a transaction of its own: for reads, whose data leaves only once this returns.
    func append(_ event: AuditEvent) async throws

    /// Signs the chain's head with an Ed25519 private key (its 32 raw bytes) unless it is signed already.
    /// - Returns: the sequence number signed now; `nil` when there was nothing new to sign.
    func signHead(privateKey: Data, at now: Date) async throws -> Int64?

    /// A page of the entries by or concerning `member`, newest first; `cursor` is a sequence number.
    /// - Throws: `DomainError.invalid` for a malformed cursor.
    func entries(for member: MemberCode, limit: Int, cursor: String?) async throws -> Page<AuditEntry>
}
