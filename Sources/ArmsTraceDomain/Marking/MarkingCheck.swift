/// A weapon's marks checked against the International Tracing Instrument (paras 8 to 10): a manufacture mark
/// with the maker, the country of manufacture and the serial; an import mark with the country of import and, where
/// possible, the year; each mark read against the published schemes of the country it names. What is missing is
/// named; a mark that fits none of its country's schemes is flagged, never refused.
public struct MarkingCheck: Sendable, Equatable, Encodable {
    /// The parts the ITI asks for that the record lacks: "manufacture mark: country of manufacture".
    public var missing: [String]
    /// What deserves a look: an import mark that fits no scheme of its country, a year not marked.
    public var flags: [String]
    /// The marks read under a scheme: "import mark of KEN, year of import 2019".
    public var readings: [String]

    public var complete: Bool { missing.isEmpty }

    private enum CodingKeys: String, CodingKey { case complete, missing, flags, readings }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(complete, forKey: .complete)
        try container.encode(missing, forKey: .missing)
        try container.encode(flags, forKey: .flags)
        try container.encode(readings, forKey: .readings)
    }

    /// Checks what a record (or a trace request's copy of it) says of the weapon.
    /// - Parameter snapshot: the reference data in force: the schemes the marks are read under and the makers whose
    ///   country stands in for one the record leaves out (its answers remembered for the next record).
    public init(
        make: String,
        model: String?,
        countryOfManufacture: String?,
        serialNumber: String?,
        serialObliterated: SerialObliteration,
        importCountry: String?,
        importYear: Int?,
        markings: [Marking],
        under snapshot: ReferenceSnapshot = .current
    ) {
        var missing: [String] = []
        var flags: [String] = []
        var readings: [String] = []
        let manufacture = markings.filter { $0.kind == .manufacture }
        let imports = markings.filter { $0.kind == .import }

        // Manufacture (ITI para 8 a).
        if manufacture.isEmpty { missing.append("manufacture mark") }
        if make.trimmed.isEmpty { missing.append("manufacture mark: maker") }
        let country = countryOfManufacture ?? snapshot.identify(make: make, model: model, calibre: nil).makerCountry
        if country == nil { missing.append("manufacture mark: country of manufacture") }
        if serialNumber == nil {
            missing.append(serialObliterated == .yes ? "manufacture mark: serial number (obliterated)" : "manufacture mark: serial number")
        } else if serialObliterated == .partly {
            flags.append("serial number partly obliterated: read with care")
        }

        // Import (ITI para 8 b), when the weapon was imported or bears an import mark.
        if importCountry != nil && imports.isEmpty { missing.append("import mark") }
        var markedYear = false
        for mark in imports {
            let found = snapshot.importReading(of: mark.text, country: importCountry)
            if let reading = found.parse {
                readings.append("'\(mark.text)': \(reading.summary)")
                markedYear = markedYear || reading.parts.contains { $0.kind == .year }
            } else if let importCountry, found.countryHasSchemes {
                flags.append("import mark '\(mark.text)' fits no published scheme of \(importCountry)")
            }
        }
        if !imports.isEmpty && importYear == nil && !markedYear { flags.append("import mark: year of import not recorded") }

        // State and civilian-transfer marks, read where a scheme fits.
        for mark in markings where mark.kind == .state {
            if let reading = snapshot.stateReading(of: mark.text) {
                readings.append("'\(mark.text)': \(reading.summary)")
            }
        }
        self.missing = missing
        self.flags = flags
        self.readings = readings
    }
}

/// What the marking check reads of a weapon: a record's details, or a trace request's copy of them.
public protocol MarkedWeapon {
    var make: String { get }
    var model: String? { get }
    var countryOfManufacture: String? { get }
    var serialNumber: String? { get }
    var serialObliterated: SerialObliteration { get }
    var importCountry: String? { get }
    var importYear: Int? { get }
    var markings: [Marking] { get }
}

extension MarkedWeapon {
    /// The weapon's marks checked against ITI paras 8 to 10.
    public var markingCheck: MarkingCheck {
        MarkingCheck(
            make: make,
            model: model,
            countryOfManufacture: countryOfManufacture,
            serialNumber: serialNumber,
            serialObliterated: serialObliterated,
            importCountry: importCountry,
            importYear: importYear,
            markings: markings
        )
    }
}

extension WeaponRecord.Details: MarkedWeapon {}

extension TraceWeapon: MarkedWeapon {}
