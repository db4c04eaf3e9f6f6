public import Foundation

/// How a member marks weapons of one kind (PoA III 12; ITI paras 8 to 10), as data: the ordered elements of the
/// mark, each with its alphabet, length or range and meaning, examples, and the date the scheme took effect.
/// Schemes are versioned: weapons keep old marks, so old versions stay readable and parse as they did.
public struct MarkingScheme: Sendable, Equatable, Codable {
    /// What a mark of the scheme is for.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Applied at manufacture: maker, country of manufacture, serial (ITI para 8 a).
        case manufacture
        /// Applied on import: country of import and, where possible, year (ITI para 8 b).
        case `import`
        /// On weapons of the state's own forces and services.
        case state
        /// On transfer from state stocks to permanent civilian use: the transferring state (ITI para 8 c).
        case civilianTransfer = "civilian_transfer"

        public var words: String {
            switch self {
            case .manufacture: "manufacture mark"
            case .import: "import mark"
            case .state: "state mark"
            case .civilianTransfer: "mark of transfer to civilian use"
            }
        }
    }

    /// One part of a mark.
    public struct Element: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable, CaseIterable {
            case country, maker, year, serial, unit, literal
        }

        public enum Alphabet: String, Sendable, Codable, CaseIterable {
            case letters, digits, alphanumeric
        }

        public var kind: Kind
        /// What it says, for people: "country of import", "holding unit".
        public var meaning: String
        public var alphabet: Alphabet
        public var minLength: Int
        public var maxLength: Int
        /// The text of a literal; the allowed values of a country, maker or unit code, when the scheme lists them.
        public var values: [String]?
        /// For a year, the earliest and latest; two-digit years are read in the century that puts them at or
        /// before the current year.
        public var earliest: Int?
        public var latest: Int?
        /// Whether the mark may leave it out.
        public var optional: Bool

        public init(
            _ kind: Kind,
            meaning: String,
            alphabet: Alphabet = .alphanumeric,
            length: ClosedRange<Int>,
            values: [String]? = nil,
            earliest: Int? = nil,
            latest: Int? = nil,
            optional: Bool = false
        ) {
            self.kind = kind
            self.meaning = meaning
            self.alphabet = alphabet
            self.minLength = length.lowerBound
            self.maxLength = length.upperBound
            self.values = values
            self.earliest = earliest
            self.latest = latest
            self.optional = optional
        }

        /// A literal text.
        public static func literal(_ text: String, meaning: String) -> Element {
            let key = MarkingParser.characters(text)
            return Element(.literal, meaning: meaning, length: key.count...key.count, values: [String(key)])
        }

        /// A year of two or four digits.
        public static func year(meaning: String, earliest: Int = 1900, optional: Bool = false) -> Element {
            Element(.year, meaning: meaning, alphabet: .digits, length: 2...4, earliest: earliest, optional: optional)
        }
    }

    /// The member that publishes the scheme: a state's code.
    public var member: MemberCode
    public var kind: Kind
    public var version: Int
    public var effectiveFrom: CalendarDate
    public var description: String
    public var elements: [Element]
    /// Marks of the scheme as they appear on weapons; each must parse under it.
    public var examples: [String]

    public init(
        member: MemberCode,
        kind: Kind,
        version: Int,
        effectiveFrom: CalendarDate,
        description: String,
        elements: [Element],
        examples: [String]
    ) {
        self.member = member
        self.kind = kind
        self.version = version
        self.effectiveFrom = effectiveFrom
        self.description = description
        self.elements = elements
        self.examples = examples
    }

    /// "import mark of KEN, version 2 (from 2016-01-01)".
    public var title: String { "\(kind.words) of \(member), version \(version) (from \(effectiveFrom))" }

    /// Checks that the scheme can be used: elements present, lengths and years in order, every example parsing.
    /// - Throws: `DomainError.invalid` naming each problem.
    public func validate() throws {
        var problems: [FieldError] = []
        if description.isEmpty { problems.append(FieldError(field: "description", message: "say what the mark is and where it is applied")) }
        if elements.isEmpty { problems.append(FieldError(field: "elements", message: "a scheme needs at least one element")) }
        if elements.count > 20 { problems.append(FieldError(field: "elements", message: "a scheme has at most 20 elements")) }
        if examples.count > 20 { problems.append(FieldError(field: "examples", message: "give at most 20 examples")) }
        for (index, element) in elements.enumerated() {
            if element.minLength < 1 || element.maxLength < element.minLength || element.maxLength > 40 {
                problems.append(FieldError(field: "elements[\(index)]", message: "lengths must be from 1 to 40, the least first"))
            }
            if element.kind == .literal && (element.values?.count ?? 0) != 1 {
                problems.append(FieldError(field: "elements[\(index)].values", message: "a literal holds its one text"))
            }
        }
        if examples.isEmpty { problems.append(FieldError(field: "examples", message: "give at least one example of the mark")) }
        for (index, example) in examples.enumerated() where problems.isEmpty && MarkingParser.parse(example, under: self) == nil {
            problems.append(FieldError(field: "examples[\(index)]", message: "'\(example)' does not fit the scheme's elements"))
        }
        if !problems.isEmpty { throw DomainError.invalid(problems) }
    }
}

/// A scheme as a member sends it to be published: the member and version are given by ArmsTrace (the member's next
/// version of the kind). A `member` in the input, as the exchange format carries, must be the publisher's own.
public struct SchemeDraft: Sendable, Equatable, Decodable {
    public var member: MemberCode?
    public var kind: MarkingScheme.Kind
    public var effectiveFrom: CalendarDate
    public var description: String
    public var elements: [MarkingScheme.Element]
    public var examples: [String]

    public init(
        member: MemberCode? = nil,
        kind: MarkingScheme.Kind,
        effectiveFrom: CalendarDate,
        description: String,
        elements: [MarkingScheme.Element],
        examples: [String]
    ) {
        self.member = member
        self.kind = kind
        self.effectiveFrom = effectiveFrom
        self.description = description
        self.elements = elements
        self.examples = examples
    }

    /// The draft of a new version of `scheme`.
    public init(_ scheme: MarkingScheme) {
        self.init(
            member: scheme.member,
            kind: scheme.kind,
            effectiveFrom: scheme.effectiveFrom,
            description: scheme.description,
            elements: scheme.elements,
            examples: scheme.examples
        )
    }
}
