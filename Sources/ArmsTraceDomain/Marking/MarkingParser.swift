public import Foundation

/// A mark as read, split into the elements of a scheme it fits.
public struct MarkingParse: Sendable, Equatable, Encodable {
    public struct Part: Sendable, Equatable, Encodable {
        public var kind: MarkingScheme.Element.Kind
        public var meaning: String
        /// The characters of the mark that make up the element.
        public var text: String
        /// A year read in full ("19" is 2019).
        public var year: Int?
        /// Whether the scheme allows only this text here (a literal, or a code with one value), which the summary
        /// leaves out.
        public var fixed: Bool
    }

    public var member: MemberCode
    public var kind: MarkingScheme.Kind
    public var version: Int
    public var parts: [Part]

    private enum CodingKeys: String, CodingKey { case member, kind, version, parts, summary }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(member, forKey: .member)
        try container.encode(kind, forKey: .kind)
        try container.encode(version, forKey: .version)
        try container.encode(parts, forKey: .parts)
        try container.encode(summary, forKey: .summary)
    }

    /// "import mark of KEN, year 2019".
    public var summary: String {
        var words = ["\(kind.words) of \(member)"]
        for part in parts where !part.fixed {
            words.append("\(part.meaning) \(part.year.map(String.init) ?? part.text)")
        }
        return words.joined(separator: ", ")
    }
}

/// Reads marks against marking schemes: which schemes a mark fits, and its elements under each.
///
/// A mark is compared as its letters and digits, upper case; spaces, dashes, dots and slashes between them are
/// separators the reader may or may not have copied. Where a mark splits more than one way under a scheme, the split
/// whose element boundaries fall on the separators that were read wins.
public enum MarkingParser {
    /// The letters and digits of a text, upper case.
    public static func characters(_ text: String) -> [Character] {
        text.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The mark's elements under `scheme`, or `nil` when it does not fit.
    public static func parse(
        _ mark: String,
        under scheme: MarkingScheme,
        currentYear: Int = Calendar.utc.component(.year, from: Date())
    ) -> MarkingParse? {
        var characters: [Character] = []
        var separators = Set<Int>()
        for character in mark.uppercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                characters.append(character)
            } else if !characters.isEmpty {
                separators.insert(characters.count)
            }
        }
        guard !characters.isEmpty else { return nil }
        var best: (score: Int, parts: [MarkingParse.Part])?
        var explored = 0

        func fits(_ element: MarkingScheme.Element, _ text: [Character]) -> Int?? {
            switch element.alphabet {
            case .letters: guard text.allSatisfy(\.isLetter) else { return nil }
            case .digits: guard text.allSatisfy(\.isNumber) else { return nil }
            case .alphanumeric: break
            }
            let string = String(text)
            if let values = element.values, !values.contains(where: { String(MarkingParser.characters($0)) == string }) { return nil }
            guard element.kind == .year else { return .some(nil) }
            guard text.count == 2 || text.count == 4, let number = Int(string) else { return nil }
            var year = number
            if text.count == 2 { year = 2000 + number <= currentYear ? 2000 + number : 1900 + number }
            guard year >= (element.earliest ?? 1800), year <= min(element.latest ?? currentYear, currentYear) else { return nil }
            return .some(year)
        }

        func walk(_ index: Int, _ position: Int, _ parts: [MarkingParse.Part], _ score: Int) {
            explored += 1
            guard explored < 10_000 else { return }
            if index == scheme.elements.count {
                if position == characters.count, best.map({ score > $0.score }) ?? true { best = (score, parts) }
                return
            }
            let element = scheme.elements[index]
            if element.optional { walk(index + 1, position, parts, score) }
            let remaining = characters.count - position
            guard remaining >= element.minLength else { return }
            for length in element.minLength...min(element.maxLength, remaining) {
                let text = Array(characters[position..<position + length])
                guard let year = fits(element, text) else { continue }
                let end = position + length
                let onSeparator = end == characters.count || separators.contains(end) ? 1 : 0
                let part = MarkingParse.Part(
                    kind: element.kind,
                    meaning: element.meaning,
                    text: String(text),
                    year: year,
                    fixed: element.values?.count == 1
                )
                walk(index + 1, end, parts + [part], score + onSeparator)
            }
        }
        walk(0, 0, [], 0)
        return best.map { MarkingParse(member: scheme.member, kind: scheme.kind, version: scheme.version, parts: $0.parts) }
    }

    /// Every scheme among `schemes` that the mark fits, with its elements: the newest version of each member's
    /// kind first.
    public static func fits(_ mark: String, schemes: [MarkingScheme]) -> [MarkingParse] {
        // The year once, not once per scheme: a marking check runs this for every record a search returns.
        let year = Calendar.utc.component(.year, from: Date())
        return schemes.sorted { ($0.member.rawValue, $0.kind.rawValue, -$0.version) < ($1.member.rawValue, $1.kind.rawValue, -$1.version) }
            .compactMap { parse(mark, under: $0, currentYear: year) }
    }
}
