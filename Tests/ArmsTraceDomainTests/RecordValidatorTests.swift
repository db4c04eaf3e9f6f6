import ArmsTraceDomain
import Testing

@Suite struct RecordValidatorTests {
    let validator = RecordValidator(today: CalendarDate("2026-06-15")!, owner: MemberCode("KEN")!)

    var valid: WeaponRecordInput {
        WeaponRecordInput(
            externalRef: " KEN-1 ",
            category: "revolver_pistol",
            make: "Glock",
            model: "17",
            calibre: "9x19mm",
            serialNumber: "ABC123",
            markings: [.init(kind: "manufacture", text: "GLOCK AUSTRIA ABC123", location: "frame")],
            countryOfManufacture: "aut",
            yearOfManufacture: 2015,
            importCountry: "KEN",
            importYear: 2016,
            status: "seized",
            event: .init(date: "2026-06-15", country: "KEN", place: "Nairobi"),
            sharing: .members(["uga", "KEN", "UGA"]),
            notes: ""
        )
    }

    private func errors(_ input: WeaponRecordInput) -> [FieldError] {
        do {
            _ = try validator.validate(input)
            return []
        } catch DomainError.invalid(let errors) {
            return errors
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    private func fields(_ change: (inout WeaponRecordInput) -> Void) -> [String] {
        var input = valid
        change(&input)
        return errors(input).map(\.field)
    }

    @Test func cleansAValidRecord() throws {
        let details = try validator.validate(valid)
        #expect(details.externalRef == "KEN-1")
        #expect(details.countryOfManufacture == "AUT")
        #expect(details.sharing == .members([MemberCode("UGA")!]), "codes are upper-cased, deduplicated, and the owner dropped")
        #expect(details.notes == nil, "an empty string is absent")
        #expect(details.serialObliterated == .no)
        #expect(details.event.date == CalendarDate("2026-06-15"))
    }

    /// C0 controls but tab and line feed, DEL, and the C1 controls (U+0080-009F) are refused in any text field;
    /// accented letters, whose UTF-8 also starts with C2 or C3, are kept.
    @Test(arguments: ["bell \u{7} ring", "nul \u{0} byte", "delete \u{7F} key", "next \u{85} line", "csi \u{9B} sequence"])
    func controlCharactersAreRefused(text: String) {
        #expect(fields { $0.make = text } == ["make"])
        #expect(fields { $0.notes = text } == ["notes"])
    }

    @Test func tabsLineFeedsAndAccentsAreText() {
        #expect(fields { $0.notes = "line one\nline two\tafter a tab; ¡señal! ÿ \u{A0}" }.isEmpty)
    }

    @Test func requiredFields() {
        #expect(errors(WeaponRecordInput()).map(\.field) == ["external_ref", "category", "make", "serial_number", "status"])
    }

    @Test func aRecordWithoutASerialNeedsObliterationAndOtherMarks() {
        #expect(fields { $0.serialNumber = nil } == ["serial_number"])
        #expect(
            fields {
                $0.serialNumber = nil
                $0.serialObliterated = "yes"
                $0.markings = []
            } == ["markings"]
        )
        #expect(
            fields {
                $0.serialNumber = nil
                $0.serialObliterated = "yes"
            } == []
        )
        #expect(fields { $0.serialNumber = "AB??23" } == ["serial_number"], "unreadable characters need partly or yes")
        #expect(
            fields {
                $0.serialNumber = "*B1234"
                $0.serialObliterated = "partly"
            } == []
        )
        #expect(fields { $0.serialNumber = "AB<12>" } == ["serial_number"])
        #expect(fields { $0.serialNumber = "ЖК 4812" } == [], "serials in other scripts are kept")
    }

    @Test(arguments: [
        ("country_of_manufacture", "XYZ"), ("import_country", "ZZ"), ("event.country", "EU"),
    ])
    func countriesAreAssignedCodes(field: String, code: String) {
        let result = fields { input in
            switch field {
            case "country_of_manufacture": input.countryOfManufacture = code
            case "import_country": input.importCountry = code
            default: input.event?.country = code
            }
        }
        #expect(result == [field])
    }

    @Test func yearsAndDatesArePlausible() {
        #expect(fields { $0.yearOfManufacture = 2027 } == ["year_of_manufacture"])
        #expect(fields { $0.yearOfManufacture = 1750 } == ["year_of_manufacture"])
        #expect(fields { $0.importYear = 2014 } == ["import_year"], "an import before manufacture")
        #expect(fields { $0.importCountry = nil } == ["import_country"], "an import year needs its country")
        #expect(fields { $0.event?.date = "2026-06-16" } == ["event.date"], "tomorrow")
        #expect(fields { $0.event?.date = "2014-12-31" } == ["event.date"], "before manufacture")
        #expect(fields { $0.event?.date = "2025-02-29" } == ["event.date"], "not a day")
        #expect(fields { $0.event?.date = "15/06/2026" } == ["event.date"])
    }

    @Test func enumerationsAndLimits() {
        #expect(fields { $0.category = "bazooka" } == ["category"])
        #expect(fields { $0.category = "ASSAULT_RIFLE" } == [], "codes are read without regard to case")
        #expect(fields { $0.status = "missing" } == ["status"])
        #expect(
            fields { $0.markings = [.init(kind: "stamp", text: "x"), .init(kind: "proof", text: " ")] } == ["markings[0].kind", "markings[1].text"]
        )
        #expect(fields { $0.sharing = .word("everyone") } == ["sharing"])
        #expect(fields { $0.sharing = .members(["ke n"]) } == ["sharing"])
        #expect(fields { $0.externalRef = String(repeating: "x", count: 101) } == ["external_ref"])
        #expect(fields { $0.make = "Glock\u{0007}" } == ["make"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let result = fields {
            $0.category = "x"
            $0.countryOfManufacture = "XXX"
            $0.yearOfManufacture = 3000
            $0.status = nil
        }
        #expect(result == ["category", "country_of_manufacture", "year_of_manufacture", "status"])
    }

    @Test func sharingListOfOnlyTheOwnerIsOwnerOnly() throws {
        var input = valid
        input.sharing = .members(["KEN"])
        #expect(try validator.validate(input).sharing == .owner)
    }

    @Test func demoRecordsPassTheRulesAndRoundTripThroughInput() throws {
        var demo = DemoData(seed: 11)
        for _ in 0..<2000 {
            let record = demo.next()
            let validator = RecordValidator(owner: record.owner)
            #expect(try validator.validate(WeaponRecordInput(record.details)) == record.details)
        }
    }
}
