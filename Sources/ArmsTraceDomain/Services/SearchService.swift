public import Foundation

/// Hit/no-hit searches (PoA III 9 and 10): the index finds the candidates, the owners of other members' records get
/// a notice, and the search goes into the log, both in one transaction before the searcher sees the answer.
///
/// ```swift
/// let service = SearchService(repositories: repositories, index: index)
/// let result = try await service.search(SearchRequest(serial: "AK 47-1234?6"), by: actor)
/// ```
public struct SearchService: Sendable {
    public let repositories: Repositories
    public let index: any SerialSearchIndex
    /// The time searches and notices are stamped with.
    public let now: @Sendable () -> Date

    public init(repositories: Repositories, index: any SerialSearchIndex, now: @escaping @Sendable () -> Date = { Date() }) {
        self.repositories = repositories
        self.index = index
        self.now = now
    }

    /// Searches the records the actor's member may see, notifies the owners of other members' records among the
    /// candidates returned, and logs the search.
    ///
    /// The member's settings apply: once its users have made the day's quota of searches (UTC), searches are refused
    /// until midnight; an answer holds at most the member's maximum of candidates. Searches running at the moment
    /// the quota is reached may each still pass, so it can be exceeded by as many as run at once.
    /// - Throws: `DomainError.invalid` naming each bad field of the request; `.limitReached` once the quota is used;
    ///   `.unavailable` while the index loads.
    public func search(_ request: SearchRequest, by actor: Actor) async throws -> SearchResult {
        try actor.require(.search)
        let query = try SerialQuery(request)
        // The index first, at the limit asked for: the member's settings, its day's count and the candidates' records
        // then come in one read. Matches are ranked in a fixed order, so the member's maximum taken from the best
        // ones below is what a search at that limit returns.
        let answer = try index.search(query, viewer: actor.member)
        let day = CalendarDate(now())
        let context = try await repositories.searches.searchContext(
            member: actor.member,
            on: day,
            records: (answer.matches + answer.restricted).map(\.recordID)
        )
        let settings = context.settings
        guard context.searchesToday < settings.searchesPerDay else {
            throw DomainError.limitReached(
                "\(actor.member) has made its \(settings.searchesPerDay) searches for \(day) (UTC), the quota its admin set; it resets at midnight UTC",
                retryAfter: Int(day.startOfDay.addingTimeInterval(24 * 3600).timeIntervalSince(now()).rounded(.up))
            )
        }
        let limit = min(query.limit, settings.maximumCandidates)
        let byID = Dictionary(context.records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var candidates: [SearchCandidate] = []
        // Still a match, and still hidden from the searcher, in the stored record.
        let restricted = answer.restricted.prefix(limit).compactMap { match -> SearchCandidate? in
            guard let record = byID[match.recordID], !record.isVisible(to: actor.member) else { return nil }
            return SearchCandidate(match, record: record, query: query)
        }
        var dropped = 0
        for match in answer.matches.prefix(limit) {
            guard let record = byID[match.recordID], record.isVisible(to: actor.member),
                let candidate = SearchCandidate(match, record: record, query: query)
            else {
                dropped += 1
                continue
            }
            candidates.append(candidate)
        }
        let searchedAt = now()
        let entry = SearchLogEntry(
            id: .generate(at: searchedAt),
            searchedAt: searchedAt,
            userID: actor.userID,
            member: actor.member,
            channel: actor.channel,
            request: request,
            candidateCount: answer.total - dropped
        )
        func notice(_ candidate: SearchCandidate, restricted: Bool) -> HitNotice {
            HitNotice(
                id: .generate(at: searchedAt),
                recipient: candidate.record.owner,
                recordID: candidate.record.id,
                searchID: entry.id,
                searcherMember: actor.member,
                searcherUserID: actor.userID,
                searchedAt: searchedAt,
                request: request,
                source: candidate.source,
                distance: candidate.distance,
                restricted: restricted
            )
        }
        let notices = candidates.filter { $0.record.owner != actor.member }.map { notice($0, restricted: false) }
        let restrictedNotices = restricted.map { notice($0, restricted: true) }
        try await repositories.searches.log(entry, notices: notices + restrictedNotices)
        return SearchResult(
            searchID: entry.id,
            total: entry.candidateCount,
            candidates: candidates,
            restricted: restrictedNotices.map { RestrictedHit(reference: $0.id, owner: $0.recipient) },
            noticesSent: notices.count + restrictedNotices.count
        )
    }

    /// Releases a restricted hit's record to the member that searched.
    /// - Throws: `.forbidden` for a role that does not edit records; as ``SearchRepository/release(_:by:at:)``.
    public func release(_ notice: HitNotice.ID, by actor: Actor) async throws -> HitRelease {
        try actor.require(.editRecords)
        let (release, record) = try await repositories.searches.release(notice, by: actor, at: now())
        index.upsert(SearchEntry(record))
        return release
    }

    /// A page of the hit notices addressed to the actor's member, newest first.
    /// - Throws: `.invalid` for a limit out of range or a malformed cursor.
    public func notices(limit: Int, cursor: String?, by actor: Actor) async throws -> Page<HitNotice> {
        try actor.require(.readRecords)
        try RecordQuery.checkLimit(limit)
        return try await repositories.searches.notices(for: actor.member, limit: limit, cursor: cursor)
    }
}

/// The answer to a search.
public struct SearchResult: Sendable, Equatable, Encodable {
    public var searchID: SearchLogEntry.ID
    /// Whether any record matched, restricted ones included.
    public var hit: Bool { total > 0 || !restricted.isEmpty }
    /// Every candidate the searcher may see, returned or not.
    public var total: Int
    /// The best candidates, best first.
    public var candidates: [SearchCandidate]
    /// Matches in records the searcher may not see: only that their owner holds one, and a reference.
    public var restricted: [RestrictedHit]
    /// How many owners' notices the search created.
    public var noticesSent: Int

    public init(searchID: SearchLogEntry.ID, total: Int, candidates: [SearchCandidate], restricted: [RestrictedHit] = [], noticesSent: Int) {
        self.searchID = searchID
        self.total = total
        self.candidates = candidates
        self.restricted = restricted
        self.noticesSent = noticesSent
    }

    enum CodingKeys: String, CodingKey {
        case searchID = "searchId"
        case hit, total, candidates, restricted, noticesSent
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(searchID, forKey: .searchID)
        try container.encode(hit, forKey: .hit)
        try container.encode(total, forKey: .total)
        try container.encode(candidates, forKey: .candidates)
        try container.encode(restricted, forKey: .restricted)
        try container.encode(noticesSent, forKey: .noticesSent)
    }
}

/// A match in a record the searcher may not see: the owner holds a matching record, and the notice it received is
/// the reference both sides can quote. Nothing else about the record is shown.
public struct RestrictedHit: Sendable, Equatable, Encodable {
    public var reference: HitNotice.ID
    public var owner: MemberCode

    public init(reference: HitNotice.ID, owner: MemberCode) {
        self.reference = reference
        self.owner = owner
    }
}

/// A record that matched a search, with why. Encoded with the record's identifying fields only
/// (``RecordSummary``): the whole record is one `GET /api/v1/records/{id}` away.
public struct SearchCandidate: Sendable, Equatable, Encodable {
    public var record: WeaponRecord
    public var source: IndexMatch.Source
    /// In edits: 1 for one ordinary edit, 0.25 for one confusion.
    public var distance: Double
    /// How the stored serial (or the matching marking) differs from the serial searched for.
    public var differences: [SerialDifference]
    /// The marking that matched, for a match on a marking.
    public var marking: Marking?
    public var agreements: [String]
    public var disagreements: [String]

    enum CodingKeys: String, CodingKey { case record, source, distance, differences, marking, agreements, disagreements }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(RecordSummary(record), forKey: .record)
        try container.encode(source, forKey: .source)
        try container.encode(distance, forKey: .distance)
        try container.encode(differences, forKey: .differences)
        try container.encodeIfPresent(marking, forKey: .marking)
        try container.encode(agreements, forKey: .agreements)
        try container.encode(disagreements, forKey: .disagreements)
    }

    /// Explains an index match against the stored record; `nil` when the record no longer matches.
    init?(_ match: IndexMatch, record: WeaponRecord, query: SerialQuery) {
        self.record = record
        self.source = match.source
        self.agreements = match.agreements
        self.disagreements = match.disagreements
        self.marking = nil
        switch match.source {
        case .serial, .pattern:
            guard let serial = record.details.serialNumber else { return nil }
            let stored = SerialNormalizer.normalize(serial)
            guard let units = SerialMatcher.match(query, stored: stored) else { return nil }
            self.distance = Double(units) / Double(SerialDistance.editCost)
            self.differences = query.isPattern ? [] : SerialDistance.differences(query: query.serial, stored: stored)
        case .marking:
            let found = record.details.markings.lazy.compactMap { marking -> (Marking, [UInt8], Int)? in
                for token in SerialNormalizer.markingTokens(marking.text) {
                    if let units = SerialNormalizer.confusionCost(query.serial, token) {
                        return (marking, token, units)
                    }
                }
                return nil
            }.first
            guard let (marking, token, units) = found else { return nil }
            self.marking = marking
            self.distance = Double(units) / Double(SerialDistance.editCost)
            self.differences = SerialDistance.differences(query: query.serial, stored: token)
        }
    }
}

/// What a search answer shows of a candidate record: what identifies the weapon, and where and how it was reported.
public struct RecordSummary: Sendable, Equatable, Encodable {
    public var id: WeaponRecord.ID
    public var owner: MemberCode
    public var externalRef: String
    public var category: WeaponCategory
    public var make: String
    public var model: String?
    public var calibre: String?
    public var serialNumber: String?
    public var serialObliterated: SerialObliteration
    public var countryOfManufacture: String?
    public var status: RecordStatus
    public var eventDate: CalendarDate?
    public var eventCountry: String?
    public var identification: Identification
    public var markingCheck: MarkingCheck

    public init(_ record: WeaponRecord) {
        let details = record.details
        self.id = record.id
        self.owner = record.owner
        self.externalRef = details.externalRef
        self.category = details.category
        self.make = details.make
        self.model = details.model
        self.calibre = details.calibre
        self.serialNumber = details.serialNumber
        self.serialObliterated = details.serialObliterated
        self.countryOfManufacture = details.countryOfManufacture
        self.status = details.status
        self.eventDate = details.event.date
        self.eventCountry = details.event.country
        self.identification = details.identification
        self.markingCheck = details.markingCheck
    }
}
