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
