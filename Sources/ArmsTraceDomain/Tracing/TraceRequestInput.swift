/// A trace request as the requesting member writes it, through the API or the command line: the addressee and the
/// particulars. Everything may be missing while the request is a draft; sending checks completeness.
public struct TraceRequestInput: Sendable, Equatable, Codable {
    /// The requester's record of the weapon; read when a draft is created, ignored when one is revised.
    public var recordId: String?
    /// The member code of the member asked.
    public var requested: String
    public var priority: String?
    public var urgencyJustification: String?
    public var grounds: [String]?
    public var legalBasis: String?
    public var circumstances: String?
    public var intendedUse: String?
    public var confidentialityConditions: String?

    public init(
        recordId: String? = nil,
        requested: String,
        priority: String? = nil,
        urgencyJustification: String? = nil,
        grounds: [String]? = nil,
        legalBasis: String? = nil,
        circumstances: String? = nil,
        intendedUse: String? = nil,
        confidentialityConditions: String? = nil
    ) {
        self.recordId = recordId
        self.requested = requested
        self.priority = priority
        self.urgencyJustification = urgencyJustification
        self.grounds = grounds
        self.legalBasis = legalBasis
        self.circumstances = circumstances
        self.intendedUse = intendedUse
        self.confidentialityConditions = confidentialityConditions
    }

    /// The longest free text accepted in a field.
    static let maximumText = 10_000

    /// Checks the fields' forms (not completeness: a draft may lack what sending needs).
    /// - Parameter requester: the member writing; it cannot address itself.
    /// - Throws: `DomainError.invalid` naming every bad field.
    public func validated(requester: MemberCode) throws -> (requested: MemberCode, particulars: TraceRequest.Particulars) {
        var problems: [FieldError] = []
        let requestedCode = MemberCode(requested.trimmed.uppercased())
        if requestedCode == nil {
            problems.append(FieldError(field: "requested", message: "'\(requested)' is not a member code"))
        } else if requestedCode == requester {
            problems.append(FieldError(field: "requested", message: "a member cannot send a trace request to itself"))
        }
        var parsedPriority = TracePriority.routine
        if let priority {
            if let value = TracePriority(rawValue: priority) {
                parsedPriority = value
            } else {
                problems.append(FieldError(field: "priority", message: "must be routine or urgent, got '\(priority)'"))
            }
        }
        var parsedGrounds: [IllicitGround] = []
        for (index, text) in (grounds ?? []).enumerated() {
            if let ground = IllicitGround(rawValue: text) {
                if !parsedGrounds.contains(ground) { parsedGrounds.append(ground) }
            } else {
                problems.append(
                    FieldError(
                        field: "grounds[\(index)]",
                        message: "'\(text)' is not an ITI ground; use one of: " + IllicitGround.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                )
            }
        }
        let texts: [(String, String?)] = [
            ("urgency_justification", urgencyJustification), ("legal_basis", legalBasis), ("circumstances", circumstances),
            ("intended_use", intendedUse), ("confidentiality_conditions", confidentialityConditions),
        ]
        for (field, text) in texts where (text?.count ?? 0) > Self.maximumText {
            problems.append(FieldError(field: field, message: "must be at most \(Self.maximumText) characters"))
        }
        guard problems.isEmpty, let requestedCode else { throw DomainError.invalid(problems) }
        func clean(_ text: String?) -> String? { text.flatMap { $0.trimmed.isEmpty ? nil : $0.trimmed } }
        return (
            requestedCode,
            TraceRequest.Particulars(
                priority: parsedPriority,
                urgencyJustification: clean(urgencyJustification),
                grounds: parsedGrounds,
                legalBasis: clean(legalBasis),
                circumstances: clean(circumstances),
                intendedUse: clean(intendedUse),
                confidentialityConditions: clean(confidentialityConditions) ?? TraceRequest.Particulars.standardConfidentialityConditions
            )
        )
    }
}

/// A member ArmsTrace suggests sending a trace request to, with why.
public struct TraceAddressee: Sendable, Equatable, Encodable {
    public var member: MemberCode
    public var name: String
    /// Why: "country of manufacture", "import mark KEN 2019", …
    public var reasons: [String]

    public init(member: MemberCode, name: String, reasons: [String]) {
        self.member = member
        self.name = name
        self.reasons = reasons
    }

    /// The countries a record links the weapon to, most useful first (the ITI's route: the country of
    /// manufacture, the country of last legal import, then any other marked country), with the reasons for each.
    /// Marks are read for ISO 3166-1 alpha-3 codes. The record's owner is left out.
    public static func candidates(for record: WeaponRecord) -> [(code: String, reasons: [String])] {
        var order: [String] = []
        var reasons: [String: [String]] = [:]
        func add(_ code: String?, _ reason: String) {
            guard let code, Countries.contains(code), code != record.owner.rawValue else { return }
            if reasons[code] == nil { order.append(code) }
            if !(reasons[code]?.contains(reason) ?? false) { reasons[code, default: []].append(reason) }
        }
        let details = record.details
        let inForce = ReferenceSnapshot.current
        add(details.countryOfManufacture, "country of manufacture")
        if let maker = inForce.reference.maker(details.make) {
            add(maker.country, "country of the maker \(maker.name), from the reference")
        }
        for marking in details.markings where marking.kind == .manufacture {
            for code in countryCodes(in: marking.text) { add(code, "manufacture mark \(marking.text)") }
        }
        add(details.importCountry, "country of last legal import")
        for marking in details.markings where marking.kind == .import {
            // A mark that fits a published import scheme names its country, whatever letters it uses ("UG 08").
            for reading in MarkingParser.fits(marking.text, schemes: inForce.schemes.filter { $0.kind == .import }) {
                add(reading.member.rawValue, "import mark \(marking.text): \(reading.summary)")
            }
            for code in countryCodes(in: marking.text) { add(code, "import mark \(marking.text)") }
        }
        for marking in details.markings where marking.kind != .manufacture && marking.kind != .import {
            for code in countryCodes(in: marking.text) { add(code, "\(marking.kind.rawValue) mark \(marking.text)") }
        }
        return order.map { ($0, reasons[$0] ?? []) }
    }

    /// The ISO 3166-1 alpha-3 codes written as words of a mark ("KEN 2019" → KEN).
    static func countryCodes(in text: String) -> [String] {
        text.split(whereSeparator: { !$0.isLetter }).map(String.init).filter { $0.count == 3 && $0 == $0.uppercased() && Countries.contains($0) }
    }
}
