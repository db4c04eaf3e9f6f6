public import Foundation

/// A search that matched another member's record, told to that record's owner (PoA III 9; iARMS's hit notice).
public struct HitNotice: Sendable, Equatable, Codable, Identifiable {
    public typealias ID = Identifier<HitNotice>

    public var id: ID
    /// The owner of the record: who the notice is for.
    public var recipient: MemberCode
    public var recordID: WeaponRecord.ID
    /// The search that matched.
    public var searchID: SearchLogEntry.ID
    public var searcherMember: MemberCode
    /// `nil` for a search from the command line.
    public var searcherUserID: User.ID?
    public var searchedAt: Date
    public var request: SearchRequest
    public var source: IndexMatch.Source
    /// In edits (cost units / 4).
    public var distance: Double
    /// Whether the searcher's member may not see the record: it learned only that the recipient holds a match, and
    /// sees the record once the recipient releases it (``release``).
    public var restricted: Bool
    /// The recipient's release of a restricted record to the searcher, once made.
    public var release: HitRelease?

    public init(
        id: ID,
        recipient: MemberCode,
        recordID: WeaponRecord.ID,
        searchID: SearchLogEntry.ID,
        searcherMember: MemberCode,
        searcherUserID: User.ID?,
        searchedAt: Date,
        request: SearchRequest,
        source: IndexMatch.Source,
        distance: Double,
        restricted: Bool = false,
        release: HitRelease? = nil
    ) {
        self.id = id
        self.recipient = recipient
        self.recordID = recordID
        self.searchID = searchID
        self.searcherMember = searcherMember
        self.searcherUserID = searcherUserID
        self.searchedAt = searchedAt
        self.request = request
        self.source = source
        self.distance = distance
        self.restricted = restricted
        self.release = release
    }
}

/// A record owner's release of a restricted hit's record to the member that searched (Prüm: details follow only on
/// the holder's decision). The record's sharing gains the searcher, in the record's history.
public struct HitRelease: Sendable, Equatable, Codable {
    public var noticeID: HitNotice.ID
    public var recordID: WeaponRecord.ID
    public var releasedTo: MemberCode
    public var releasedBy: User.ID?
    public var releasedAt: Date

    public init(noticeID: HitNotice.ID, recordID: WeaponRecord.ID, releasedTo: MemberCode, releasedBy: User.ID?, releasedAt: Date) {
        self.noticeID = noticeID
        self.recordID = recordID
        self.releasedTo = releasedTo
        self.releasedBy = releasedBy
        self.releasedAt = releasedAt
    }
}

/// A search as the audit trail keeps it: who, when, what was asked and how many candidates it found.
public struct SearchLogEntry: Sendable, Equatable, Identifiable {
    public typealias ID = Identifier<SearchLogEntry>

    public var id: ID
    public var searchedAt: Date
    public var userID: User.ID?
    public var member: MemberCode
    public var channel: Actor.Channel
    public var request: SearchRequest
    /// Every candidate the searcher may see, returned or not.
    public var candidateCount: Int

    public init(
        id: ID,
        searchedAt: Date,
        userID: User.ID?,
        member: MemberCode,
        channel: Actor.Channel,
        request: SearchRequest,
        candidateCount: Int
    ) {
        self.id = id
        self.searchedAt = searchedAt
        self.userID = userID
        self.member = member
        self.channel = channel
        self.request = request
        self.candidateCount = candidateCount
    }
}
