import ArmsTraceDomain
import Testing

/// National marking schemes as data: the published schemes of seven countries hold together, marks parse into
/// their elements, every example and every generated mark parses under its scheme, and records are checked against
/// ITI paras 8 to 10.
@Suite struct MarkingSchemeTests {
    @Test func thePublishedSchemesCoverSevenCountriesAndEachExampleParses() throws {
        let countries = Set(PublishedSchemes.all.map(\.member.rawValue))
        #expect(countries == ["KEN", "UGA", "BRA", "DEU", "ZAF", "PHL", "FRA"])
        for scheme in PublishedSchemes.all {
            try scheme.validate()
            for example in scheme.examples { #expect(MarkingParser.parse(example, under: scheme) != nil, "\(scheme.title): \(example)") }
        }
    }

    @Test func aMarkIsSplitIntoItsElementsAndNamed() throws {
        let fits = MarkingParser.fits("KEN 19", schemes: PublishedSchemes.all)
        #expect(fits.map(\.summary) == ["import mark of KEN, year of import 2019"])
        let state = try #require(MarkingParser.fits("GK-KWS-04411", schemes: PublishedSchemes.all).first)
        #expect(state.parts.map(\.text) == ["GK", "KWS", "04411"])
        #expect(state.summary == "state mark of KEN, holding service KWS, inventory number 04411")
        let german = try #require(MarkingParser.fits("HK GERMANY 12-345678", schemes: PublishedSchemes.all).first)
        #expect(german.parts.map(\.kind) == [.maker, .literal, .serial] && german.parts.last?.text == "12345678")
        #expect(MarkingParser.fits("KEN 2O19", schemes: PublishedSchemes.all).isEmpty, "a letter O where the year's digit is")
        #expect(MarkingParser.fits("KEN 2031", schemes: PublishedSchemes.all).isEmpty, "a year to come")
    }

    @Test func oldVersionsStayReadable() {
        let uganda = PublishedSchemes.of(MemberCode("UGA")!, kind: .import)
        #expect(uganda.map(\.version).sorted() == [1, 2])
        #expect(MarkingParser.fits("UG 08", schemes: uganda).map(\.version) == [1])
        #expect(MarkingParser.fits("UGA 2019 014", schemes: uganda).map(\.version) == [2])
        #expect(MarkingParser.fits("UGA 2017", schemes: uganda).first?.parts.count == 2, "the licence number is optional")
    }

    /// Property: a mark made from any scheme's elements (random values of the right alphabet, length and range,
    /// random separators or none) parses under that scheme, into the same characters.
    @Test func everyGeneratedMarkParsesUnderItsScheme() throws {
        var random = SeededGenerator(seed: 1642)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let digits = Array("0123456789")
        for scheme in PublishedSchemes.all {
            for _ in 0..<200 {
                var pieces: [String] = []
                for element in scheme.elements {
                    if element.optional && Bool.random(using: &random) { continue }
                    if let values = element.values {
                        pieces.append(values.randomElement(using: &random)!)
                    } else if element.kind == .year {
                        let year = Int.random(in: max(element.earliest ?? 1900, 2000)...2026, using: &random)
                        pieces.append(
                            element.maxLength == 4 && (element.minLength == 4 || Bool.random(using: &random))
                                ? String(year) : String(year % 100).leftPadded(2)
                        )
                    } else {
                        let length = Int.random(in: element.minLength...element.maxLength, using: &random)
                        let alphabet = element.alphabet == .letters ? letters : element.alphabet == .digits ? digits : letters + digits
                        pieces.append(String((0..<length).map { _ in alphabet.randomElement(using: &random)! }))
                    }
                }
                let mark = pieces.joined(separator: [" ", "-", "", "/"].randomElement(using: &random)!)
                let parse = try #require(MarkingParser.parse(mark, under: scheme), "\(scheme.title): \(mark)")
                #expect(parse.parts.map(\.text).joined() == String(MarkingParser.characters(mark)))
            }
        }
    }

    @Test func recordsAreCheckedAgainstTheITI() {
        let complete = MarkingCheck(
            make: "Zastava",
            model: "M70",
            countryOfManufacture: "SRB",
            serialNumber: "BX4471",
            serialObliterated: .no,
            importCountry: "KEN",
            importYear: 2019,
            markings: [Marking(kind: .manufacture, text: "ZCZ M70 BX4471"), Marking(kind: .import, text: "KEN 19")]
        )
        #expect(complete.complete && complete.flags.isEmpty)
        #expect(complete.readings == ["'KEN 19': import mark of KEN, year of import 2019"])

        let gaps = MarkingCheck(
            make: "Acme",
            model: nil,
            countryOfManufacture: nil,
            serialNumber: nil,
            serialObliterated: .yes,
            importCountry: "KEN",
            importYear: nil,
            markings: []
        )
        #expect(
            gaps.missing == [
                "manufacture mark", "manufacture mark: country of manufacture", "manufacture mark: serial number (obliterated)", "import mark",
            ]
        )

        // A mark that fits none of its country's schemes is flagged, not refused; the maker's country comes from
        // the reference when the record leaves it out.
        let odd = MarkingCheck(
            make: "Kalashnikov",
            model: "AKM",
            countryOfManufacture: nil,
            serialNumber: "123456",
            serialObliterated: .no,
            importCountry: "KEN",
            importYear: nil,
            markings: [Marking(kind: .manufacture, text: "AKM 123456"), Marking(kind: .import, text: "KEN 2O19")]
        )
        #expect(odd.complete)
        #expect(odd.flags == ["import mark 'KEN 2O19' fits no published scheme of KEN", "import mark: year of import not recorded"])
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
