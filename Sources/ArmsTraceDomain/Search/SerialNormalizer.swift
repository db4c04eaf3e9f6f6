/// How a serial number as read becomes the form that searches compare: the one place that defines it.
///
/// **Normalisation** (both the stored serial and the serial searched for):
/// 1. Letters are upper-cased; the Cyrillic and Greek letters that look like Latin ones on a stamped frame
///    (`А В Е К М Н О Р С Т Х` and `Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Χ`) become those Latin letters.
/// 2. Only `A`–`Z` and `0`–`9` are kept. Spaces, dashes, dots, slashes and every other mark are dropped: `56-1 234`
///    and `561234` are the same serial.
/// 3. In a search, `?` stands for one unreadable character and `*` for an unreadable run (a ground-off prefix is
///    `*4567`); runs of `*` collapse into one. In a stored serial `?` and `*` are dropped like separators.
///
/// **Confusable classes**: characters that officers, OCR and worn stamps mix up. Within a class a substitution costs a
/// quarter of an ordinary edit (see ``SerialDistance``), and the search index treats the class as one character.
///
/// | class | characters | typical cause |
/// |---|---|---|
/// | 0 | `0 O Q D` | round glyphs, worn counters |
/// | 1 | `1 I L 7` | strokes, serif fonts, worn tops |
/// | 2 | `2 Z` | |
/// | 5 | `5 S` | |
/// | 6 | `6 G` | |
/// | 8 | `8 B` | |
///
/// Every other character is its own class.
public enum SerialNormalizer {
    /// The normalised serial as stored: `A`–`Z` and `0`–`9` only, as ASCII bytes.
    public static func normalize(_ serial: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(serial.utf8.count)
        for scalar in serial.unicodeScalars {
            if let byte = alphanumeric(scalar) { out.append(byte) }
        }
        return out
    }

    /// The normalised serial as text.
    public static func normalizedText(_ serial: String) -> String {
        String(decoding: normalize(serial), as: UTF8.self)
    }

    /// A search pattern: normalised characters, with `?` and `*` kept as wildcards and runs of `*` collapsed.
    public static func normalizePattern(_ serial: String) -> [UInt8] {
        var out: [UInt8] = []
        for scalar in serial.unicodeScalars {
            if let byte = alphanumeric(scalar) {
                out.append(byte)
            } else if scalar == "?" {
                out.append(questionMark)
            } else if scalar == "*", out.last != star {
                out.append(star)
            }
        }
        return out
    }

    /// `?` in a pattern.
    public static let questionMark = UInt8(ascii: "?")
    /// `*` in a pattern.
    public static let star = UInt8(ascii: "*")

    /// The class of a normalised character: a code from 1 to 36, equal for confusable characters.
    /// - Precondition: `byte` is `A`–`Z` or `0`–`9`.
    @inline(__always)
    public static func classCode(_ byte: UInt8) -> UInt8 { classTable[Int(byte)] }

    /// Calls `body` with the class code of every byte (0 for bytes that are not `A`–`Z` or `0`–`9`): for loops that
    /// would otherwise look the table up once per character.
    @inline(__always)
    public static func withClassTable<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try classTable.withUnsafeBufferPointer(body)
    }

    /// The largest class code.
    public static let maximumClassCode: UInt8 = 36

    /// The distinct class codes, one per class: what a search tries at a position it substitutes or inserts.
    public static let classCodes: [UInt8] = Array(Set(classTable.filter { $0 != 0 })).sorted()

    /// Whether two normalised characters differ but are confusable.
    @inline(__always)
    public static func areConfusable(_ a: UInt8, _ b: UInt8) -> Bool {
        a != b && classTable[Int(a)] == classTable[Int(b)]
    }

    /// The cost of reading `a` as `b` when they differ only by confusions, in ``SerialDistance`` units; `nil` when
    /// they differ otherwise.
    public static func confusionCost(_ a: [UInt8], _ b: [UInt8]) -> Int? {
        guard a.count == b.count else { return nil }
        var cost = 0
        for (x, y) in zip(a, b) where x != y {
            guard classCode(x) == classCode(y) else { return nil }
            cost += SerialDistance.confusableCost
        }
        return cost
    }

    /// The confusable classes with more than one member, as documented above.
    public static let confusableClasses: [String] = ["0OQD", "1IL7", "2Z", "5S", "6G", "8B"]

    private static func alphanumeric(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A: return UInt8(scalar.value)
        case 0x61...0x7A: return UInt8(scalar.value - 0x20)
        default: return homoglyphs[scalar.value]
        }
    }

    /// Cyrillic and Greek capitals and small letters that look like Latin capitals.
    private static let homoglyphs: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        let pairs: [(String, String)] = [
            ("АВЕКМНОРСТХ", "ABEKMHOPCTX"), ("авекмнорстх", "ABEKMHOPCTX"),
            ("ΑΒΕΖΗΙΚΜΝΟΡΤΧ", "ABEZHIKMNOPTX"), ("αβεζηικμνορτχ", "ABEZHIKMNOPTX"),
        ]
        for (from, to) in pairs {
            for (source, target) in zip(from.unicodeScalars, to.utf8) { table[source.value] = target }
        }
        return table
    }()

    /// Maps `0`–`9` and `A`–`Z` to class codes 1–36 (0 elsewhere); confusable letters share their digit's code.
    private static let classTable: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        var code: UInt8 = 0
        for byte in Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8) {
            code += 1
            table[Int(byte)] = code
        }
        for members in confusableClasses {
            let bytes = Array(members.utf8)
            for byte in bytes.dropFirst() { table[Int(byte)] = table[Int(bytes[0])] }
        }
        return table
    }()
}

extension SerialNormalizer {
    /// The shortest marking token a search matches on.
    public static let minimumMarkingToken = 5

    /// The serial-like parts of a marking's text that a search matches exactly: each whitespace-separated word,
    /// normalised, of at least ``minimumMarkingToken`` characters with a digit among them (`Norinco 56-1 1234567`
    /// gives `1234567`; a maker's name or an import year gives nothing).
    public static func markingTokens(_ text: String) -> [[UInt8]] {
        var tokens: [[UInt8]] = []
        var token: [UInt8] = []
        var hasDigit = false
        func finish() {
            if token.count >= minimumMarkingToken, token.count <= SerialQuery.maximumCharacters, hasDigit { tokens.append(token) }
            token.removeAll(keepingCapacity: true)
            hasDigit = false
        }
        for scalar in text.unicodeScalars {
            if let byte = alphanumeric(scalar) {
                token.append(byte)
                if byte <= UInt8(ascii: "9") { hasDigit = true }
            } else if scalar.value <= 0x20 || scalar.properties.isWhitespace {
                finish()
            }
        }
        finish()
        return tokens
    }
}
