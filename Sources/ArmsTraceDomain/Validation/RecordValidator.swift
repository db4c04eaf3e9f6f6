/// The entry rules of a weapon record, in one place.
///
/// The rules follow what makes a record usable for identification and tracing (MOSAIC 05.31, ITI, domain.md):
/// category and make are required; a record needs a serial number, or says the serial is obliterated and carries
/// other identifying marks; countries are assigned ISO 3166-1 alpha-3 codes; years are plausible and not in the
/// future; an import cannot predate manufacture, nor an event the weapon's manufacture.
public struct RecordValidator: Sendable {
    /// The day against which "not in the future" is judged.
    public var today: CalendarDate
    /// The member that owns the record; it is dropped from a sharing list, since the owner always sees its own.
    public var owner: MemberCode

    /// The earliest plausible year of manufacture. The ITI excludes antiques (made before 1900), but a record of
    /// an older weapon can still matter to an investigation, so the bar sits lower.
    public static let earliestYear = 1800

    /// Field length limits, in characters.
    public enum Limits {
        public static let externalRef = 100
        public static let shortText = 100
        public static let serial = 40
        public static let markingText = 200
        public static let longText = 4000
        public static let sharingMembers = 200
    }

    public init(today: CalendarDate = .today, owner: MemberCode) {
        self.today = today
        self.owner = owner
    }

    /// Checks `input` against every rule and returns the clean details.
    ///
    /// - Returns: the details, trimmed, with empty strings read as absent.
    /// - Throws: `DomainError.invalid` listing every problem, each naming its field (`serial_number`,
    ///   `markings[1].kind`, `event.date`).
    public func validate(_ input: WeaponRecordInput) throws -> WeaponRecord.Details {
        var errors: [FieldError] = []
        func fail(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }

        // Field names are built only for a problem: a bulk import validates every field of every row.
        func text(_ field: @autoclosure () -> String, _ value: String?, max: Int) -> String? {
            guard let value else { return nil }
            let trimmed = value.trimmed
            if trimmed.isEmpty { return nil }
            if trimmed.exceedsLength(max) { fail(field(), "must be at most \(max) characters (has \(trimmed.count))") }
            if trimmed.containsControlCharacter { fail(field(), "must not contain control characters") }
            return trimmed
        }
        func required(_ field: @autoclosure () -> String, _ value: String?, max: Int) -> String? {
            let result = text(field(), value, max: max)
            if result == nil { fail(field(), "is required") }
            return result
        }
        func choice<E: RawRepresentable & CaseIterable>(_ field: @autoclosure () -> String, _ value: String?, default fallback: E?) -> E?
        where E.RawValue == String {
            guard let raw = text(field(), value, max: 40) else {
                if fallback == nil { fail(field(), "is required; one of: " + E.allCases.map(\.rawValue).joined(separator: ", ")) }
                return fallback
            }
            guard let parsed = E(rawValue: raw) ?? E(rawValue: raw.lowercased()) else {
                fail(field(), "'\(raw)' is not one of: " + E.allCases.map(\.rawValue).joined(separator: ", "))
                return nil
            }
            return parsed
        }
        func country(_ field: String, _ value: String?) -> String? {
            guard let code = text(field, value, max: 3)?.uppercased() else { return nil }
            guard Countries.contains(code) else {
                fail(field, "'\(code)' is not an ISO 3166-1 alpha-3 country code")
                return nil
            }
            return code
        }
        func year(_ field: String, _ value: Int?) -> Int? {
            guard let value else { return nil }
            guard value >= Self.earliestYear, value <= today.year else {
                fail(field, "must be a year from \(Self.earliestYear) to \(today.year), got \(value)")
                return nil
            }
            return value
        }

        let externalRef = required("external_ref", input.externalRef, max: Limits.externalRef)
        let category: WeaponCategory? = choice("category", input.category, default: nil)
        let make = required("make", input.make, max: Limits.shortText)
        let model = text("model", input.model, max: Limits.shortText)
        let calibre = text("calibre", input.calibre, max: Limits.shortText)
        let obliterated: SerialObliteration? = choice("serial_obliterated", input.serialObliterated, default: .no)
        let serial = text("serial_number", input.serialNumber, max: Limits.serial)
        if let serial {
            if let bad = serial.unicodeScalars.first(where: { !Self.isSerialCharacter($0) }) {
                fail("serial_number", "contains '\(bad)'; a serial holds letters, digits, spaces, - / . and ? or * for unreadable characters")
            } else if obliterated == .no, serial.containsByte(UInt8(ascii: "?")) || serial.containsByte(UInt8(ascii: "*")) {
                fail("serial_number", "marks unreadable characters with ? or *, so serial_obliterated must be partly or yes")
            }
        }

        var markings: [Marking] = []
        for (index, marking) in (input.markings ?? []).enumerated() {
            func field(_ name: String) -> String { "markings[\(index)].\(name)" }
            let kind: MarkingKind? = choice(field("kind"), marking.kind, default: nil)
            let markText = required(field("text"), marking.text, max: Limits.markingText)
            let location = text(field("location"), marking.location, max: Limits.shortText)
            if let kind, let markText { markings.append(Marking(kind: kind, text: markText, location: location)) }
        }
        if serial == nil {
            if obliterated == .yes {
                if (input.markings ?? []).isEmpty {
                    fail("markings", "a weapon whose serial number is obliterated needs at least one other identifying marking")
                }
            } else if obliterated != nil {
                fail("serial_number", "is required; if it cannot be read, set serial_obliterated to yes and record the other markings")
            }
        }

        let countryOfManufacture = country("country_of_manufacture", input.countryOfManufacture)
        let yearOfManufacture = year("year_of_manufacture", input.yearOfManufacture)
        let importCountry = country("import_country", input.importCountry)
        let importYear = year("import_year", input.importYear)
        if let importYear, let yearOfManufacture, importYear < yearOfManufacture {
            fail("import_year", "\(importYear) is before the year of manufacture \(yearOfManufacture)")
        }
        if importYear != nil, importCountry == nil, input.importCountry == nil {
            fail("import_country", "is required when import_year is given")
        }
        let status: RecordStatus? = choice("status", input.status, default: nil)

        let eventInput = input.event ?? WeaponRecordInput.EventInput()
        var eventDate: CalendarDate?
        if let raw = text("event.date", eventInput.date, max: 10) {
            if let date = CalendarDate(raw) {
                if date > today {
                    fail("event.date", "\(date) is in the future")
                } else if let yearOfManufacture, date.year < yearOfManufacture {
                    fail("event.date", "\(date) is before the year of manufacture \(yearOfManufacture)")
                } else {
                    eventDate = date
                }
            } else {
                fail("event.date", "'\(raw)' is not a date as YYYY-MM-DD")
            }
        }
        let event = WeaponRecord.Event(
            date: eventDate,
            country: country("event.country", eventInput.country),
            place: text("event.place", eventInput.place, max: Limits.shortText * 2),
            circumstances: text("event.circumstances", eventInput.circumstances, max: Limits.longText),
            legalJustification: text("event.legal_justification", eventInput.legalJustification, max: Limits.longText),
            criminalContext: text("event.criminal_context", eventInput.criminalContext, max: Limits.longText),
            caseReference: text("event.case_reference", eventInput.caseReference, max: Limits.shortText)
        )

        let sharing = validateSharing(input.sharing, fail: fail)
        let notes = text("notes", input.notes, max: Limits.longText)

        guard errors.isEmpty, let externalRef, let category, let make, let obliterated, let status, let sharing else {
            throw DomainError.invalid(errors)
        }
        return WeaponRecord.Details(
            externalRef: externalRef,
            category: category,
            make: make,
            model: model,
            calibre: calibre,
            serialNumber: serial,
            serialObliterated: obliterated,
            markings: markings,
            countryOfManufacture: countryOfManufacture,
            yearOfManufacture: yearOfManufacture,
            importCountry: importCountry,
            importYear: importYear,
            status: status,
            event: event,
            sharing: sharing,
            notes: notes
        )
    }

    private func validateSharing(_ input: WeaponRecordInput.SharingInput?, fail: (String, String) -> Void) -> Sharing? {
        switch input {
        case nil: return .all
        case .word(let word):
            switch word.trimmed.lowercased() {
            case "all", "": return .all
            case "owner": return .owner
            default:
                fail("sharing", "'\(word)' must be all, owner, or a list of member codes")
                return nil
            }
        case .members(let codes):
            var members = Set<MemberCode>()
            var valid = true
            for raw in codes {
                guard let code = MemberCode(raw.trimmed.uppercased()) else {
                    fail("sharing", "'\(raw)' is not a member code")
                    valid = false
                    continue
                }
                if code != owner { members.insert(code) }
            }
            if members.count > Limits.sharingMembers {
                fail("sharing", "lists \(members.count) members; at most \(Limits.sharingMembers)")
                valid = false
            }
            guard valid else { return nil }
            return members.isEmpty ? .owner : .members(members.sorted())
        }
    }

    /// Letters and digits of any script, spaces, `-`, `/`, `.`, and `?`/`*` for unreadable characters.
    static func isSerialCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", " ", "-", "/", ".", "?", "*": true
        case _ where scalar.isASCII: false
        default: scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
        }
    }
}
