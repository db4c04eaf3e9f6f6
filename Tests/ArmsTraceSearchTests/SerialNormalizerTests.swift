import ArmsTraceDomain
import Testing

/// Normalisation, confusable classes and the distance, on serials as officers report them.
@Suite struct SerialNormalizerTests {
    @Test(arguments: [
        ("56-1 234 567", "561234567"),
        ("ak47/1234.5", "AK4712345"),
        ("№ КМ 0042", "KM0042"),
        ("ΑΒ-1203", "AB1203"),
        ("  ", ""),
        ("12?45*", "1245"),
    ])
    func normalisesAsStored(raw: String, normalised: String) {
        #expect(SerialNormalizer.normalizedText(raw) == normalised)
    }

    @Test func patternsKeepWildcardsAndCollapseRuns() {
        #expect(String(decoding: SerialNormalizer.normalizePattern("**12-?4**5"), as: UTF8.self) == "*12?4*5")
    }

    @Test(arguments: ["0OQD", "1IL7", "2Z", "5S", "6G", "8B"])
    func confusableClassesShareACode(members: String) {
        let codes = Set(members.utf8.map(SerialNormalizer.classCode))
        #expect(codes.count == 1)
    }

    @Test func unrelatedCharactersDoNotShareACode() {
        #expect(SerialNormalizer.classCode(UInt8(ascii: "A")) != SerialNormalizer.classCode(UInt8(ascii: "4")))
        #expect(SerialNormalizer.classCodes.count == 36 - 10)
    }

    @Test(arguments: [
        ("AK1234567", "AK1234567", 0),
        ("AKI234567", "AK1234567", 1),  // I read for 1
        ("SB0O", "5800", 3),  // three confusions
        ("AK124567", "AK1234567", 4),  // one character missed
        ("AK12345678", "AK1234567", 4),  // one extra
        ("AK1324567", "AK1234567", 4),  // two swapped
        ("AK1239567", "AK1234567", 4),  // a 4 read as 9
        ("AK12395G7", "AK1234567", 5),  // one edit and one confusion
        ("AK1294X67", "AK1234567", 8),  // two edits
    ])
    func distanceCountsEditsAndConfusions(searched: String, stored: String, units: Int) {
        #expect(SerialDistance.distance(Array(searched.utf8), Array(stored.utf8)) == units)
    }

    @Test func distanceAboveTwoEditsIsNoMatch() {
        #expect(SerialDistance.distance(Array("AK9999567".utf8), Array("AK1234567".utf8)) == nil)
    }

    @Test func differencesExplainTheEdits() {
        let differences = SerialDistance.differences(query: Array("AKI24567X".utf8), stored: Array("AK1234567".utf8))
        #expect(differences.map(\.kind) == [.confusable, .missing, .extra])
        #expect(differences[0] == SerialDifference(kind: .confusable, position: 2, searched: "I", stored: "1"))
        #expect(differences[1].stored == "3")
    }

    @Test func markingTokensAreSerialLikeWords() {
        let tokens = SerialNormalizer.markingTokens("Norinco 56-1 1234567 KEN 2019").map { String(decoding: $0, as: UTF8.self) }
        #expect(tokens == ["1234567"])
    }

    @Test func queriesNeedThreeReadableCharacters() {
        #expect(throws: DomainError.self) { try SerialQuery(SearchRequest(serial: "1-?*")) }
        #expect(throws: DomainError.self) { try SerialQuery(SearchRequest(serial: "12345", limit: 0)) }
    }
}

/// The banded, early-exit distance against a plain full-matrix computation of the same costs.
@Suite struct SerialDistanceReferenceTests {
    static func fullDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = a.count
        let m = b.count
        var d = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in 0...n { d[i][0] = i * 4 }
        for j in 0...m { d[0][j] = j * 4 }
        for i in stride(from: 1, through: n, by: 1) {
            for j in stride(from: 1, through: m, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : (SerialNormalizer.areConfusable(a[i - 1], b[j - 1]) ? 1 : 4)
                d[i][j] = min(d[i - 1][j - 1] + cost, d[i - 1][j] + 4, d[i][j - 1] + 4)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1], a[i - 1] != b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 4)
                }
            }
        }
        return d[n][m]
    }

    @Test func bandedDistanceEqualsTheFullMatrix() {
        var random = SeededGenerator(seed: 3)
        let alphabet = Array("0O1I7L5S8B2Z6GAKX".utf8)
        for _ in 0..<20_000 {
            let a = (0..<Int.random(in: 0...9, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            var b = a
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                switch Int.random(in: 0..<4, using: &random) {
                case 0 where !b.isEmpty: b.remove(at: Int.random(in: 0..<b.count, using: &random))
                case 1: b.insert(alphabet.randomElement(using: &random)!, at: Int.random(in: 0...b.count, using: &random))
                case 2 where b.count > 1:
                    let i = Int.random(in: 0..<(b.count - 1), using: &random)
                    b.swapAt(i, i + 1)
                default: if !b.isEmpty { b[Int.random(in: 0..<b.count, using: &random)] = alphabet.randomElement(using: &random)! }
                }
            }
            let full = Self.fullDistance(a, b)
            for limit in [0, 3, 8, 12] {
                #expect(SerialDistance.distance(a, b, limit: limit) == (full <= limit ? full : nil), "\(a) \(b) limit \(limit)")
            }
        }
    }

    /// Serials of one length, the check's own pass, and a character apart: runs, confusions, swaps and stretches
    /// shifted by one character (one deletion with one insertion), against the full matrix.
    @Test func sameLengthDistanceEqualsTheFullMatrix() {
        var random = SeededGenerator(seed: 5)
        let alphabet = Array("0O1I7AB".utf8)
        var shifted = 0
        for _ in 0..<20_000 {
            let a = (0..<Int.random(in: 1...10, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            var b = a
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                switch Int.random(in: 0..<3, using: &random) {
                case 0:
                    b.remove(at: Int.random(in: 0..<b.count, using: &random))
                    b.insert(alphabet.randomElement(using: &random)!, at: Int.random(in: 0...b.count, using: &random))
                case 1 where b.count > 1:
                    let i = Int.random(in: 0..<(b.count - 1), using: &random)
                    b.swapAt(i, i + 1)
                default: b[Int.random(in: 0..<b.count, using: &random)] = alphabet.randomElement(using: &random)!
                }
            }
            let full = Self.fullDistance(a, b)
            if full == 2 * SerialDistance.editCost { shifted += 1 }
            for limit in [0, 1, 4, 7, 8] {
                #expect(SerialDistance.distance(a, b, limit: limit) == (full <= limit ? full : nil), "\(a) \(b) limit \(limit)")
            }
            // The same with a character more on one side.
            var c = b
            c.insert(alphabet.randomElement(using: &random)!, at: Int.random(in: 0...c.count, using: &random))
            let longer = Self.fullDistance(a, c)
            for limit in [3, 4, 5, 8, 11] {
                #expect(SerialDistance.distance(a, c, limit: limit) == (longer <= limit ? longer : nil), "\(a) \(c) limit \(limit)")
                #expect(SerialDistance.distance(c, a, limit: limit) == (longer <= limit ? longer : nil), "\(c) \(a) limit \(limit)")
            }
        }
        #expect(shifted > 500)
    }
}
