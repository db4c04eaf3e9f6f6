public import Foundation

/// Filters and paging for listing trace requests.
public struct TraceQuery: Sendable, Equatable {
    /// Which requests of the viewer's member: those it received, those it sent, or both.
    public enum Box: String, Sendable, CaseIterable {
        case incoming
        case outgoing
        case all
    }

    public var box: Box
    public var status: TraceStatus?
    public var priority: TracePriority?
    /// The member on the other side.
    public var counterpart: MemberCode?
    /// Only requests past a deadline that is still owed.
    public var overdueOnly: Bool
    public var limit: Int
    /// The `nextCursor` of the previous page.
    public var cursor: String?

    public init(
        box: Box = .all,
        status: TraceStatus? = nil,
        priority: TracePriority? = nil,
        counterpart: MemberCode? = nil,
        overdueOnly: Bool = false,
        limit: Int = RecordQuery.defaultLimit,
        cursor: String? = nil
    ) {
        self.box = box
        self.status = status
        self.priority = priority
        self.counterpart = counterpart
        self.overdueOnly = overdueOnly
        self.limit = limit
        self.cursor = cursor
    }
}

/// Stores trace requests, their timelines and files, the members' deadline policies and the deadline notices.
///
/// A request exists only for its two parties, and a draft only for its requester: for any other member every method
/// behaves as for a request that does not exist.
public protocol TraceRepository: Sendable {
    /// Stores a new draft with its first timeline entry, in one transaction.
    func create(_ request: TraceRequest, event: TraceEvent) async throws

    /// The request, if `viewer` is party to it.
    /// - Throws: `DomainError.notFound` otherwise.
    func get(_ id: TraceRequest.ID, viewer: MemberCode) async throws -> TraceRequest

    /// The request with its whole timeline, oldest first, read together.
    /// - Throws: `DomainError.notFound` when `viewer` is not party to it.
    func getWithTimeline(_ id: TraceRequest.ID, viewer: MemberCode) async throws -> (TraceRequest, [TraceEvent])

    /// Reads the request, lets `step` change it, and stores the change (version one up), the timeline entry and
    /// the entry's files, all in one transaction: the step sees the request as it is stored, and two concurrent
    /// steps cannot both apply to the same version.
    /// - Throws: `DomainError.notFound` when `viewer` is not party to the request; whatever `step` throws, with
    ///   nothing stored.
    func update(
        _ id: TraceRequest.ID,
        viewer: MemberCode,
        step: @escaping @Sendable (inout TraceRequest) throws -> (TraceEvent, [TraceAttachment])
    ) async throws -> TraceRequest

    /// A page of the requests `viewer` is party to that match the query, newest first; drafts only for their
    /// requester. `now` decides what is overdue.
    /// - Throws: `DomainError.invalid` for a malformed cursor.
    func list(_ query: TraceQuery, viewer: MemberCode, now: Date) async throws -> Page<TraceRequest>

    /// A file of a request's conversation.
    /// - Throws: `DomainError.notFound` when the file is not the request's or `viewer` is not party to it.
    func attachment(_ id: TraceAttachment.ID, of request: TraceRequest.ID, viewer: MemberCode) async throws -> TraceAttachment

    /// The member's deadline policy; the standard one until the member sets its own.
    func deadlinePolicy(of member: MemberCode) async throws -> TraceDeadlinePolicy

    /// Sets the actor's member's policy.
    func setDeadlinePolicy(_ policy: TraceDeadlinePolicy, by actor: Actor) async throws

    /// The sent requests with a deadline before `now` whose step is still owed.
    func pastDeadline(at now: Date) async throws -> [TraceRequest]

    /// Stores each passed deadline with its notices and timeline entry, skipping those already stored for the same
    /// request, deadline and due time: each deadline is noticed once, however many servers run the check.
    /// - Returns: the deadlines stored now.
    func recordPassedDeadlines(_ passed: [PassedDeadline]) async throws -> [PassedDeadline]

    /// A page of the deadline notices addressed to `recipient`, newest first.
    /// - Throws: `DomainError.invalid` for a malformed cursor.
    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<TraceNotice>

    /// The non-draft requests `member` is party to that were sent in `year` (UTC).
    func requests(of member: MemberCode, sentIn year: Int) async throws -> [TraceRequest]

    /// The member's seized, found and surrendered records of `year` (by event date, else creation date), and how
    /// many of them a closed trace request established the illicit origin of.
    func seizureCounts(of member: MemberCode, year: Int) async throws -> SeizureCounts
}
