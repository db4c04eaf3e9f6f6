/// A record as submitted, before validation: every field optional and loosely typed, so that one pass can name
/// every problem at once instead of stopping at the first.
///
/// The API decodes request bodies into this type (snake_case keys); the CSV importer fills it from columns.
public struct WeaponRecordInput: Sendable, Equatable, Codable {
    public var externalRef: String?
    public var category: String?
    public var make: String?
    public var model: String?
    public var calibre: String?
    public var serialNumber: String?
    /// `no` (the default), `yes` or `partly`.
    public var serialObliterated: String?
    public var markings: [MarkingInput]?
    public var countryOfManufacture: String?
    public var yearOfManufacture: Int?
    public var importCountry: String?
    public var importYear: Int?
    public var status: String?
    public var event: EventInput?
    /// `all` (the default), `owner`, or member codes.
    public var sharing: SharingInput?
    public var notes: String?

    public init(
        externalRef: String? = nil,
        category: String? = nil,
        make: String? = nil,
        model: String? = nil,
        calibre: String? = nil,
        serialNumber: String? = nil,
        serialObliterated: String? = nil,
        markings: [MarkingInput]? = nil,
        countryOfManufacture: String? = nil,
        yearOfManufacture: Int? = nil,
        importCountry: String? = nil,
        importYear: Int? = nil,
        status: String? = nil,
        event: EventInput? = nil,
        sharing: SharingInput? = nil,
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

    /// One marking as submitted.
    public struct MarkingInput: Sendable, Equatable, Codable {
        public var kind: String?
        public var text: String?
        public var location: String?

        public init(kind: String? = nil, text: String? = nil, location: String? = nil) {
            self.kind = kind
            self.text = text
            self.location = location
        }
    }

    /// The event as submitted; `date` is `YYYY-MM-DD`.
    public struct EventInput: Sendable, Equatable, Codable {
        public var date: String?
        public var country: String?
        public var place: String?
        public var circumstances: String?
        public var legalJustification: String?
        public var criminalContext: String?
        public var caseReference: String?

        public init(
            date: String? = nil,
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

    /// Sharing as submitted: a word (`all`, `owner`) or a list of member codes.
    public enum SharingInput: Sendable, Equatable, Codable {
        case word(String)
        case members([String])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let word = try? container.decode(String.self) {
                self = .word(word)
            } else {
                self = .members(try container.decode([String].self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .word(let word): try container.encode(word)
            case .members(let codes): try container.encode(codes)
            }
        }
    }
}

extension WeaponRecordInput {
    /// The input that reproduces `details` exactly: what an edit form or an export starts from.
    public init(_ details: WeaponRecord.Details) {
        self.init(
            externalRef: details.externalRef,
            category: details.category.rawValue,
            make: details.make,
            model: details.model,
            calibre: details.calibre,
            serialNumber: details.serialNumber,
            serialObliterated: details.serialObliterated.rawValue,
            markings: details.markings.map { MarkingInput(kind: $0.kind.rawValue, text: $0.text, location: $0.location) },
            countryOfManufacture: details.countryOfManufacture,
            yearOfManufacture: details.yearOfManufacture,
            importCountry: details.importCountry,
            importYear: details.importYear,
            status: details.status.rawValue,
            event: EventInput(
                date: details.event.date?.description,
                country: details.event.country,
                place: details.event.place,
                circumstances: details.event.circumstances,
                legalJustification: details.event.legalJustification,
                criminalContext: details.event.criminalContext,
                caseReference: details.event.caseReference
            ),
            sharing: {
                switch details.sharing {
                case .all: .word("all")
                case .owner: .word("owner")
                case .members(let codes): .members(codes.map(\.rawValue))
                }
            }(),
            notes: details.notes
        )
    }
}
