import ArmsTraceDomain
import Foundation
import Testing

@Suite struct ModelTests {
    @Test(arguments: [
        ("KEN", true), ("UNODA", true), ("INTERPOL", true), ("ken", false), ("K", false), ("1AB", false), ("TOOLONGCODE12", false), ("K-N", false),
    ])
    func memberCodes(text: String, valid: Bool) {
        #expect((MemberCode(text) != nil) == valid)
    }

    @Test func memberKindFollowsTheCode() throws {
        #expect(try Member.validated(code: "KEN", name: " Kenya ") == Member(id: MemberCode("KEN")!, kind: .state, name: "Kenya"))
        #expect(try Member.validated(code: "UNODA", name: "UNODA").kind == .organisation)
        #expect(throws: DomainError.self) { try Member.validated(code: "ke", name: "") }
    }

    @Test func calendarDates() {
        #expect(CalendarDate("2024-02-29")?.description == "2024-02-29")
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("2024-2-1") == nil)
        #expect(CalendarDate("0999-12-31")?.description == "0999-12-31")
        for malformed in ["", "2024-02-291", "2024-02-2", "2024/02/29", "+202-02-02", "2024-0a-01", "2024-00-10", "2024-13-01", "２０２４-01-01"] {
            #expect(CalendarDate(malformed) == nil, "\(malformed)")
        }
        #expect(CalendarDate("2024-02-29"[...])?.day == 29, "a substring too")
        #expect(CalendarDate("2024-01-31")! < CalendarDate("2024-02-01")!)
    }

    @Test func identifiersAreTimeOrderedEvenWithinOneMillisecond() {
        let now = Date()
        let ids = (0..<5000).map { _ in WeaponRecord.ID.generate(at: now) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        #expect(ids[0].description.dropFirst(14).first == "7", "version 7")
        #expect(WeaponRecord.ID(ids[0].description) == ids[0])
        #expect(WeaponRecord.ID("not-a-uuid") == nil)
    }

    @Test func snapshotIsWhatJSONEncoderWrites() throws {
        var demo = DemoData(seed: 5)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        for _ in 0..<300 {
            var details = demo.next().details
            details.notes = "quote \" backslash \\ newline \n tab \t bell \u{7} é"
            let decoded = try decoder.decode(WeaponRecord.Details.self, from: Data(details.snapshotJSON().utf8))
            #expect(decoded == details)
            let located = details.snapshotLocatingMarkings()
            #expect(String(decoding: located.bytes[located.markings], as: UTF8.self) == details.markings.jsonText())
        }
    }

    @Test func historyChangesCompareFieldByField() {
        let before: [String: JSONValue] = ["status": .string("seized"), "event": .object(["date": .string("2024-01-01"), "place": .string("A")])]
        let after: [String: JSONValue] = ["status": .string("destroyed"), "event": .object(["date": .string("2024-01-01")]), "notes": .string("n")]
        #expect(
            RecordHistoryEntry.changes(from: before, to: after) == [
                .init(field: "event.place", from: .string("A"), to: nil),
                .init(field: "notes", from: nil, to: .string("n")),
                .init(field: "status", from: .string("seized"), to: .string("destroyed")),
            ]
        )
        #expect(RecordHistoryEntry.changes(from: nil, to: ["make": .string("Glock")]) == [.init(field: "make", from: nil, to: .string("Glock"))])
    }

    @Test func visibilityFollowsSharing() {
        let ken = MemberCode("KEN")!
        let uga = MemberCode("UGA")!
        let fra = MemberCode("FRA")!
        func record(_ sharing: Sharing) -> WeaponRecord {
            WeaponRecord(
                id: .generate(),
                owner: ken,
                version: 1,
                details: .init(externalRef: "x", category: .shotgun, make: "m", serialNumber: "1", status: .lost, sharing: sharing),
                createdAt: Date(),
                updatedAt: Date()
            )
        }
        #expect(record(.owner).isVisible(to: ken) && !record(.owner).isVisible(to: uga))
        #expect(record(.all).isVisible(to: fra))
        #expect(record(.members([uga])).isVisible(to: uga) && !record(.members([uga])).isVisible(to: fra))
    }

    @Test func demoDataIsDeterministic() {
        var first = DemoData(seed: 9, now: Date(timeIntervalSince1970: 1_780_000_000))
        var second = DemoData(seed: 9, now: Date(timeIntervalSince1970: 1_780_000_000))
        for _ in 0..<200 {
            let a = first.next()
            let b = second.next()
            #expect(a.details == b.details && a.owner == b.owner && a.enteredAt == b.enteredAt)
        }
    }

    @Test func markingsReadBackFromTheStoredJSON() throws {
        let markings = [
            Marking(kind: .manufacture, text: "Norinco 56-1 \"5612345\" \\ back", location: "\"text\":\"receiver\""),
            Marking(kind: .import, text: "KEN\n2019\t\u{01}é 🇰🇪 1/2"),
            Marking(kind: .other, text: ""),
        ]
        #expect([Marking](storedJSON: markings.jsonText()) == markings)
        #expect([Marking](storedJSON: "[]") == [])
        // The escapes JSONEncoder writes besides.
        #expect([Marking](storedJSON: #"[{"kind":"other","text":"1\/2 \u00e9"}]"#) == [Marking(kind: .other, text: "1/2 é")])
        // Any other form is left to a decoder.
        for other in [
            "[{\"text\":\"unterminated", "[{\"kind\": \"other\", \"text\": \"A\"}]", "[{\"kind\":\"nail\",\"text\":\"A\"}]",
            "[{\"kind\":\"other\",\"text\":\"A\"}] ", "[{\"kind\":\"other\",\"text\":\"\\ud83c\"}]", "",
        ] {
            #expect([Marking](storedJSON: other) == nil, "\(other)")
        }
    }
}
