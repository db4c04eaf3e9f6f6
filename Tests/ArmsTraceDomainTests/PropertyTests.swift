import ArmsTraceDomain
import Foundation
import Testing

/// Properties that must hold for every input, each checked on 1,000 generated cases (deterministic seeds, so a
/// failure repeats).
@Suite struct PropertyTests {
    static let cases = 1_000

    /// Writing a record as a CSV row and reading the row back gives the record, whatever its free text holds.
    @Test func everyRecordReadsBackFromItsCSVRow() throws {
        var demo = DemoData(seed: 11)
        var random = SeededGenerator(seed: 11)
        let salts = [",", "\"", "\n", "\"\",\"", " ; ", "é", "Ж", "😀", "a,b\nc", "'", "\\", "=1+1", "\t"]
        var details = (0..<Self.cases).map { _ in demo.next().details }
        for index in details.indices {
            let salt = { "x" + salts.randomElement(using: &random)! + salts.randomElement(using: &random)! + "y" }
            if Bool.random(using: &random) { details[index].notes = salt() }
            if Bool.random(using: &random) { details[index].event.circumstances = salt() }
            if Bool.random(using: &random), !details[index].markings.isEmpty { details[index].markings[0].location = salt() }
        }
        var parser = CSVParser()
        var rows: [CSVParser.Row] = []
        try parser.parse(Array((RecordCSV.headerRow + details.map(RecordCSV.row).joined()).utf8)) { rows.append($0) }
        try parser.finish { rows.append($0) }
        let header = try RecordCSV.Header(rows[0])
        #expect(rows.count == Self.cases + 1)
        let validator = RecordValidator(owner: MemberCode("ZZZ")!)
        for (row, original) in zip(rows.dropFirst(), details) {
            #expect(try validator.validate(try header.input(row)) == original, "line \(row.line)")
        }
    }

    /// Normalising a serial twice gives what normalising it once gave, for serials typed with look-alikes, spaces,
    /// dashes, other scripts and wildcards.
    @Test func normalisationIsIdempotent() {
        var random = SeededGenerator(seed: 12)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789OIlSBZG -/._?*#éÉАОВ№ ")
        for _ in 0..<Self.cases {
            let serial = String((0..<Int.random(in: 0...24, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let once = SerialNormalizer.normalizedText(serial)
            #expect(SerialNormalizer.normalizedText(once) == once, "\(serial)")
            let pattern = SerialNormalizer.normalizePattern(serial)
            #expect(SerialNormalizer.normalizePattern(String(decoding: pattern, as: UTF8.self)) == pattern, "\(serial)")
        }
    }
}
