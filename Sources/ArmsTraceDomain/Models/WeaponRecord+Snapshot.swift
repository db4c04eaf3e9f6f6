/// A fast, canonical JSON form of a record's details, kept in the history at every change.
///
/// Written by hand because bulk imports write one per row: the output is what `JSONEncoder` with
/// `.convertToSnakeCase` writes for ``WeaponRecord/Details`` (keys in a fixed order, `nil` fields left out), so
/// `JSONDecoder` with `.convertFromSnakeCase` reads it back.
extension WeaponRecord.Details {
    /// The details as one line of JSON with snake_case keys.
    public func snapshotJSON() -> String {
        var out = JSONWriter()
        out.open()
        out.field("external_ref", externalRef)
        out.field("category", category.rawValue)
        out.field("make", make)
        out.field("model", model)
        out.field("calibre", calibre)
        out.field("serial_number", serialNumber)
        out.field("serial_obliterated", serialObliterated.rawValue)
        out.key("markings")
        out.text += markings.jsonText()
        out.field("country_of_manufacture", countryOfManufacture)
        out.field("year_of_manufacture", yearOfManufacture)
        out.field("import_country", importCountry)
        out.field("import_year", importYear)
        out.field("status", status.rawValue)
        out.key("event")
        out.open()
        out.field("date", event.date?.description)
        out.field("country", event.country)
        out.field("place", event.place)
        out.field("circumstances", event.circumstances)
        out.field("legal_justification", event.legalJustification)
        out.field("criminal_context", event.criminalContext)
        out.field("case_reference", event.caseReference)
        out.close()
        out.key("sharing")
        switch sharing {
        case .all: out.string("all")
        case .owner: out.string("owner")
        case .members(let codes):
            out.text += "[" + codes.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
        }
        out.field("notes", notes)
        out.close()
        return out.text
    }
}

/// Appends JSON tokens to a string; commas between members are handled by `open`, `key` and `close`.
struct JSONWriter {
    var text = ""
    private var needsComma = false

    mutating func open() {
        text += "{"
        needsComma = false
    }

    mutating func close() {
        text += "}"
        needsComma = true
    }

    mutating func key(_ name: String) {
        if needsComma { text += "," }
        text += "\"" + name + "\":"
        needsComma = true
    }

    mutating func field(_ name: String, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: String, _ value: Int?) {
        guard let value else { return }
        key(name)
        text += String(value)
    }

    mutating func string(_ value: String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
        needsComma = true
    }
}

extension Array where Element == Marking {
    /// The markings as a JSON array with snake_case keys, as stored in the record row.
    public func jsonText() -> String {
        var out = JSONWriter()
        out.text += "["
        for (index, marking) in enumerated() {
            if index > 0 { out.text += "," }
            out.open()
            out.field("kind", marking.kind.rawValue)
            out.field("text", marking.text)
            out.field("location", marking.location)
            out.close()
        }
        out.text += "]"
        return out.text
    }
}
