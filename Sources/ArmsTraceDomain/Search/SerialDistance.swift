/// The edit distance between a serial searched for and a stored serial, both normalised by ``SerialNormalizer``.
///
/// It is the optimal-string-alignment distance (insertions, deletions, substitutions and transpositions of two
/// adjacent characters, no substring edited twice) with integer costs:
/// - ``editCost`` (4) for an insertion, a deletion, a transposition or a substitution between different classes;
/// - ``confusableCost`` (1) for a substitution within a confusable class (`O` for `0`, `I` for `1`).
///
/// A record is a fuzzy candidate when its distance is at most ``maximumDistance`` (8): two ordinary edits, or one
/// edit and up to four confusions, or up to eight confusions. The API reports distances in edits (`units / 4`).
public enum SerialDistance {
    public static let editCost = 4
    public static let confusableCost = 1
    /// Two edits.
    public static let maximumDistance = 8

    /// The distance in cost units, or `nil` when it is above `limit`.
    ///
    /// Only the diagonal band that `limit` allows is computed (cells more than `limit / editCost` off the diagonal
    /// cost more than that), and rows are abandoned as soon as no cell is within `limit`.
    public static func distance(_ query: UnsafeBufferPointer<UInt8>, _ stored: UnsafeBufferPointer<UInt8>, limit: Int) -> Int? {
        let n = query.count
        let m = stored.count
        if abs(n - m) * editCost > limit { return nil }
        if n == 0 { return m * editCost <= limit ? m * editCost : nil }
        if m == 0 { return n * editCost <= limit ? n * editCost : nil }
        if n == m, limit < 2 * editCost + confusableCost {
            return SerialNormalizer.withClassTable { sameLengthDistance(query, stored, limit: limit, classes: $0) }
        }
        let band = limit / editCost
        let outside = limit + 1
        return SerialNormalizer.withClassTable { classes in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: 3 * (m + 2)) { buffer in
                // Three rows (two back, for transpositions; one back; current), one spare cell each for the band's edge.
                var previous2 = UnsafeMutableBufferPointer(rebasing: buffer[0..<(m + 2)])
                var previous = UnsafeMutableBufferPointer(rebasing: buffer[(m + 2)..<(2 * m + 4)])
                var current = UnsafeMutableBufferPointer(rebasing: buffer[(2 * m + 4)..<(3 * m + 6)])
                for j in 0..<(m + 2) {
                    previous2[j] = outside
                    previous[j] = j <= band ? j * editCost : outside
                    current[j] = outside
                }
                for i in 1...n {
                    let low = Swift.max(1, i - band)
                    let high = Swift.min(m, i + band)
                    current[low - 1] = low == 1 && i <= band ? i * editCost : outside
                    var rowMinimum = current[low - 1]
                    let a = query[i - 1]
                    let classA = classes[Int(a)]
                    var j = low
                    while j <= high {
                        let b = stored[j - 1]
                        let substitution = a == b ? 0 : (classA == classes[Int(b)] ? confusableCost : editCost)
                        var cell = Swift.min(previous[j - 1] + substitution, Swift.min(previous[j], current[j - 1]) + editCost)
                        if i > 1, j > 1, a != b, a == stored[j - 2], query[i - 2] == b {
                            cell = Swift.min(cell, previous2[j - 2] + editCost)
                        }
                        current[j] = cell
                        rowMinimum = Swift.min(rowMinimum, cell)
                        j += 1
                    }
                    if high < m { current[high + 1] = outside }
                    if rowMinimum > limit { return nil }
                    swap(&previous2, &previous)
                    swap(&previous, &current)
                }
                return previous[m] <= limit ? previous[m] : nil
            }
        }
    }

    /// ``distance(_:_:limit:)`` of two serials of one length within a limit below one deletion, one insertion and
    /// a confusion, in one pass: the most common check a search makes.
    ///
    /// Within such a limit an alignment either keeps every character in its column (substitutions, confusions and
    /// swaps of neighbours, a pass along the diagonal) or deletes one character and inserts another with nothing
    /// else changed, which costs `2 * editCost` and exists when the two serials are equal but for one stretch
    /// shifted by a character.
    private static func sameLengthDistance(
        _ query: UnsafeBufferPointer<UInt8>,
        _ stored: UnsafeBufferPointer<UInt8>,
        limit: Int,
        classes: UnsafeBufferPointer<UInt8>
    ) -> Int? {
        let n = query.count
        // The diagonal: the cost up to the previous column and up to the one before.
        var previous2 = 0
        var previous = 0
        for i in 0..<n {
            let a = query[i]
            let b = stored[i]
            var cost = previous + (a == b ? 0 : (classes[Int(a)] == classes[Int(b)] ? confusableCost : editCost))
            if i > 0, a != b, a == stored[i - 1], query[i - 1] == b { cost = Swift.min(cost, previous2 + editCost) }
            previous2 = previous
            previous = cost
            if previous2 > limit && previous > limit { break }
        }
        if previous <= limit { return previous }
        guard limit >= 2 * editCost else { return nil }
        // One deletion and one insertion: equal before `first`, equal from `end`, and between them one serial the
        // other shifted by a character.
        var first = 0
        while first < n && query[first] == stored[first] { first += 1 }
        var end = n
        while end > first && query[end - 1] == stored[end - 1] { end -= 1 }
        let last = Swift.max(end - 1, first + 1)
        guard last < n else { return nil }
        var queryAhead = true
        var storedAhead = true
        for k in first..<last {
            queryAhead = queryAhead && query[k + 1] == stored[k]
            storedAhead = storedAhead && stored[k + 1] == query[k]
        }
        return queryAhead || storedAhead ? 2 * editCost : nil
    }

    /// The distance in cost units between two normalised serials, or `nil` when it is above `limit`.
    public static func distance(_ query: [UInt8], _ stored: [UInt8], limit: Int = maximumDistance) -> Int? {
        query.withUnsafeBufferPointer { q in stored.withUnsafeBufferPointer { s in distance(q, s, limit: limit) } }
    }

    /// The edits that turn the stored serial into the one searched for, in the stored serial's order: what a
    /// candidate shows to explain itself.
    public static func differences(query: [UInt8], stored: [UInt8]) -> [SerialDifference] {
        let n = query.count
        let m = stored.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n { table[i][0] = i * editCost }
        for j in 0...m { table[0][j] = j * editCost }
        func substitution(_ i: Int, _ j: Int) -> Int {
            let a = query[i - 1]
            let b = stored[j - 1]
            return a == b ? 0 : (SerialNormalizer.areConfusable(a, b) ? confusableCost : editCost)
        }
        func transposable(_ i: Int, _ j: Int) -> Bool {
            i > 1 && j > 1 && query[i - 1] == stored[j - 2] && query[i - 2] == stored[j - 1] && query[i - 1] != stored[j - 1]
        }
        if n > 0 && m > 0 {
            for i in 1...n {
                for j in 1...m {
                    var cell = min(table[i - 1][j - 1] + substitution(i, j), min(table[i - 1][j], table[i][j - 1]) + editCost)
                    if transposable(i, j) { cell = min(cell, table[i - 2][j - 2] + editCost) }
                    table[i][j] = cell
                }
            }
        }
        var result: [SerialDifference] = []
        var i = n
        var j = m
        func character(_ byte: UInt8) -> String { String(UnicodeScalar(byte)) }
        while i > 0 || j > 0 {
            if i > 0, j > 0, table[i][j] == table[i - 1][j - 1] + substitution(i, j) {
                let cost = substitution(i, j)
                if cost > 0 {
                    let kind: SerialDifference.Kind = cost == confusableCost ? .confusable : .substitution
                    result.append(.init(kind: kind, position: j - 1, searched: character(query[i - 1]), stored: character(stored[j - 1])))
                }
                i -= 1
                j -= 1
            } else if transposable(i, j), table[i][j] == table[i - 2][j - 2] + editCost {
                let searched = character(query[i - 2]) + character(query[i - 1])
                let storedPair = character(stored[j - 2]) + character(stored[j - 1])
                result.append(.init(kind: .transposition, position: j - 2, searched: searched, stored: storedPair))
                i -= 2
                j -= 2
            } else if j > 0, table[i][j] == table[i][j - 1] + editCost {
                result.append(.init(kind: .missing, position: j - 1, searched: nil, stored: character(stored[j - 1])))
                j -= 1
            } else {
                result.append(.init(kind: .extra, position: j, searched: character(query[i - 1]), stored: nil))
                i -= 1
            }
        }
        return result.reversed()
    }
}

/// One edit between a serial searched for and a stored serial.
public struct SerialDifference: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// A character read as a confusable one (`O` for `0`).
        case confusable
        /// A character read as an unrelated one.
        case substitution
        /// The stored serial has a character the search lacks.
        case missing
        /// The search has a character the stored serial lacks.
        case extra
        /// Two adjacent characters swapped.
        case transposition
    }

    public var kind: Kind
    /// Where in the stored (normalised) serial, from 0.
    public var position: Int
    /// The character(s) searched for; `nil` for a missing character.
    public var searched: String?
    /// The stored character(s); `nil` for an extra character.
    public var stored: String?

    public init(kind: Kind, position: Int, searched: String?, stored: String?) {
        self.kind = kind
        self.position = position
        self.searched = searched
        self.stored = stored
    }
}
