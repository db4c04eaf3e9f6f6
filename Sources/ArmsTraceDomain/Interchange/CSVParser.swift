/// A streaming RFC 4180 CSV parser: bytes go in chunk by chunk, rows come out with the line they start on.
///
/// Memory stays bounded by the longest row, whatever the file's size, and a row may hold at most ``maxRowBytes``
/// bytes in at most ``maxFields`` fields: a file with no line breaks, or a quote never closed, is refused at that
/// point rather than read whole. Fields may be quoted; a quoted field may
/// hold commas, doubled quotes and line breaks. Lines end in LF or CRLF. A UTF-8 byte order mark is skipped.
///
/// ```swift
/// var parser = CSVParser()
/// try parser.parse(chunk) { row in print(row.line, row.fields) }
/// try parser.finish { row in print(row.line, row.fields) }
/// ```
public struct CSVParser {
    /// One row: the 1-based line it starts on and its fields.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var fields: [String]

        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }
    }

    /// A row that cannot be read as CSV.
    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }

        public var description: String { "line \(line): \(reason)" }
    }

    /// The most bytes a row's fields may hold together: far above any record's, far below what would strain memory.
    public static let maxRowBytes = 1 << 20
    /// The most fields a row may have.
    public static let maxFields = 1_000

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private var rowLine = 1
    private var rowBytes = 0
    private var atFileStart = true
    private var leadingBytes: [UInt8] = []

    public init() {}

    /// Parses a chunk, calling `body` for every row it completes.
    /// - Throws: ``SyntaxError`` for a stray quote or invalid UTF-8; whatever `body` throws.
    public mutating func parse(_ chunk: [UInt8], _ body: (Row) throws -> Void) throws {
        if atFileStart {
            // The byte order mark may arrive split across chunks: hold the first bytes until it is decided.
            leadingBytes += chunk
            let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
            if leadingBytes.count < 3, mark.starts(with: leadingBytes) { return }
            atFileStart = false
            let bytes = leadingBytes.starts(with: mark) ? Array(leadingBytes.dropFirst(3)) : leadingBytes
            leadingBytes = []
            return try consume(bytes, body)
        }
        try consume(chunk, body)
    }

    private mutating func consume(_ chunk: [UInt8], _ body: (Row) throws -> Void) throws {
        try chunk.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                let byte = buffer[index]
                index += 1
                switch state {
                case .fieldStart, .unquoted:
                    switch byte {
                    case UInt8(ascii: ","): try endField()
                    case UInt8(ascii: "\n"): try endRow(body)
                    case UInt8(ascii: "\r"): state = .afterCR
                    case UInt8(ascii: "\"") where state == .fieldStart: state = .quoted
                    default:
                        // The rest of the field up to a comma or line end, appended at once.
                        var end = index
                        while end < buffer.count {
                            let next = buffer[end]
                            if next == UInt8(ascii: ",") || next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") { break }
                            end += 1
                        }
                        try append(UnsafeBufferPointer(rebasing: buffer[(index - 1)..<end]))
                        index = end
                        state = .unquoted
                    }
                case .quoted:
                    if byte == UInt8(ascii: "\"") {
                        state = .quoteInQuoted
                    } else {
                        // The rest of the quoted text up to the next quote, counting its line breaks.
                        var end = index - 1
                        while end < buffer.count, buffer[end] != UInt8(ascii: "\"") {
                            if buffer[end] == UInt8(ascii: "\n") { line += 1 }
                            end += 1
                        }
                        try append(UnsafeBufferPointer(rebasing: buffer[(index - 1)..<end]))
                        index = end
                    }
                case .quoteInQuoted:
                    switch byte {
                    case UInt8(ascii: "\""):
                        try append(byte)
                        state = .quoted
                    case UInt8(ascii: ","): try endField()
                    case UInt8(ascii: "\n"): try endRow(body)
                    case UInt8(ascii: "\r"): state = .afterCR
                    default:
                        throw SyntaxError(
                            line: line,
                            reason: "unexpected character after a closing quote; a quote inside a quoted field is written twice (\"\")"
                        )
                    }
                case .afterCR:
                    if byte == UInt8(ascii: "\n") {
                        try endRow(body)
                    } else {
                        throw SyntaxError(line: line, reason: "a carriage return must be followed by a line feed")
                    }
                }
            }
        }
    }

    /// Ends the input, emitting a last row that has no line break after it.
    /// - Throws: ``SyntaxError`` when a quoted field is still open.
    public mutating func finish(_ body: (Row) throws -> Void) throws {
        if atFileStart {
            atFileStart = false
            try consume(leadingBytes, body)
        }
        switch state {
        case .quoted: throw SyntaxError(line: rowLine, reason: "a quoted field is not closed before the end of the file")
        case .fieldStart where fields.isEmpty && field.isEmpty: return
        default: try endRow(body)
        }
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) throws {
        try append(CollectionOfOne(byte))
    }

    @inline(__always)
    private mutating func append(_ bytes: some Collection<UInt8>) throws {
        rowBytes &+= bytes.count
        if rowBytes > Self.maxRowBytes {
            throw SyntaxError(line: rowLine, reason: "the row is longer than \(Self.maxRowBytes) bytes (is a quote left open?)")
        }
        field.append(contentsOf: bytes)
    }

    private mutating func endField() throws {
        if fields.count >= Self.maxFields { throw SyntaxError(line: rowLine, reason: "the row has more than \(Self.maxFields) fields") }
        let text: String
        if field.allSatisfy({ $0 < 0x80 }) {
            // ASCII is valid UTF-8 as it stands: copy it without a second validation pass.
            text = field.withUnsafeBufferPointer { bytes in
                String(unsafeUninitializedCapacity: bytes.count) {
                    _ = $0.initialize(fromContentsOf: bytes)
                    return bytes.count
                }
            }
        } else {
            guard let validated = String(validating: field, as: UTF8.self) else {
                throw SyntaxError(line: line, reason: "field \(fields.count + 1) is not valid UTF-8")
            }
            text = validated
        }
        fields.append(text)
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRow(_ body: (Row) throws -> Void) throws {
        try endField()
        let row = Row(line: rowLine, fields: fields)
        fields.removeAll(keepingCapacity: true)
        rowBytes = 0
        line += 1
        rowLine = line
        // A blank line is not a row.
        if !(row.fields.count == 1 && row.fields[0].isEmpty) { try body(row) }
    }
}

/// Writes CSV fields, quoting only where RFC 4180 requires it.
public enum CSVWriter {
    /// One row with a trailing line feed.
    public static func row(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }

    /// A field, quoted when it holds a comma, a quote, a line break or surrounding spaces.
    public static func escape(_ field: String) -> String {
        let needsQuotes =
            field.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
            || field.first == " " || field.last == " "
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
