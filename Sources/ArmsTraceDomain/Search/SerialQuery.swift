/// A hit/no-hit search as asked: the serial as read and, optionally, what else the officer knows of the weapon.
public struct SearchRequest: Sendable, Equatable, Codable {
    /// The serial as read, with `?` for an unreadable character and `*` for an unreadable run.
    public var serial: String
    public var make: String?
    public var model: String?
    public var calibre: String?
    public var category: WeaponCategory?
    /// ISO 3166-1 alpha-3.
    public var countryOfManufacture: String?
    /// How many candidates to return, 1 to ``SerialQuery/maximumLimit``; ``SerialQuery/defaultLimit`` when absent.
    public var limit: Int?

    public init(
        serial: String,
        make: String? = nil,
        model: String? = nil,
        calibre: String? = nil,
        category: WeaponCategory? = nil,
        countryOfManufacture: String? = nil,
        limit: Int? = nil
    ) {
        self.serial = serial
        self.make = make
        self.model = model
        self.calibre = calibre
        self.category = category
        self.countryOfManufacture = countryOfManufacture
        self.limit = limit
    }
}

/// A validated search, in the normalised form the index and the reference scan compare.
public struct SerialQuery: Sendable, Equatable {
    /// The normalised serial; with `?` and `*` when ``isPattern``.
    public let serial: [UInt8]
    /// Whether the serial holds `?` or `*`: it then matches by pattern, not by edit distance.
    public let isPattern: Bool
    /// Make, model and calibre as ``SearchAttributes`` compares them.
    public let make: String?
    public let model: String?
    public let calibre: String?
    public let category: WeaponCategory?
    public let countryOfManufacture: String?
    /// How many candidates to return; lowered to the member's maximum by the search service.
    public var limit: Int

    public static let defaultLimit = 20
    public static let maximumLimit = 200
    /// The fewest characters a fuzzy search takes; a pattern needs as many readable ones.
    public static let minimumCharacters = 3
    /// The most characters a serial search takes.
    public static let maximumCharacters = 40

    /// Validates a request.
    /// - Throws: `DomainError.invalid` naming each bad field.
    public init(_ request: SearchRequest) throws(DomainError) {
        var problems: [FieldError] = []
        let pattern = SerialNormalizer.normalizePattern(request.serial)
        let readable = pattern.filter { $0 != SerialNormalizer.questionMark && $0 != SerialNormalizer.star }.count
        if readable < Self.minimumCharacters {
            problems.append(.init(field: "serial", message: "needs at least \(Self.minimumCharacters) readable letters or digits"))
        } else if pattern.count > Self.maximumCharacters {
            problems.append(.init(field: "serial", message: "is longer than \(Self.maximumCharacters) characters"))
        }
        let limit = request.limit ?? Self.defaultLimit
        if !(1...Self.maximumLimit).contains(limit) {
            problems.append(.init(field: "limit", message: "must be from 1 to \(Self.maximumLimit), got \(limit)"))
        }
        var country: String?
        if let code = request.countryOfManufacture?.trimmed, !code.isEmpty {
            if Countries.contains(code.uppercased()) {
                country = code.uppercased()
            } else {
                problems.append(.init(field: "country_of_manufacture", message: "\(code) is not an ISO 3166-1 alpha-3 code"))
            }
        }
        if !problems.isEmpty { throw .invalid(problems) }
        self.serial = pattern
        self.isPattern = pattern.contains(SerialNormalizer.questionMark) || pattern.contains(SerialNormalizer.star)
        self.make = request.make.flatMap { SearchAttributes.key($0, .make) }
        self.model = request.model.flatMap { SearchAttributes.key($0, .model, make: request.make) }
        self.calibre = request.calibre.flatMap { SearchAttributes.key($0, .calibre) }
        self.category = request.category
        self.countryOfManufacture = country
        self.limit = limit
    }
}

/// Make, model and calibre compared the way searches compare them: read through the reference
/// (``WeaponReference``), so that `IZH`, `Izhmash` and `Kalashnikov` agree on make and `7,62 x 39` and `7.62x39mm` on
/// calibre; values the reference does not know compare as upper-case letters and digits only.
public enum SearchAttributes {
    public enum Kind: String, Sendable, CaseIterable {
        case make, model, calibre
    }

    /// The comparison key, or `nil` for a value with no letters or digits. Keys of different kinds never agree.
    /// - Parameter make: for a model, the make it is of, which tells apart models that share a name.
    public static func key(
        _ value: String,
        _ kind: Kind,
        make: String? = nil,
        reference: WeaponReference = ReferenceSnapshot.current.reference
    ) -> String? {
        let canonical: String? =
            switch kind {
            case .make: reference.maker(value)?.name
            case .model: reference.model(value, maker: make.flatMap { reference.maker($0) }).map { "\($0.maker)/\($0.name)" }
            case .calibre: reference.calibre(value)?.name
            }
        let bytes = SerialNormalizer.normalize(canonical ?? value)
        return bytes.isEmpty ? nil : "\(kind.rawValue):" + String(decoding: bytes, as: UTF8.self)
    }
}
