/// What a search index knows of a record: identification and who may see it.
public struct SearchEntry: Sendable, Equatable {
    public var id: WeaponRecord.ID
    public var owner: MemberCode
    public var sharing: Sharing
    public var category: WeaponCategory
    public var make: String
    public var model: String?
    public var calibre: String?
    public var countryOfManufacture: String?
    /// The serial as read; `nil` when there is none.
    public var serial: String?
    /// The text of each marking.
    public var markings: [String]
    /// The record's version: an index that has applied a version ignores an older one arriving late.
    public var version: Int

    public init(
        id: WeaponRecord.ID,
        owner: MemberCode,
        sharing: Sharing,
        category: WeaponCategory,
        make: String,
        model: String? = nil,
        calibre: String? = nil,
        countryOfManufacture: String? = nil,
        serial: String?,
        markings: [String] = [],
        version: Int = 1
    ) {
        self.id = id
        self.owner = owner
        self.sharing = sharing
        self.category = category
        self.make = make
        self.model = model
        self.calibre = calibre
        self.countryOfManufacture = countryOfManufacture
        self.serial = serial
        self.markings = markings
        self.version = version
    }

    public init(_ record: WeaponRecord) {
        let details = record.details
        self.init(
            id: record.id,
            owner: record.owner,
            sharing: details.sharing,
            category: details.category,
            make: details.make,
            model: details.model,
            calibre: details.calibre,
            countryOfManufacture: details.countryOfManufacture,
            serial: details.serialNumber,
            markings: details.markings.map(\.text),
            version: record.version
        )
    }

    /// Whether `member` may see the record.
    public func isVisible(to member: MemberCode) -> Bool {
        owner == member || sharing.includes(member)
    }
}

/// One candidate as the index ranks it.
public struct IndexMatch: Sendable, Equatable {
    public enum Source: String, Sendable, Codable {
        /// The serial within the edit distance.
        case serial
        /// The serial covered by the pattern searched for.
        case pattern
        /// One of the record's other markings equal to the serial searched for (confusables aside).
        case marking
    }

    public var recordID: WeaponRecord.ID
    public var owner: MemberCode
    public var source: Source
    /// In ``SerialDistance`` cost units.
    public var distance: Int
    /// The fields given in the search that the record agrees with, by API name.
    public var agreements: [String]
    /// The fields given in the search that the record holds differently.
    public var disagreements: [String]
    /// ``SearchRanking/score(distance:agreements:disagreements:)``.
    public var score: Int

    public init(
        recordID: WeaponRecord.ID,
        owner: MemberCode,
        source: Source,
        distance: Int,
        agreements: [String],
        disagreements: [String]
    ) {
        self.recordID = recordID
        self.owner = owner
        self.source = source
        self.distance = distance
        self.agreements = agreements
        self.disagreements = disagreements
        self.score = SearchRanking.score(distance: distance, agreements: agreements.count, disagreements: disagreements.count)
    }
}

/// The best candidates for a search and how many there were in all.
public struct IndexAnswer: Sendable, Equatable {
    /// Best first, at most the query's limit.
    public var matches: [IndexMatch]
    /// Every candidate the viewer may see, returned or not.
    public var total: Int
    /// Records that match but that the viewer may not see, closest first, at most the query's limit: the searcher
    /// learns only that their owners hold a match (Prüm's hit/no-hit), and the owners get a notice.
    public var restricted: [IndexMatch]

    public init(matches: [IndexMatch], total: Int, restricted: [IndexMatch] = []) {
        self.matches = matches
        self.total = total
        self.restricted = restricted
    }
}

/// An index that answers hit/no-hit searches over the records' serials and markings.
///
/// Answers are exact with respect to ``SerialMatcher``: every record the viewer may see whose serial matches is
/// counted, and the best ``SerialQuery/limit`` are returned. A record is findable as soon as ``upsert(_:)`` returns.
public protocol SerialSearchIndex: Sendable {
    /// The ranked candidates that `viewer` may see, and the matches it may not (``IndexAnswer/restricted``).
    /// - Throws: `DomainError.unavailable` while the index is not ready.
    func search(_ query: SerialQuery, viewer: MemberCode) throws -> IndexAnswer
    /// Adds a record, or replaces what the index holds for it.
    func upsert(_ entry: SearchEntry)
}
