/// The code of a member: an ISO 3166-1 alpha-3 code for a state (`KEN`), an upper-case code for an
/// organisation (`UNODA`).
///
/// The initializer only checks the shape; whether a member with this code exists is the repository's business.
public struct MemberCode: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The code as stored, upper case.
    public let rawValue: String

    /// Accepts 2 to 12 upper-case ASCII letters and digits, starting with a letter.
    public init?(_ rawValue: String) {
        let bytes = Array(rawValue.utf8)
        guard (2...12).contains(bytes.count), bytes[0].isUpperLetter,
            bytes.allSatisfy({ $0.isUpperLetter || $0.isDigit })
        else { return nil }
        self.rawValue = rawValue
    }

    /// The kind of member this code can name: a state when it is an assigned country code.
    public var impliedKind: Member.Kind { Countries.contains(rawValue) ? .state : .organisation }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = MemberCode(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a member code: \(text)"))
        }
        self = code
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A participant in ArmsTrace: a state or an international or regional organisation (PoA III 5).
public struct Member: Sendable, Equatable, Codable, Identifiable {
    /// Whether the member is a state or an organisation.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case state
        case organisation
    }

    /// The member's code, its identity.
    public var id: MemberCode
    /// State or organisation; follows from the code.
    public var kind: Kind
    /// The member's name as shown to others.
    public var name: String

    public init(id: MemberCode, kind: Kind, name: String) {
        self.id = id
        self.kind = kind
        self.name = name
    }

    /// Validates a new member: a state's code must be an assigned ISO 3166-1 alpha-3 code, an organisation's must
    /// not be one, and the name must be present.
    ///
    /// - Throws: `DomainError.invalid` naming the field (`code`, `name`).
    public static func validated(code: String, name: String) throws -> Member {
        var errors: [FieldError] = []
        let parsed = MemberCode(code)
        if parsed == nil {
            errors.append(
                FieldError(
                    field: "code",
                    message:
                        "must be an ISO 3166-1 alpha-3 code for a state (e.g. KEN) or 2-12 upper-case letters and digits for an organisation (e.g. UNODA), got '\(code)'"
                )
            )
        }
        let trimmed = name.trimmed
        if trimmed.isEmpty { errors.append(FieldError(field: "name", message: "is required")) }
        if trimmed.count > 200 { errors.append(FieldError(field: "name", message: "must be at most 200 characters")) }
        guard let parsed, errors.isEmpty else { throw DomainError.invalid(errors) }
        return Member(id: parsed, kind: parsed.impliedKind, name: trimmed)
    }
}

extension UInt8 {
    var isUpperLetter: Bool { self >= 65 && self <= 90 }
    var isDigit: Bool { self >= 48 && self <= 57 }
}
