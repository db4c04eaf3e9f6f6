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
    public func snapshotBytes() -> [UInt8] { snapshotLocatingMarkings().bytes }

    /// ``snapshotBytes()``, and where in them the markings are: the same text as the markings' `jsonText()`,
    /// for a caller that needs both (a bulk import, for every row).
    public func snapshotLocatingMarkings() -> (bytes: [UInt8], markings: Range<Int>) {
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
        let markingsStart = out.count
        out.markings(markings)
        let markingsRange = markingsStart..<out.count
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
        return (out.bytes, markingsRange)
    }
}

extension Array where Element == Marking {
    /// The markings as a JSON array with snake_case keys, as stored in the record row.
    public func jsonText() -> String {
        var out = JSONWriter(capacity: 256)
        out.markings(self)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

extension Array where Element == Marking {
    /// Reads back an array in the form ``jsonText()`` writes, without a JSON decoder (what loading the search index
    /// does for every record, and a search answer for every candidate); `nil` when the text is in any other form,
    /// which the caller then gives to a decoder.
    public init?(storedJSON json: String) {
        var json = json
        let markings = json.withUTF8 { bytes -> [Marking]? in
            var scanner = StoredJSONScanner(bytes: bytes)
            guard scanner.take("[") else { return nil }
            var markings: [Marking] = []
            if scanner.take("]") { return scanner.atEnd ? markings : nil }
            repeat {
                guard scanner.take("{\"kind\":"), let kind = scanner.string().flatMap(MarkingKind.init(rawValue:)),
                    scanner.take(",\"text\":"), let text = scanner.string()
                else { return nil }
                var location: String?
                if scanner.take(",\"location\":") {
                    guard let value = scanner.string() else { return nil }
                    location = value
                }
                guard scanner.take("}") else { return nil }
                markings.append(Marking(kind: kind, text: text, location: location))
            } while scanner.take(",")
            return scanner.take("]") && scanner.atEnd ? markings : nil
        }
        guard let markings else { return nil }
        self = markings
    }
}

/// Reads the tokens of JSON that ``JSONWriter`` wrote, front to back.
private struct StoredJSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    var atEnd: Bool { index == bytes.count }

    /// Steps over `token` when the text goes on with it.
    mutating func take(_ token: StaticString) -> Bool {
        let count = token.utf8CodeUnitCount
        guard index + count <= bytes.count,
            token.withUTF8Buffer({ expected in (0..<count).allSatisfy { bytes[index + $0] == expected[$0] } })
        else { return false }
        index += count
        return true
    }

    /// A string with the escapes ``JSONWriter`` and `JSONEncoder` write; `nil` for anything else.
    mutating func string() -> String? {
        guard take("\"") else { return nil }
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: text, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                text.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { return nil }
            switch bytes[index + 1] {
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(bytes[index + 1])
            case UInt8(ascii: "u"):
                guard index + 5 < bytes.count,
                    let value = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(value)
                else { return nil }
                text.append(contentsOf: String(Character(scalar)).utf8)
                index += 4
            default: return nil
            }
            index += 2
        }
        return nil
    }
}

/// Appends JSON tokens to a byte buffer; commas between members are handled by `open`, `key` and `close`.
///
/// The buffer is its own memory, not an array: a record's JSON takes some 140 appends of a few bytes, and an array's
/// append (a call that checks the array is not shared, then its capacity) cost more than the bytes it copied, a
/// sixth of a bulk import's reading thread. Not copyable, so that the memory has one owner, which frees it.
struct JSONWriter: ~Copyable {
    private var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// How many bytes are written.
    private(set) var count = 0
    private var needsComma = false

    /// - Parameter capacity: the bytes to make room for at once (more still fits).
    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// The bytes written.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        start[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress else { return }
        if count + buffer.count > capacity { grow(to: count + buffer.count) }
        (start + count).update(from: source, count: buffer.count)
        count += buffer.count
    }

    private mutating func grow(to needed: Int) {
        let larger = max(needed, capacity * 2)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = larger
    }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    mutating func open() {
        raw("{")
        needsComma = false
    }

    mutating func close() {
        raw("}")
        needsComma = true
    }

    /// Keys are literals: their bytes are copied at once, not read as a string's, one by one.
    mutating func key(_ name: StaticString) {
        if needsComma { raw(",") }
        append(UInt8(ascii: "\""))
        raw(name)
        raw("\":")
        needsComma = true
    }

    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    mutating func field(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        integer(value)
    }

    /// An integer's decimal digits, written without making a string.
    mutating func integer(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt = 1
        while divisor <= magnitude / 10 { divisor *= 10 }
        repeat {
            append(UInt8(ascii: "0") + UInt8((magnitude / divisor) % 10))
            divisor /= 10
        } while divisor > 0
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        if value { raw("true") } else { raw("false") }
    }

    /// A number as `JSONEncoder` writes it: the shortest form that reads back the same, without a trailing `.0`.
    mutating func field(_ name: StaticString, _ value: Double) {
        key(name)
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { append($0) }
    }

    mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        array(values) { $0.string($1) }
    }

    /// An array whose elements `element` writes.
    mutating func array<Element>(_ elements: [Element], _ element: (inout JSONWriter, Element) -> Void) {
        raw("[")
        for (index, value) in elements.enumerated() {
            if index > 0 { raw(",") }
            element(&self, value)
        }
        raw("]")
        needsComma = true
    }

    mutating func markings(_ markings: [Marking]) {
        array(markings) { out, marking in
            out.open()
            out.field("kind", marking.kind.rawValue)
            out.field("text", marking.text)
            out.field("location", marking.location)
            out.close()
        }
    }

    mutating func string(_ value: String) {
        append(UInt8(ascii: "\""))
        let plain = value.utf8.withContiguousStorageIfAvailable { buffer -> Bool in
            guard !buffer.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            append(buffer)
            return true
        }
        if plain == true {
            append(UInt8(ascii: "\""))
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
                    append(hex[Int(byte >> 4)])
                    append(hex[Int(byte & 0x0F)])
                }
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
        needsComma = true
    }
}
