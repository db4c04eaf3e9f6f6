public import Foundation

/// A member's national coordination agency or one of its points of contact (PoA III 5 and 7; PoA-ISS): who, for what,
/// in which languages, and how to reach them. The member keeps its own entries; every member reads them all. An entry
/// not confirmed for a year is shown as possibly stale.
public struct PointOfContact: Sendable, Equatable, Codable {
    public typealias ID = Identifier<PointOfContact>

    public enum Role: String, Sendable, Codable, CaseIterable {
        case nationalCoordinationAgency = "national_coordination_agency"
        case poa = "poa"
        case itiTracing = "iti_tracing"
        case stockpile
        case mlaCentralAuthority = "mla_central_authority"

        public var words: String {
            switch self {
            case .nationalCoordinationAgency: "national coordination agency"
            case .poa: "PoA point of contact"
            case .itiTracing: "ITI tracing point of contact"
            case .stockpile: "stockpile management"
            case .mlaCentralAuthority: "MLA central authority"
            }
        }
    }

    public var id: ID
    public var member: MemberCode
    public var role: Role
    public var agency: String
    /// The person or post.
    public var name: String
    public var title: String?
    /// ISO 639-1 codes: "en", "fr", "sw".
    public var languages: [String]
    public var email: String?
    public var phone: String?
    public var address: String?
    public var updatedAt: Date
    /// When the member last said the entry is current.
    public var confirmedAt: Date

    public init(
        id: ID,
        member: MemberCode,
        role: Role,
        agency: String,
        name: String,
        title: String? = nil,
        languages: [String],
        email: String? = nil,
        phone: String? = nil,
        address: String? = nil,
        updatedAt: Date,
        confirmedAt: Date
    ) {
        self.id = id
        self.member = member
        self.role = role
        self.agency = agency
        self.name = name
        self.title = title
        self.languages = languages
        self.email = email
        self.phone = phone
        self.address = address
        self.updatedAt = updatedAt
        self.confirmedAt = confirmedAt
    }

    /// Whether the entry was last confirmed more than a year before `now`.
    public func stale(at now: Date) -> Bool { confirmedAt.addingTimeInterval(365 * 86_400) < now }
}

/// An entry as a member's admin writes it.
public struct PointOfContactInput: Sendable, Equatable, Decodable {
    public var role: String
    public var agency: String
    public var name: String
    public var title: String?
    public var languages: [String]?
    public var email: String?
    public var phone: String?
    public var address: String?

    public init(
        role: String,
        agency: String,
        name: String,
        title: String? = nil,
        languages: [String]? = nil,
        email: String? = nil,
        phone: String? = nil,
        address: String? = nil
    ) {
        self.role = role
        self.agency = agency
        self.name = name
        self.title = title
        self.languages = languages
        self.email = email
        self.phone = phone
        self.address = address
    }

    /// The entry, for `member`, written (and so confirmed) at `now`.
    /// - Throws: `DomainError.invalid` naming each field at fault; at least one way to reach the contact is needed.
    public func validated(id: PointOfContact.ID, member: MemberCode, at now: Date) throws -> PointOfContact {
        var problems: [FieldError] = []
        func text(_ value: String?, _ field: String, required: Bool = false, limit: Int = 200) -> String? {
            let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if trimmed.isEmpty {
                if required { problems.append(FieldError(field: field, message: "is required")) }
                return nil
            }
            if trimmed.count > limit { problems.append(FieldError(field: field, message: "must be at most \(limit) characters")) }
            return trimmed
        }
        let role = PointOfContact.Role(rawValue: role)
        if role == nil {
            problems.append(FieldError(field: "role", message: "one of: " + PointOfContact.Role.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        let agency = text(agency, "agency", required: true)
        let name = text(name, "name", required: true)
        let email = text(email, "email")
        if let email, !(email.contains("@") && email.split(separator: "@").count == 2 && !email.contains(" ")) {
            problems.append(FieldError(field: "email", message: "'\(email)' is not an e-mail address"))
        }
        let phone = text(phone, "phone", limit: 40)
        let address = text(address, "address", limit: 500)
        if email == nil && phone == nil && address == nil {
            problems.append(FieldError(field: "email", message: "give at least one way to reach the contact: e-mail, phone or address"))
        }
        let languages = (languages ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        for (index, code) in languages.enumerated() where !(2...3).contains(code.count) || !code.allSatisfy({ ("a"..."z").contains($0) }) {
            problems.append(FieldError(field: "languages[\(index)]", message: "'\(code)' is not an ISO 639 language code (en, fr, sw)"))
        }
        let title = text(title, "title")
        guard problems.isEmpty, let role, let agency, let name else { throw DomainError.invalid(problems) }
        return PointOfContact(
            id: id,
            member: member,
            role: role,
            agency: agency,
            name: name,
            title: title,
            languages: languages.reduce(into: [String]()) { kept, code in if !kept.contains(code) { kept.append(code) } },
            email: email,
            phone: phone,
            address: address,
            updatedAt: now,
            confirmedAt: now
        )
    }
}
