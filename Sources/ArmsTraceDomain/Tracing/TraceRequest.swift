public import Foundation

/// A request from one member to another to trace a weapon (PoA III 11; International Tracing Instrument, section V).
///
/// The requesting member writes the ``Particulars`` while the request is a draft; sending it fixes them, with the
/// deadlines of the requested member's ``TraceDeadlinePolicy``. From then on the request moves only through
/// ``TraceAction``s, each taken by the side allowed to take it (see ``TraceRequest/applying(_:by:at:)``), and each
/// kept in the request's timeline as a ``TraceEvent``.
public struct TraceRequest: Sendable, Equatable, Identifiable {
    public typealias ID = Identifier<TraceRequest>

    public var id: ID
    /// The member asking: the one that holds the weapon.
    public var requester: MemberCode
    /// The member asked: the country of manufacture, of last legal import, or another linked country.
    public var requested: MemberCode
    /// The requester's record of the weapon.
    public var recordID: WeaponRecord.ID
    public var status: TraceStatus
    /// 1 on creation, one more on each step.
    public var version: Int
    public var particulars: Particulars
    /// The weapon's identification, copied from the requester's record when the draft is made and again when it is
    /// sent.
    public var weapon: TraceWeapon
    /// Set when the request is sent; moved by a delay and by time spent waiting for information.
    public var deadlines: Deadlines?
    public var createdAt: Date
    public var sentAt: Date?
    /// When the requested member first acknowledged the request, explicitly or by a later step.
    public var acknowledgedAt: Date?
    /// While the status is ``TraceStatus/informationRequested``: since when.
    public var informationRequestedAt: Date?
    public var answeredAt: Date?
    /// When the request ended: declined, withdrawn or closed.
    public var endedAt: Date?
    public var delay: Delay?
    public var decline: Decline?
    public var answer: TraceAnswer?
    public var outcome: TraceOutcome?

    public init(
        id: ID,
        requester: MemberCode,
        requested: MemberCode,
        recordID: WeaponRecord.ID,
        status: TraceStatus = .draft,
        version: Int = 1,
        particulars: Particulars,
        weapon: TraceWeapon,
        deadlines: Deadlines? = nil,
        createdAt: Date,
        sentAt: Date? = nil,
        acknowledgedAt: Date? = nil,
        informationRequestedAt: Date? = nil,
        answeredAt: Date? = nil,
        endedAt: Date? = nil,
        delay: Delay? = nil,
        decline: Decline? = nil,
        answer: TraceAnswer? = nil,
        outcome: TraceOutcome? = nil
    ) {
        self.id = id
        self.requester = requester
        self.requested = requested
        self.recordID = recordID
        self.status = status
        self.version = version
        self.particulars = particulars
        self.weapon = weapon
        self.deadlines = deadlines
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.acknowledgedAt = acknowledgedAt
        self.informationRequestedAt = informationRequestedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.delay = delay
        self.decline = decline
        self.answer = answer
        self.outcome = outcome
    }

    /// Whether `member` may know of the request: its requester always, the requested member once it is sent.
    public func isVisible(to member: MemberCode) -> Bool {
        member == requester || (member == requested && status != .draft)
    }

    /// What is missing before the request may be sent, each problem named by its field: the completeness rule
    /// of ITI para 17, where most real traces fail.
    public var missingForSending: [FieldError] {
        let particulars = self.particulars
        var missing: [FieldError] = []
        func require(_ value: String?, _ field: String, _ why: String) {
            if value?.trimmed.isEmpty ?? true { missing.append(FieldError(field: field, message: why)) }
        }
        if particulars.grounds.isEmpty {
            missing.append(
                FieldError(
                    field: "grounds",
                    message: "name at least one reason the weapon is illicit: " + IllicitGround.allCases.map(\.rawValue).joined(separator: ", ")
                )
            )
        }
        require(particulars.legalBasis, "legal_basis", "is required: the law under which the weapon is illicit")
        require(particulars.circumstances, "circumstances", "is required: how, where and when the weapon was found or seized")
        require(particulars.intendedUse, "intended_use", "is required: what the answer will be used for")
        if particulars.priority == .urgent {
            require(particulars.urgencyJustification, "urgency_justification", "is required for an urgent request")
        }
        require(particulars.confidentialityConditions, "confidentiality_conditions", "must not be empty")
        let fix = "; complete the record and send again"
        require(weapon.model, "weapon.model", "the record names no model" + fix)
        require(weapon.calibre, "weapon.calibre", "the record names no calibre" + fix)
        if weapon.serialObliterated != .yes {
            require(weapon.serialNumber, "weapon.serial_number", "the record has no serial number" + fix)
        }
        if weapon.markings.isEmpty {
            missing.append(FieldError(field: "weapon.markings", message: "the record lists no markings" + fix))
        }
        return missing
    }

    /// The side `member` is on, `nil` for a member that is party to neither side (and may not know the request).
    public func side(of member: MemberCode) -> TraceSide? {
        if member == requester { return .requesting }
        if member == requested { return .requested }
        return nil
    }

    /// The member on the other side from `side`.
    public func counterpart(of side: TraceSide) -> MemberCode {
        side == .requesting ? requested : requester
    }
}

/// The two parties to a trace request.
public enum TraceSide: String, Sendable, Codable, CaseIterable {
    /// The member that asks.
    case requesting
    /// The member that is asked.
    case requested
}

/// Where a trace request stands.
public enum TraceStatus: String, Sendable, Codable, CaseIterable {
    /// Being written by the requesting member; the requested member does not see it.
    case draft
    /// Sent; the requested member has not acknowledged it yet.
    case sent
    case acknowledged
    /// The requested member asked for more information; its answer clock stops until the requester provides it.
    case informationRequested = "information_requested"
    /// The requested member delays its answer, on an ITI ground, until an expected date.
    case delayed
    case answered
    /// The requested member refuses to answer, on an ITI ground.
    case declined
    /// The requesting member withdrew the request.
    case withdrawn
    /// The requesting member closed the request with an outcome.
    case closed

    /// Whether the requested member still owes an answer.
    public var awaitsAnswer: Bool {
        switch self {
        case .sent, .acknowledged, .informationRequested, .delayed: true
        default: false
        }
    }
}

/// How fast the requesting member needs the answer.
public enum TracePriority: String, Sendable, Codable, CaseIterable {
    case routine
    /// Needs a justification; the shorter deadlines apply.
    case urgent
}

/// Why a weapon is considered illicit: the five cases of ITI para 6.
public enum IllicitGround: String, Sendable, Codable, CaseIterable {
    /// Illicit under the law of the state where it was found.
    case illicitUnderLawWhereFound = "illicit_under_law_where_found"
    /// Transferred in breach of a UN Security Council arms embargo.
    case embargoBreach = "embargo_breach"
    /// Not marked as the ITI requires.
    case notMarked = "not_marked"
    /// Manufactured or assembled without a licence or authorisation.
    case manufacturedWithoutLicence = "manufactured_without_licence"
    /// Transferred without a licence or authorisation.
    case transferredWithoutLicence = "transferred_without_licence"
}

/// The grounds on which the ITI lets the requested state delay or restrict its answer, or decline to answer.
public enum WithholdingGround: String, Sendable, Codable, CaseIterable {
    /// An answer would compromise an ongoing criminal investigation.
    case ongoingInvestigation = "ongoing_investigation"
    /// National law on confidentiality prevents an answer.
    case confidentialityLaw = "confidentiality_law"
    /// An answer would harm national security.
    case nationalSecurity = "national_security"
}

extension TraceRequest {
    /// What the requesting member writes: why the weapon is illicit, what it is, what the answer is for, how
    /// urgently it is needed, and under which conditions the answer will be kept (ITI para 17).
    public struct Particulars: Sendable, Equatable, Codable {
        public var priority: TracePriority
        /// Why the request is urgent; required for an urgent request.
        public var urgencyJustification: String?
        /// Why the weapon is considered illicit: one or more ITI grounds.
        public var grounds: [IllicitGround]
        /// The law under which the weapon is illicit.
        public var legalBasis: String?
        /// How, where and when the weapon was found or seized.
        public var circumstances: String?
        /// What the requesting member will use the answer for.
        public var intendedUse: String?
        /// The conditions under which the requesting member keeps the answer; shown with every answer.
        public var confidentialityConditions: String

        /// The undertaking of the ITI when the requester states none.
        public static let standardConfidentialityConditions =
            "The information received will be kept confidential and used only for the purpose stated in this request."

        public init(
            priority: TracePriority = .routine,
            urgencyJustification: String? = nil,
            grounds: [IllicitGround] = [],
            legalBasis: String? = nil,
            circumstances: String? = nil,
            intendedUse: String? = nil,
            confidentialityConditions: String = Particulars.standardConfidentialityConditions
        ) {
            self.priority = priority
            self.urgencyJustification = urgencyJustification
            self.grounds = grounds
            self.legalBasis = legalBasis
            self.circumstances = circumstances
            self.intendedUse = intendedUse
            self.confidentialityConditions = confidentialityConditions
        }
    }

    /// When the requested member owes an acknowledgement and an answer.
    public struct Deadlines: Sendable, Equatable, Codable {
        public var acknowledgeBy: Date
        public var answerBy: Date

        public init(acknowledgeBy: Date, answerBy: Date) {
            self.acknowledgeBy = acknowledgeBy
            self.answerBy = answerBy
        }
    }

    /// A delay announced by the requested member.
    public struct Delay: Sendable, Equatable, Codable {
        public var ground: WithholdingGround
        /// When the requested member expects to answer; the answer deadline moves there.
        public var expectedBy: Date
        public var explanation: String?

        public init(ground: WithholdingGround, expectedBy: Date, explanation: String? = nil) {
            self.ground = ground
            self.expectedBy = expectedBy
            self.explanation = explanation
        }
    }

    /// A refusal to answer by the requested member.
    public struct Decline: Sendable, Equatable, Codable {
        public var ground: WithholdingGround
        public var explanation: String?

        public init(ground: WithholdingGround, explanation: String? = nil) {
            self.ground = ground
            self.explanation = explanation
        }
    }
}

/// The weapon as a trace request identifies it: the requester's record's identification at the time of sending.
public struct TraceWeapon: Sendable, Equatable, Codable {
    /// The requester's own reference for the record.
    public var externalRef: String
    public var category: WeaponCategory
    public var make: String
    public var model: String?
    public var calibre: String?
    public var serialNumber: String?
    public var serialObliterated: SerialObliteration
    public var markings: [Marking]
    public var countryOfManufacture: String?
    public var yearOfManufacture: Int?
    public var importCountry: String?
    public var importYear: Int?
    /// The record's status: seized, found, surrendered, …
    public var status: RecordStatus
    public var event: WeaponRecord.Event

    public init(_ record: WeaponRecord) {
        let details = record.details
        self.externalRef = details.externalRef
        self.category = details.category
        self.make = details.make
        self.model = details.model
        self.calibre = details.calibre
        self.serialNumber = details.serialNumber
        self.serialObliterated = details.serialObliterated
        self.markings = details.markings
        self.countryOfManufacture = details.countryOfManufacture
        self.yearOfManufacture = details.yearOfManufacture
        self.importCountry = details.importCountry
        self.importYear = details.importYear
        self.status = details.status
        self.event = details.event
    }
}

/// What the requested member's records show about the weapon.
public struct TraceAnswer: Sendable, Equatable, Codable {
    /// The weapon's known history, oldest first.
    public var chainOfCustody: [CustodyEntry]
    /// The last holder known to have held the weapon legally.
    public var lastLegalHolder: String?
    /// Whether the answer establishes where the weapon left legal custody.
    public var pointOfDiversionEstablished: Bool
    /// Where and how the weapon left legal custody, when established.
    public var pointOfDiversion: String?
    public var remarks: String?

    public init(
        chainOfCustody: [CustodyEntry],
        lastLegalHolder: String? = nil,
        pointOfDiversionEstablished: Bool,
        pointOfDiversion: String? = nil,
        remarks: String? = nil
    ) {
        self.chainOfCustody = chainOfCustody
        self.lastLegalHolder = lastLegalHolder
        self.pointOfDiversionEstablished = pointOfDiversionEstablished
        self.pointOfDiversion = pointOfDiversion
        self.remarks = remarks
    }

    /// The answer's own rules: at least one custody entry, each with a party; a point of diversion described when
    /// it is said to be established.
    public var problems: [FieldError] {
        var problems: [FieldError] = []
        if chainOfCustody.isEmpty {
            problems.append(
                FieldError(field: "chain_of_custody", message: "list at least one entry: the manufacture, an export, an import or a transfer")
            )
        }
        for (index, entry) in chainOfCustody.enumerated() where entry.party.trimmed.isEmpty {
            problems.append(FieldError(field: "chain_of_custody[\(index)].party", message: "is required"))
        }
        for (index, entry) in chainOfCustody.enumerated() {
            if let country = entry.country, !Countries.contains(country) {
                problems.append(FieldError(field: "chain_of_custody[\(index)].country", message: "'\(country)' is not an ISO 3166-1 alpha-3 code"))
            }
        }
        if pointOfDiversionEstablished, pointOfDiversion?.trimmed.isEmpty ?? true {
            problems.append(FieldError(field: "point_of_diversion", message: "describe the point of diversion when it is established"))
        }
        return problems
    }
}

/// One link of a weapon's chain of custody.
public struct CustodyEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case manufacture
        case export
        case `import`
        /// A transfer to a holder within a country: a dealer, an owner, a state agency.
        case transferToHolder = "transfer_to_holder"
        case other
    }

    public var kind: Kind
    public var date: CalendarDate?
    /// Who made, sent or received the weapon.
    public var party: String
    /// ISO 3166-1 alpha-3 of where it happened.
    public var country: String?
    /// The licence, authorisation or other document number.
    public var document: String?

    public init(kind: Kind, date: CalendarDate? = nil, party: String, country: String? = nil, document: String? = nil) {
        self.kind = kind
        self.date = date
        self.party = party
        self.country = country
        self.document = document
    }
}

/// How the requesting member closes a request: whether the weapon's illicit origin is now established (SDG 16.4.2).
public struct TraceOutcome: Sendable, Equatable, Codable {
    /// Whether the illicit origin or the point of diversion was established by the trace.
    public var originEstablished: Bool
    public var remarks: String?

    public init(originEstablished: Bool, remarks: String? = nil) {
        self.originEstablished = originEstablished
        self.remarks = remarks
    }
}
