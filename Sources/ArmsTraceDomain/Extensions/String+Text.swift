/// Text checks that bulk imports run on every field of every row: each has a fast path over UTF-8 bytes for the
/// common case (plain ASCII) and falls back to Unicode properties only when the bytes call for it.
extension String {
    /// The string without leading and trailing white space.
    var trimmed: String {
        let plain = utf8.withContiguousStorageIfAvailable { bytes in
            guard let first = bytes.first, let last = bytes.last else { return true }
            return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
        }
        if plain == true || isEmpty { return self }
        var view = Substring(self)
        while let character = view.first, character.isWhitespace { view.removeFirst() }
        while let character = view.last, character.isWhitespace { view.removeLast() }
        return String(view)
    }

    /// The length in characters as people count them, computed only when the UTF-8 length says it may exceed `limit`.
    func exceedsLength(_ limit: Int) -> Bool {
        utf8.count > limit && count > limit
    }

    /// Whether the string holds a control character (Unicode category Cc: U+0000-001F, U+007F-009F) other than a
    /// line feed or a tab.
    var containsControlCharacter: Bool {
        func scan(_ bytes: some Sequence<UInt8>) -> Bool {
            var previous: UInt8 = 0
            for byte in bytes {
                if byte < 0x20, byte != 0x0A, byte != 0x09 { return true }
                if byte == 0x7F { return true }
                // U+0080-009F are encoded as C2 80 to C2 9F.
                if previous == 0xC2, (0x80...0x9F).contains(byte) { return true }
                previous = byte
            }
            return false
        }
        // Over the stored bytes when they are contiguous (native strings are): a bulk import checks every text field.
        return utf8.withContiguousStorageIfAvailable { scan($0) } ?? scan(utf8)
    }

    /// Whether the UTF-8 form holds `byte`.
    func containsByte(_ byte: UInt8) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(byte) } ?? utf8.contains(byte)
    }

    /// Whether any byte is one of `bytes`.
    func containsAnyByte(_ bytes: UInt8...) -> Bool {
        utf8.contains { bytes.contains($0) }
    }
}
