/// A fast, canonical JSON form of a record's details: what the history keeps and what change detection hashes.
///
/// Written by hand over bytes because bulk imports make one per row: the output is what `JSONEncoder` with
/// `.convertToSnakeCase` writes for ``WeaponRecord/Details`` (keys in a fixed order, `nil` fields left out), so
/// `JSONDecoder` with `.convertFromSnakeCase` reads it back.
extension WeaponRecord.Details {
    /// The details as one line of JSON with snake_case keys.
    public func snapshotJSON() -> String {
        String(decoding: snapshotBytes(), as: UTF8.self)
    }

    /// ``snapshotJSON()`` as UTF-8 bytes, without making a string.
    public func snapshotBytes() -> [UInt8] {
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
        out.markings(markings)
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
            out.raw("[")
            for (index, code) in codes.enumerated() {
                if index > 0 { out.raw(",") }
                out.string(code.rawValue)
            }
            out.raw("]")
        }
        out.field("notes", notes)
        out.close()
        return out.bytes
    }
}

extension Array where Element == Marking {
    /// The markings as a JSON array with snake_case keys, as stored in the record row.
    public func jsonText() -> String {
        var out = JSONWriter()
        out.markings(self)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

extension Array where Element == Marking {
    /// The `text` of each marking in a ``jsonText()`` array, read without a JSON decoder (what loading the search
    /// index does for every record); `nil` when the text is not in that form.
    ///
    /// `"text":"` can only be a key there: inside a string every quote is escaped.
    public static func texts(inJSON json: String) -> [String]? {
        var json = json
        return json.withUTF8 { bytes -> [String]? in
            let key = [UInt8]("\"text\":\"".utf8)
            var texts: [String] = []
            var i = 0
            let n = bytes.count
            while i + key.count <= n {
                guard bytes[i] == key[0], bytes[i + 1] == key[1], bytes[i + 2] == key[2],
                    (0..<key.count).allSatisfy({ bytes[i + $0] == key[$0] })
                else {
                    i += 1
                    continue
                }
                i += key.count
                var text: [UInt8] = []
                while true {
                    guard i < n else { return nil }
                    let byte = bytes[i]
                    if byte == UInt8(ascii: "\"") { break }
                    if byte != UInt8(ascii: "\\") {
                        text.append(byte)
                        i += 1
                        continue
                    }
                    guard i + 1 < n else { return nil }
                    switch bytes[i + 1] {
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(bytes[i + 1])
                    case UInt8(ascii: "u"):
                        guard i + 5 < n, let value = UInt32(String(decoding: bytes[(i + 2)..<(i + 6)], as: UTF8.self), radix: 16),
                            let scalar = Unicode.Scalar(value)
                        else { return nil }
                        text.append(contentsOf: String(Character(scalar)).utf8)
                        i += 4
                    default: return nil
                    }
                    i += 2
                }
                texts.append(String(decoding: text, as: UTF8.self))
                i += 1
            }
            return texts
        }
    }
}

/// Appends JSON tokens to a byte buffer; commas between members are handled by `open`, `key` and `close`.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init() { bytes.reserveCapacity(768) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func open() {
        raw("{")
        needsComma = false
    }

    mutating func close() {
        raw("}")
        needsComma = true
    }

    mutating func key(_ name: String) {
        if needsComma { raw(",") }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: name.utf8)
        raw("\":")
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
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func markings(_ markings: [Marking]) {
        raw("[")
        for (index, marking) in markings.enumerated() {
            if index > 0 { raw(",") }
            open()
            field("kind", marking.kind.rawValue)
            field("text", marking.text)
            field("location", marking.location)
            close()
        }
        raw("]")
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        let plain = value.utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            guard !buffer.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            bytes.append(contentsOf: buffer)
            return true
        }
        if plain == true {
            bytes.append(UInt8(ascii: "\""))
            needsComma = true
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0..<0x20:
                raw("\\u00")
                let digits: StaticString = "0123456789abcdef"
                digits.withUTF8Buffer { hex in
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0x0F)])
                }
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }
}
