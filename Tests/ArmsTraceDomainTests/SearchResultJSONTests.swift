import Foundation
import Testing

@testable import ArmsTraceDomain

/// ``SearchResult/jsonBytes()`` against `JSONEncoder` with the API's settings, over demo records with every kind of
/// candidate, optional fields present and absent, and text that needs escaping.
@Suite struct SearchResultJSONTests {
    /// The API's encoder (`APIJSON.encoder`), and the same without escaping `/`, which the hand-written JSON leaves
    /// as it is (both are valid JSON for the same string).
    static func encoder(escapingSlashes: Bool) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    @Test func handWrittenJSONIsWhatTheAPIEncoderWrites() throws {
        var demo = DemoData(seed: 17)
        var random = SeededGenerator(seed: 17)
        for round in 0..<300 {
            var candidates: [SearchCandidate] = []
            var restricted: [RestrictedHit] = []
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let generated = demo.next()
                var details = generated.details
                if round % 7 == 0 { details.model = nil }
                if round % 11 == 0 { details.make = "Ижмаш \"Izhmash\"\\ 50/50\n\t" }
                if round % 13 == 0 { details.calibre = nil }
                let serial = details.serialNumber ?? "AB123456"
                details.serialNumber = serial
                details.markings.append(Marking(kind: .other, text: "REF \(serial)", location: round % 2 == 0 ? "frame" : nil))
                let record = WeaponRecord(
                    id: .generate(),
                    owner: generated.owner,
                    version: 1,
                    details: details,
                    createdAt: Date(),
                    updatedAt: Date()
                )
                var damaged = Array(serial)
                if damaged.count > 2, round % 3 != 0 { damaged.swapAt(0, 1) }
                if round % 5 == 0 { damaged.removeLast() }
                let source: IndexMatch.Source = round % 4 == 0 ? .marking : .serial
                let query = try SerialQuery(SearchRequest(serial: source == .marking ? serial : String(damaged)))
                let match = IndexMatch(
                    recordID: record.id,
                    owner: record.owner,
                    source: source,
                    distance: 0,
                    agreements: round % 2 == 0 ? ["make", "category"] : [],
                    disagreements: round % 3 == 0 ? ["calibre"] : []
                )
                if let candidate = SearchCandidate(match, record: record, query: query) { candidates.append(candidate) }
                if round % 6 == 0 { restricted.append(RestrictedHit(reference: .generate(), owner: record.owner)) }
            }
            let result = SearchResult(
                searchID: .generate(),
                total: candidates.count + round,
                candidates: candidates,
                restricted: restricted,
                noticesSent: restricted.count
            )
            let written = result.jsonBytes()
            let parsed = try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary
            let expected = try JSONSerialization.jsonObject(with: Self.encoder(escapingSlashes: true).encode(result)) as? NSDictionary
            #expect(parsed != nil && parsed == expected, "round \(round): \(String(decoding: written, as: UTF8.self))")
            if round % 11 != 0 {
                // Plain text: byte for byte, key order and number forms included.
                let encoded = try Self.encoder(escapingSlashes: false).encode(result)
                #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self), "round \(round)")
            }
        }
    }
}
