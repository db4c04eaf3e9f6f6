/// The CSV form of weapon records, for bulk upload and export: columns named by a header row.
///
/// Multi-valued cells: `markings` holds `kind:text` entries separated by `;`, each optionally followed by
/// `@location` (`manufacture:Norinco 56-1 1234567@receiver;import:KEN 2019`); a `\` escapes a `;`, `@`, `:` or `\`
/// inside a text. `sharing` holds `all`, `owner`, or member codes separated by `;`.
public enum RecordCSV {
    /// The columns, in the order an export writes them.
    public enum Column: String, CaseIterable, Sendable {
        case externalRef = "external_ref"
        case category, make, model, calibre
        case serialNumber = "serial_number"
        case serialObliterated = "serial_obliterated"
        case markings
        case countryOfManufacture = "country_of_manufacture"
        case yearOfManufacture = "year_of_manufacture"
        case importCountry = "import_country"
        case importYear = "import_year"
        case status
        case eventDate = "event_date"
        case eventCountry = "event_country"
        case eventPlace = "event_place"
        case eventCircumstances = "event_circumstances"
        case eventLegalJustification = "event_legal_justification"
        case eventCriminalContext = "event_criminal_context"
        case eventCaseReference = "event_case_reference"
        case sharing, notes

        /// The column's place among ``allCases``: a header finds a column's field by it without hashing, a million
        /// times and more in a bulk import.
        var ordinal: Int {
            switch self {
            case .externalRef: 0
            case .category: 1
            case .make: 2
            case .model: 3
            case .calibre: 4
            case .serialNumber: 5
            case .serialObliterated: 6
            case .markings: 7
            case .countryOfManufacture: 8
            case .yearOfManufacture: 9
            case .importCountry: 10
            case .importYear: 11
            case .status: 12
            case .eventDate: 13
            case .eventCountry: 14
            case .eventPlace: 15
            case .eventCircumstances: 16
            case .eventLegalJustification: 17
            case .eventCriminalContext: 18
            case .eventCaseReference: 19
            case .sharing: 20
            case .notes: 21
            }
        }
    }

    /// The columns a file must have.
    public static let requiredColumns: [Column] = [.externalRef, .category, .make, .status]

    /// A problem found in a CSV file: the line, the column where known, and what is wrong.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: String?
        public var reason: String

        public init(line: Int, column: String?, reason: String) {
            self.line = line
            self.column = column
            self.reason = reason
        }

        /// `line N, column NAME: reason`.
        public var description: String {
            if let column { return "line \(line), column \(column): \(reason)" }
            return "line \(line): \(reason)"
        }
    }

    /// Which field of a row each column is, read from the header row.
    public struct Header: Sendable {
        /// Each column's field, by ``Column/ordinal``; `nil` for a column the file does not have.
        let positions: [Int?]
        let width: Int

        /// Reads a header row.
        /// - Throws: the list of problems: unknown, repeated or missing columns.
        public init(_ row: CSVParser.Row) throws(ProblemList) {
            var positions: [Column: Int] = [:]
            var problems: [Problem] = []
            for (index, name) in row.fields.enumerated() {
                let trimmed = name.trimmed.lowercased()
                guard let column = Column(rawValue: trimmed) else {
                    problems.append(
                        Problem(
                            line: row.line,
                            column: name,
                            reason: "unknown column; the columns are " + Column.allCases.map(\.rawValue).joined(separator: ", ")
                        )
                    )
                    continue
                }
                if positions[column] != nil {
                    problems.append(Problem(line: row.line, column: trimmed, reason: "appears twice in the header"))
                }
                positions[column] = index
            }
            for column in RecordCSV.requiredColumns where positions[column] == nil {
                problems.append(Problem(line: row.line, column: column.rawValue, reason: "required column is missing from the header"))
            }
            guard problems.isEmpty else { throw ProblemList(problems: problems) }
            self.positions = Column.allCases.map { positions[$0] }
            self.width = row.fields.count
        }

        /// Turns a data row into a record input, or lists what is wrong with it.
        public func input(_ row: CSVParser.Row) throws(ProblemList) -> WeaponRecordInput {
            guard row.fields.count == width else {
                throw ProblemList(problems: [Problem(line: row.line, column: nil, reason: "has \(row.fields.count) fields; the header has \(width)")])
            }
            var problems: [Problem] = []
            func cell(_ column: Column) -> String? {
                guard let position = positions[column.ordinal] else { return nil }
                let value = row.fields[position]
                return value.isEmpty ? nil : value
            }
            func year(_ column: Column) -> Int? {
                guard let text = cell(column)?.trimmed, !text.isEmpty else { return nil }
                guard let value = Int(text) else {
                    problems.append(Problem(line: row.line, column: column.rawValue, reason: "'\(text)' is not a year"))
                    return nil
                }
                return value
            }
            var markings: [WeaponRecordInput.MarkingInput]?
            if let text = cell(.markings) {
                do {
                    markings = try RecordCSV.parseMarkings(text)
                } catch {
                    problems.append(Problem(line: row.line, column: Column.markings.rawValue, reason: error.reason))
                }
            }
            let sharing = cell(.sharing).map(RecordCSV.parseSharing)
            let input = WeaponRecordInput(
                externalRef: cell(.externalRef),
                category: cell(.category),
                make: cell(.make),
                model: cell(.model),
                calibre: cell(.calibre),
                serialNumber: cell(.serialNumber),
                serialObliterated: cell(.serialObliterated),
                markings: markings,
                countryOfManufacture: cell(.countryOfManufacture),
                yearOfManufacture: year(.yearOfManufacture),
                importCountry: cell(.importCountry),
                importYear: year(.importYear),
                status: cell(.status),
                event: WeaponRecordInput.EventInput(
                    date: cell(.eventDate),
                    country: cell(.eventCountry),
                    place: cell(.eventPlace),
                    circumstances: cell(.eventCircumstances),
                    legalJustification: cell(.eventLegalJustification),
                    criminalContext: cell(.eventCriminalContext),
                    caseReference: cell(.eventCaseReference)
                ),
                sharing: sharing,
                notes: cell(.notes)
            )
            guard problems.isEmpty else { throw ProblemList(problems: problems) }
            return input
        }
    }

    /// Several problems at once.
    public struct ProblemList: Error, Sendable, Equatable {
        public var problems: [Problem]
        public init(problems: [Problem]) { self.problems = problems }
    }

    /// The problems of a row, from the validator's field errors: each field named by its column.
    public static func problems(line: Int, _ errors: [FieldError]) -> [Problem] {
        errors.map { error in
            let column = column(forField: error.field)
            let reason = error.field.hasPrefix("markings[") ? "\(error.field) \(error.message)" : error.message
            return Problem(line: line, column: column, reason: reason)
        }
    }

    /// The column that holds a validator field: `event.date` is `event_date`, `markings[2].kind` is `markings`.
    public static func column(forField field: String) -> String {
        if field.hasPrefix("markings") { return Column.markings.rawValue }
        return field.replacingDots()
    }

    // MARK: - Cells

    struct CellError: Error { var reason: String }

    /// Reads a `markings` cell.
    static func parseMarkings(_ text: String) throws(CellError) -> [WeaponRecordInput.MarkingInput] {
        // Without escapes (nearly every cell), in one pass over the bytes: a bulk import reads one of these per row.
        if !text.containsByte(UInt8(ascii: "\\")),
            let markings = text.utf8.withContiguousStorageIfAvailable({ bytes in parsePlainMarkings(bytes) }),
            let markings
        {
            return markings
        }
        var markings: [WeaponRecordInput.MarkingInput] = []
        for entry in split(text, on: ";") where !entry.trimmed.isEmpty {
            let parts = split(entry, on: ":", limit: 2)
            guard parts.count == 2 else {
                throw CellError(reason: "entry '\(entry.trimmed)' must be kind:text, e.g. manufacture:Norinco 56-1 1234567")
            }
            let textAndLocation = split(parts[1], on: "@", limit: 2)
            markings.append(
                WeaponRecordInput.MarkingInput(
                    kind: unescape(parts[0]).trimmed,
                    text: unescape(textAndLocation[0]),
                    location: textAndLocation.count > 1 ? unescape(textAndLocation[1]) : nil
                )
            )
        }
        return markings
    }

    /// `parseMarkings` for a cell without backslashes, or `nil` when an entry has no `:` (the general path words
    /// the error, or skips an entry of white space beyond ASCII).
    private static func parsePlainMarkings(_ bytes: UnsafeBufferPointer<UInt8>) -> [WeaponRecordInput.MarkingInput]? {
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var markings: [WeaponRecordInput.MarkingInput] = []
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: ";") { end += 1 }
            let entry = start..<end
            start = end + 1
            // Blank entries are skipped (white space beyond ASCII is not blank here: it has no `:`, so the general
            // path reads the cell).
            guard entry.contains(where: { !isSpace(bytes[$0]) }) else { continue }
            guard let colon = entry.first(where: { bytes[$0] == UInt8(ascii: ":") }) else { return nil }
            let rest = colon + 1..<entry.upperBound
            let at = rest.first(where: { bytes[$0] == UInt8(ascii: "@") })
            markings.append(
                WeaponRecordInput.MarkingInput(
                    kind: string(entry.lowerBound..<colon).trimmed,
                    text: string(rest.lowerBound..<(at ?? rest.upperBound)),
                    location: at.map { string($0 + 1..<rest.upperBound) }
                )
            )
        }
        return markings
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    /// Reads a `sharing` cell.
    static func parseSharing(_ text: String) -> WeaponRecordInput.SharingInput {
        let trimmed = text.trimmed
        if trimmed.lowercased() == "all" || trimmed.lowercased() == "owner" { return .word(trimmed.lowercased()) }
        return .members(trimmed.split(separator: ";").map { String($0).trimmed }.filter { !$0.isEmpty })
    }

    /// Splits on a separator that is not escaped by a backslash; escapes are kept for `unescape`.
    private static func split(_ text: String, on separator: Character, limit: Int = .max) -> [String] {
        if !text.containsByte(UInt8(ascii: "\\")), let byte = separator.asciiValue,
            let parts = text.utf8.withContiguousStorageIfAvailable({ bytes in splitBytes(bytes, on: byte, limit: limit) })
        {
            return parts
        }
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == separator, parts.count < limit - 1 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    /// Splits UTF-8 bytes on an ASCII separator; the pieces are valid UTF-8 since the separator is ASCII.
    private static func splitBytes(_ bytes: UnsafeBufferPointer<UInt8>, on separator: UInt8, limit: Int) -> [String] {
        var parts: [String] = []
        var start = 0
        for index in bytes.indices where bytes[index] == separator && parts.count < limit - 1 {
            parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            start = index + 1
        }
        parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
        return parts
    }

    private static func unescape(_ text: String) -> String {
        guard text.containsByte(UInt8(ascii: "\\")) else { return text }
        var result = ""
        var escaped = false
        for character in text {
            if !escaped, character == "\\" {
                escaped = true
            } else {
                result.append(character)
                escaped = false
            }
        }
        return result
    }

    private static func escape(_ text: String) -> String {
        guard text.containsAnyByte(UInt8(ascii: ";"), UInt8(ascii: "@"), UInt8(ascii: ":"), UInt8(ascii: "\\")) else { return text }
        var result = ""
        for character in text {
            if character == ";" || character == "@" || character == ":" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }

    // MARK: - Writing

    /// The header row of an export.
    public static var headerRow: String { CSVWriter.row(Column.allCases.map(\.rawValue)) }

    /// A record's details as an export row, in the order of ``Column``; importing it gives the same details back.
    public static func row(_ details: WeaponRecord.Details) -> String {
        let markings = details.markings.map { marking in
            escape(marking.kind.rawValue) + ":" + escape(marking.text) + (marking.location.map { "@" + escape($0) } ?? "")
        }
        let sharing: String =
            switch details.sharing {
            case .all: "all"
            case .owner: "owner"
            case .members(let codes): codes.map(\.rawValue).joined(separator: ";")
            }
        let event = details.event
        return CSVWriter.row([
            details.externalRef, details.category.rawValue, details.make, details.model ?? "", details.calibre ?? "",
            details.serialNumber ?? "", details.serialObliterated.rawValue, markings.joined(separator: ";"),
            details.countryOfManufacture ?? "", details.yearOfManufacture.map(String.init) ?? "",
            details.importCountry ?? "", details.importYear.map(String.init) ?? "", details.status.rawValue,
            event.date?.description ?? "", event.country ?? "", event.place ?? "", event.circumstances ?? "",
            event.legalJustification ?? "", event.criminalContext ?? "", event.caseReference ?? "", sharing,
            details.notes ?? "",
        ])
    }
}

extension String {
    fileprivate func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }
}
