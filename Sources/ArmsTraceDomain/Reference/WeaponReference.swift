import Foundation

/// The make, model and calibre reference (what INTERPOL's IFRT is consulted for by hand): makers with their
/// country, aliases, former names, trademarks and maker codes; models with category, calibres and serial formats;
/// calibres with the ways people write them. Free text typed at entry or in a search is read through it, so that
/// "IZH", "Izhmash" and "Kalashnikov" name one maker and "7,62 x 39" is 7.62x39mm.
///
/// ``standard`` is the reference set the team wrote from public knowledge (``ReferenceData``).
public struct WeaponReference: Sendable {
    public struct Maker: Sendable, Equatable, Codable {
        /// The canonical name.
        public var name: String
        /// ISO 3166-1 alpha-3 of the maker's country; empty when there is none (craft production).
        public var country: String
        public var aliases: [String]
        public var formerNames: [String]
        public var trademarks: [String]
        /// Codes the maker marks its products with (factory numbers, proof or arsenal codes).
        public var codes: [String]

        public init(
            _ name: String,
            country: String,
            aliases: [String] = [],
            formerNames: [String] = [],
            trademarks: [String] = [],
            codes: [String] = []
        ) {
            self.name = name
            self.country = country
            self.aliases = aliases
            self.formerNames = formerNames
            self.trademarks = trademarks
            self.codes = codes
        }

        /// Every name the maker is known by.
        public var allNames: [String] { [name] + aliases + formerNames + trademarks + codes }

        private enum CodingKeys: String, CodingKey { case name, country, aliases, formerNames, trademarks, codes }

        /// Reads a maker as members write one: only the name required.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                try container.decode(String.self, forKey: .name),
                country: try container.decodeIfPresent(String.self, forKey: .country) ?? "",
                aliases: try container.decodeIfPresent([String].self, forKey: .aliases) ?? [],
                formerNames: try container.decodeIfPresent([String].self, forKey: .formerNames) ?? [],
                trademarks: try container.decodeIfPresent([String].self, forKey: .trademarks) ?? [],
                codes: try container.decodeIfPresent([String].self, forKey: .codes) ?? []
            )
        }
    }

    public struct Model: Sendable, Equatable, Codable {
        /// The maker's canonical name.
        public var maker: String
        public var name: String
        public var aliases: [String]
        public var category: WeaponCategory
        /// Canonical calibre names.
        public var calibres: [String]
        /// Known serial formats: `A` a letter, `9` a digit, anything else literal.
        public var serialFormats: [String]

        public init(
            _ maker: String,
            _ name: String,
            aliases: [String] = [],
            category: WeaponCategory,
            calibres: [String],
            serialFormats: [String] = []
        ) {
            self.maker = maker
            self.name = name
            self.aliases = aliases
            self.category = category
            self.calibres = calibres
            self.serialFormats = serialFormats
        }

        private enum CodingKeys: String, CodingKey { case maker, name, aliases, category, calibres, serialFormats }

        /// Reads a model as members write one: maker, name and category required.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                try container.decode(String.self, forKey: .maker),
                try container.decode(String.self, forKey: .name),
                aliases: try container.decodeIfPresent([String].self, forKey: .aliases) ?? [],
                category: try container.decode(WeaponCategory.self, forKey: .category),
                calibres: try container.decodeIfPresent([String].self, forKey: .calibres) ?? [],
                serialFormats: try container.decodeIfPresent([String].self, forKey: .serialFormats) ?? []
            )
        }
    }

    public struct Calibre: Sendable, Equatable, Codable {
        public var name: String
        public var aliases: [String]

        public init(_ name: String, aliases: [String] = []) {
            self.name = name
            self.aliases = aliases
        }

        private enum CodingKeys: String, CodingKey { case name, aliases }

        /// Reads a calibre as members write one: only the name required.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                try container.decode(String.self, forKey: .name),
                aliases: try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
            )
        }
    }

    public let makers: [Maker]
    public let models: [Model]
    public let calibres: [Calibre]

    private let makerByKey: [String: Int]
    private let modelByKey: [String: [Int]]
    private let calibreByKey: [String: Int]

    /// Builds the lookups.
    /// - Precondition: no two makers share a name or alias key, nor two calibres (models may share one across
    ///   makers: the maker tells them apart).
    public init(makers: [Maker], models: [Model], calibres: [Calibre]) {
        self.makers = makers
        self.models = models
        self.calibres = calibres
        var makerByKey: [String: Int] = [:]
        for (index, maker) in makers.enumerated() {
            for name in maker.allNames { if let key = Self.key(name) { makerByKey[key] = makerByKey[key] ?? index } }
        }
        var modelByKey: [String: [Int]] = [:]
        for (index, model) in models.enumerated() {
            for name in [model.name] + model.aliases {
                if let key = Self.key(name), !(modelByKey[key]?.contains(index) ?? false) { modelByKey[key, default: []].append(index) }
            }
        }
        var calibreByKey: [String: Int] = [:]
        for (index, calibre) in calibres.enumerated() {
            for name in [calibre.name] + calibre.aliases { if let key = Self.calibreKey(name) { calibreByKey[key] = calibreByKey[key] ?? index } }
        }
        self.makerByKey = makerByKey
        self.modelByKey = modelByKey
        self.calibreByKey = calibreByKey
    }

    /// The reference set ArmsTrace ships with.
    public static let standard = WeaponReference(makers: ReferenceData.makers, models: ReferenceData.models, calibres: ReferenceData.calibres)

    // MARK: - Reading free text

    /// The maker a typed make names, by name, alias, former name, trademark or maker code.
    public func maker(_ text: String) -> Maker? {
        Self.key(text).flatMap { makerByKey[$0] }.map { makers[$0] }
    }

    /// The model a typed model names; with a maker, that maker's model first (models share names across makers),
    /// else the first of the name, since a make may be recorded wrongly. A typed model may carry the make in front
    /// ("Glock 17", "Zastava M70").
    public func model(_ text: String, maker: Maker? = nil) -> Model? {
        guard let key = Self.key(text) else { return nil }
        func first(_ key: String) -> Model? {
            let candidates = (modelByKey[key] ?? []).map { models[$0] }
            return maker.flatMap { maker in candidates.first { $0.maker == maker.name } } ?? candidates.first
        }
        if let found = first(key) { return found }
        // "Glock 17": a maker's name in front of the model.
        if let maker {
            for name in maker.allNames {
                if let prefix = Self.key(name), key.hasPrefix(prefix), key.count > prefix.count,
                    let found = first(String(key.dropFirst(prefix.count)))
                {
                    return found
                }
            }
        }
        return nil
    }

    /// The calibre a typed calibre names: "7,62 x 39", "7.62×39mm" and "7.62 Soviet" are 7.62x39mm.
    public func calibre(_ text: String) -> Calibre? {
        Self.calibreKey(text).flatMap { calibreByKey[$0] }.map { calibres[$0] }
    }

    /// How make, model and calibre as typed read against the reference: the canonical names where known, the
    /// typed text always kept.
    public func identify(make: String, model: String?, calibre: String?) -> Identification {
        let maker = self.maker(make)
        let foundModel = model.flatMap { self.model($0, maker: maker) }
        // A known model tells the maker's country even when the make typed is not known; the make stays flagged.
        let resolvedMaker = maker ?? foundModel.flatMap { found in makers.first { $0.name == found.maker } }
        let foundCalibre = calibre.flatMap(self.calibre)
        return Identification(
            make: .init(typed: make, canonical: maker?.name),
            model: model.map { .init(typed: $0, canonical: foundModel?.name) },
            calibre: calibre.map { .init(typed: $0, canonical: foundCalibre?.name) },
            makerCountry: resolvedMaker.flatMap { $0.country.isEmpty ? nil : $0.country },
            category: foundModel?.category
        )
    }

    // MARK: - Keys

    /// How names compare: upper-case letters and digits only ("Heckler & Koch" and "HECKLER-KOCH" agree).
    public static func key(_ text: String) -> String? {
        let key = String(text.uppercased().unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }.map(Character.init))
        return key.isEmpty ? nil : key
    }

    /// How calibres compare: as names, with `×` read as `x`, a decimal comma as a point, and a unit `mm` after a
    /// number left out ("7,62 x 39", "7.62×39mm" and "7.62x39" agree).
    public static func calibreKey(_ text: String) -> String? {
        let scalars = Array(text.uppercased().replacingOccurrences(of: "×", with: "X").unicodeScalars)
        var kept = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            // "MM" after a digit (a space between allowed) is a unit, not part of the name.
            if scalars[index] == "M", index + 1 < scalars.count, scalars[index + 1] == "M",
                let before = scalars[..<index].last(where: { $0 != " " }), ("0"..."9").contains(before)
            {
                index += 2
                continue
            }
            kept.append(scalars[index])
            index += 1
        }
        return key(String(kept))
    }
}

/// Make, model and calibre of a record as typed, and what the reference reads them as.
public struct Identification: Sendable, Equatable, Encodable {
    public struct Name: Sendable, Equatable, Encodable {
        /// As typed, kept whatever the reference says.
        public var typed: String
        /// The reference's name; `nil` when the reference does not know it (flagged, not refused).
        public var canonical: String?

        public init(typed: String, canonical: String?) {
            self.typed = typed
            self.canonical = canonical
        }

        /// Whether the reference knows it.
        public var known: Bool { canonical != nil }
        /// The canonical name when known, the typed text otherwise.
        public var shown: String { canonical ?? typed }
    }

    public var make: Name
    public var model: Name?
    public var calibre: Name?
    /// The maker's country, from the reference.
    public var makerCountry: String?
    /// The model's category, from the reference.
    public var category: WeaponCategory?

    private enum CodingKeys: String, CodingKey { case make, model, calibre, makerCountry, category, unknown }

    public init(make: Name, model: Name?, calibre: Name?, makerCountry: String?, category: WeaponCategory?) {
        self.make = make
        self.model = model
        self.calibre = calibre
        self.makerCountry = makerCountry
        self.category = category
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(make, forKey: .make)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(calibre, forKey: .calibre)
        try container.encodeIfPresent(makerCountry, forKey: .makerCountry)
        try container.encodeIfPresent(category, forKey: .category)
        try container.encode(unknown, forKey: .unknown)
    }

    /// The typed values the reference does not know, by field.
    public var unknown: [String] {
        var fields: [String] = []
        if !make.known { fields.append("make") }
        if let model, !model.known { fields.append("model") }
        if let calibre, !calibre.known { fields.append("calibre") }
        return fields
    }
}
