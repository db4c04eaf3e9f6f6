public import Foundation

/// A place where a member keeps state-held weapons (PoA III 8; MOSAIC 05.20): a depot or a unit's armoury, with the
/// person who holds its keys, its security level and how often its stock is checked serial by serial.
public struct StockSite: Sendable, Equatable, Codable {
    public typealias ID = Identifier<StockSite>

    public enum Kind: String, Sendable, Codable, CaseIterable {
        case depot
        case unitArmoury = "unit_armoury"

        /// The usual interval between physical checks: quarterly for unit armouries, yearly for depots.
        public var defaultCheckIntervalDays: Int {
            switch self {
            case .depot: 365
            case .unitArmoury: 91
            }
        }
    }

    public enum SecurityLevel: String, Sendable, Codable, CaseIterable {
        case low, medium, high
    }

    public var id: ID
    public var owner: MemberCode
    public var name: String
    public var kind: Kind
    public var custodian: String
    public var securityLevel: SecurityLevel
    public var checkIntervalDays: Int
    /// When the last physical check was closed; `nil` before the first.
    public var lastCheckedAt: Date?
    public var createdAt: Date

    public init(
        id: ID,
        owner: MemberCode,
        name: String,
        kind: Kind,
        custodian: String,
        securityLevel: SecurityLevel,
        checkIntervalDays: Int? = nil,
        lastCheckedAt: Date? = nil,
        createdAt: Date
    ) {
        self.id = id
        self.owner = owner
        self.name = name
        self.kind = kind
        self.custodian = custodian
        self.securityLevel = securityLevel
        self.checkIntervalDays = checkIntervalDays ?? kind.defaultCheckIntervalDays
        self.lastCheckedAt = lastCheckedAt
        self.createdAt = createdAt
    }

    /// When the next check is due: the interval after the last check, or after the site was set up.
    public var checkDue: Date { (lastCheckedAt ?? createdAt).addingTimeInterval(Double(checkIntervalDays) * 86_400) }

    /// Whether the next check is past due at `now`.
    public func checkOverdue(at now: Date) -> Bool { checkDue < now }
}

/// A site as a member's user describes it.
public struct StockSiteInput: Sendable, Equatable, Decodable {
    public var name: String
    public var kind: String
    public var custodian: String
    public var securityLevel: String
    public var checkIntervalDays: Int?

    public init(name: String, kind: String, custodian: String, securityLevel: String, checkIntervalDays: Int? = nil) {
        self.name = name
        self.kind = kind
        self.custodian = custodian
        self.securityLevel = securityLevel
        self.checkIntervalDays = checkIntervalDays
    }

    /// The site, for `owner`, once every field is checked.
    /// - Throws: `DomainError.invalid` naming each field at fault.
    public func validated(owner: MemberCode, at now: Date) throws -> StockSite {
        var problems: [FieldError] = []
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        let custodian = custodian.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 200 { problems.append(FieldError(field: "name", message: "must be 1 to 200 characters")) }
        if custodian.isEmpty || custodian.count > 200 {
            problems.append(FieldError(field: "custodian", message: "name the person or post that holds the keys (1 to 200 characters)"))
        }
        let kind = StockSite.Kind(rawValue: kind)
        if kind == nil { problems.append(FieldError(field: "kind", message: "one of: depot, unit_armoury")) }
        let level = StockSite.SecurityLevel(rawValue: securityLevel)
        if level == nil { problems.append(FieldError(field: "security_level", message: "one of: low, medium, high")) }
        if let days = checkIntervalDays, !(1...1_096).contains(days) {
            problems.append(FieldError(field: "check_interval_days", message: "must be from 1 to 1096 days"))
        }
        guard problems.isEmpty, let kind, let level else { throw DomainError.invalid(problems) }
        return StockSite(
            id: .generate(at: now),
            owner: owner,
            name: name,
            kind: kind,
            custodian: custodian,
            securityLevel: level,
            checkIntervalDays: checkIntervalDays,
            createdAt: now
        )
    }
}
