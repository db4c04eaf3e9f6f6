public import Foundation

/// A record in the shared database of lost, stolen, trafficked, seized, found and surrendered weapons (PoA III 9).
///
/// The member that creates a record owns it; only the owner changes it, and the owner decides who else sees it.
/// Every change bumps ``version`` and is kept in the record's history.
public struct WeaponRecord: Sendable, Equatable, Identifiable {
    public typealias ID = Identifier<WeaponRecord>

    public var id: ID
    /// The member that created the record and alone may change it.
    public var owner: MemberCode
    /// 1 on creation, one more on each change.
    public var version: Int
    /// What the owner says about the weapon.
    public var details: Details
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: ID, owner: MemberCode, version: Int, details: Details, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.owner = owner
        self.version = version
        self.details = details
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether `member` may see this record at all.
    public func isVisible(to member: MemberCode) -> Bool {
        owner == member || details.sharing.includes(member)
    }
}

extension WeaponRecord {
    /// The part of a record that its owner writes: identification, status, the event and sharing.
    public struct Details: Sendable, Equatable, Codable {
        /// The owner's own reference, unique per owner: what re-imports match on.
        public var externalRef: String
        public var category: WeaponCategory
        /// The manufacturer.
        public var make: String
        public var model: String?
        public var calibre: String?
        /// The serial number as read, with `?` for an unreadable character and `*` for an unreadable run.
        public var serialNumber: String?
        public var serialObliterated: SerialObliteration
        public var markings: [Marking]
        /// ISO 3166-1 alpha-3.
        public var countryOfManufacture: String?
        public var yearOfManufacture: Int?
        /// ISO 3166-1 alpha-3 of the country of last legal import.
        public var importCountry: String?
        public var importYear: Int?
        public var status: RecordStatus
        /// The event behind the status: the loss, theft, seizure or find.
        public var event: Event
        public var sharing: Sharing
        public var notes: String?

        public init(
            externalRef: String,
            category: WeaponCategory,
            make: String,
            model: String? = nil,
            calibre: String? = nil,
            serialNumber: String? = nil,
            serialObliterated: SerialObliteration = .no,
            markings: [Marking] = [],
            countryOfManufacture: String? = nil,
            yearOfManufacture: Int? = nil,
            importCountry: String? = nil,
            importYear: Int? = nil,
            status: RecordStatus,
            event: Event = Event(),
            sharing: Sharing = .all,
            notes: String? = nil
        ) {
            self.externalRef = externalRef
            self.category = category
            self.make = make
            self.model = model
            self.calibre = calibre
            self.serialNumber = serialNumber
            self.serialObliterated = serialObliterated
            self.markings = markings
            self.countryOfManufacture = countryOfManufacture
            self.yearOfManufacture = yearOfManufacture
            self.importCountry = importCountry
            self.importYear = importYear
            self.status = status
            self.event = event
            self.sharing = sharing
            self.notes = notes
        }
    }

    /// The event behind a record's status (the SDG 16.4.2 seizure data: date, place, justification, context).
    public struct Event: Sendable, Equatable, Codable {
        public var date: CalendarDate?
        /// ISO 3166-1 alpha-3.
        public var country: String?
        public var place: String?
        public var circumstances: String?
        public var legalJustification: String?
        public var criminalContext: String?
        public var caseReference: String?

        public init(
            date: CalendarDate? = nil,
            country: String? = nil,
            place: String? = nil,
            circumstances: String? = nil,
            legalJustification: String? = nil,
            criminalContext: String? = nil,
            caseReference: String? = nil
        ) {
            self.date = date
            self.country = country
            self.place = place
            self.circumstances = circumstances
            self.legalJustification = legalJustification
            self.criminalContext = criminalContext
            self.caseReference = caseReference
        }
    }
}

/// One mark on a weapon: its kind, its text as read, and where on the weapon it is.
public struct Marking: Sendable, Equatable, Codable {
    public var kind: MarkingKind
    public var text: String
    /// Where on the weapon: frame, receiver, slide, barrel.
    public var location: String?

    public init(kind: MarkingKind, text: String, location: String? = nil) {
        self.kind = kind
        self.text = text
        self.location = location
    }
}

/// Who besides the owner may see a record.
///
/// In JSON: `"all"`, `"owner"`, or an array of member codes.
public enum Sharing: Sendable, Equatable, Codable {
    /// Every member.
    case all
    /// The owner alone.
    case owner
    /// The owner and these members, sorted and without repeats.
    case members([MemberCode])

    /// Whether the sharing lets `member` see the record (the owner always sees its own).
    public func includes(_ member: MemberCode) -> Bool {
        switch self {
        case .all: true
        case .owner: false
        case .members(let members): members.contains(member)
        }
    }

    /// The stored mode: `all`, `owner` or `members`.
    public var mode: String {
        switch self {
        case .all: "all"
        case .owner: "owner"
        case .members: "members"
        }
    }

    /// The member list, empty unless the mode is `members`.
    public var memberCodes: [MemberCode] {
        if case .members(let codes) = self { return codes }
        return []
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            switch text {
            case "all": self = .all
            case "owner": self = .owner
            default:
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "must be \"all\", \"owner\" or a list of member codes")
                )
            }
        } else {
            self = .members(Array(Set(try container.decode([MemberCode].self))).sorted())
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .all: try container.encode("all")
        case .owner: try container.encode("owner")
        case .members(let codes): try container.encode(codes)
        }
    }
}

extension WeaponRecord.Details {
    /// How the reference reads the make, model and calibre as typed in force (``ReferenceSnapshot/current``).
    public var identification: Identification {
        ReferenceSnapshot.current.identify(make: make, model: model, calibre: calibre)
    }
}

// MARK: - Codable

extension CodingUserInfoKey {
    /// Set to `true`, records encode without what is derived from them on reading (identification, marking
    /// check): what bulk exports do, which hold the data itself and run over millions of records.
    public static let omitsDerivedFields = CodingUserInfoKey(rawValue: "armstrace.omitsDerivedFields")!
}

extension WeaponRecord: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, owner, version, createdAt, updatedAt, identification, markingCheck
    }

    /// A record encodes as one flat object: its identity and times beside the details' fields, how the reference
    /// reads its make, model and calibre, and its marks checked against the ITI (both derived, never read back).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(owner, forKey: .owner)
        try container.encode(version, forKey: .version)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        if encoder.userInfo[.omitsDerivedFields] as? Bool != true {
            try container.encode(details.identification, forKey: .identification)
            try container.encode(details.markingCheck, forKey: .markingCheck)
        }
        try details.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(ID.self, forKey: .id)
        self.owner = try container.decode(MemberCode.self, forKey: .owner)
        self.version = try container.decode(Int.self, forKey: .version)
        self.createdAt = try container.decode(Date.self, forKey: .createdAt)
        self.updatedAt = try container.decode(Date.self, forKey: .updatedAt)
        self.details = try Details(from: decoder)
    }
}
