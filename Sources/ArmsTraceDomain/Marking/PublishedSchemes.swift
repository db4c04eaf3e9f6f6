/// The national marking schemes ArmsTrace starts with, in the style real schemes take (country codes, two- or
/// four-digit years, unit and maker codes, serials), written by the team for the demo members. Members publish
/// and version their own; these are a start and test material, not any state's official description.
public enum PublishedSchemes {
    typealias Element = MarkingScheme.Element

    static func scheme(
        _ member: String,
        _ kind: MarkingScheme.Kind,
        version: Int = 1,
        from date: String,
        _ description: String,
        _ elements: [Element],
        examples: [String]
    ) -> MarkingScheme {
        MarkingScheme(
            member: MemberCode(member)!,
            kind: kind,
            version: version,
            effectiveFrom: CalendarDate(date)!,
            description: description,
            elements: elements,
            examples: examples
        )
    }

    public static let all: [MarkingScheme] = [
        // Kenya: import marks with the country and year; police and other state weapons with GK, the unit, a number.
        scheme(
            "KEN",
            .import,
            from: "2012-01-01",
            "Country code and year of import, stamped on the receiver or frame.",
            [
                Element(.country, meaning: "country of import", alphabet: .letters, length: 3...3, values: ["KEN"]),
                .year(meaning: "year of import", earliest: 2012),
            ],
            examples: ["KEN 19", "KEN-2019", "KEN 12"]
        ),
        scheme(
            "KEN",
            .state,
            from: "2010-07-01",
            "GK (Government of Kenya), the holding service, and its inventory number.",
            [
                .literal("GK", meaning: "Government of Kenya"),
                Element(.unit, meaning: "holding service", alphabet: .letters, length: 2...4, values: ["KP", "AP", "KWS", "KDF", "KPS"]),
                Element(.serial, meaning: "inventory number", alphabet: .digits, length: 4...6),
            ],
            examples: ["GK KP 001234", "GK-KWS-04411", "GKAP7734"]
        ),
        // Uganda: a two-letter import mark until 2015, then three letters, four-digit year and the importer's licence.
        scheme(
            "UGA",
            .import,
            version: 1,
            from: "2008-01-01",
            "UG and the year of import (two digits).",
            [
                Element(.country, meaning: "country of import", alphabet: .letters, length: 2...2, values: ["UG"]),
                .year(meaning: "year of import", earliest: 2008),
            ],
            examples: ["UG 08", "UG-14"]
        ),
        scheme(
            "UGA",
            .import,
            version: 2,
            from: "2016-01-01",
            "UGA, the year of import (four digits) and the importer's licence number.",
            [
                Element(.country, meaning: "country of import", alphabet: .letters, length: 3...3, values: ["UGA"]),
                Element(.year, meaning: "year of import", alphabet: .digits, length: 4...4, earliest: 2016),
                Element(.unit, meaning: "importer's licence", alphabet: .digits, length: 3...3, optional: true),
            ],
            examples: ["UGA 2019 014", "UGA-2021-003", "UGA 2017"]
        ),
        scheme(
            "UGA",
            .state,
            from: "2009-01-01",
            "UPF (Uganda Police Force) or UPDF (defence forces) and a number.",
            [
                Element(.unit, meaning: "holding force", alphabet: .letters, length: 3...4, values: ["UPF", "UPDF", "UPS"]),
                Element(.serial, meaning: "inventory number", alphabet: .digits, length: 5...6),
            ],
            examples: ["UPF 00123", "UPDF-104552"]
        ),
        // Brazil: the Army's mark on its weapons; the import mark with BR and the year.
        scheme(
            "BRA",
            .state,
            from: "2000-01-01",
            "EB (Exército Brasileiro) and the Army's registration number.",
            [.literal("EB", meaning: "Brazilian Army"), Element(.serial, meaning: "registration number", alphabet: .alphanumeric, length: 6...8)],
            examples: ["EB 1234567", "EB-A12345"]
        ),
        scheme(
            "BRA",
            .import,
            from: "2019-01-01",
            "BR, the year of import, and the importer's code.",
            [
                Element(.country, meaning: "country of import", alphabet: .letters, length: 2...2, values: ["BR"]),
                Element(.year, meaning: "year of import", alphabet: .digits, length: 4...4, earliest: 2019),
                Element(.unit, meaning: "importer", alphabet: .alphanumeric, length: 2...4),
            ],
            examples: ["BR 2021 CB1", "BR-2020-IMP"]
        ),
        // Germany: manufacture marks with the maker's code, the country and the serial.
        scheme(
            "DEU",
            .manufacture,
            from: "1990-01-01",
            "Maker's code, GERMANY, and the serial number.",
            [
                Element(.maker, meaning: "maker", alphabet: .letters, length: 2...8, values: ["HK", "WALTHER", "SIG", "SAUER", "MAUSER"]),
                .literal("GERMANY", meaning: "country of manufacture"),
                Element(.serial, meaning: "serial number", alphabet: .alphanumeric, length: 5...10),
            ],
            examples: ["HK GERMANY 12-345678", "WALTHER GERMANY WK123456", "SIG GERMANY G12345"]
        ),
        // South Africa: the police service's mark.
        scheme(
            "ZAF",
            .state,
            from: "1995-01-01",
            "SAPS (South African Police Service) or SANDF and the inventory number.",
            [
                Element(.unit, meaning: "holding service", alphabet: .letters, length: 4...5, values: ["SAPS", "SANDF"]),
                Element(.serial, meaning: "inventory number", alphabet: .digits, length: 6...7),
            ],
            examples: ["SAPS 123456", "SANDF-0045512"]
        ),
        // The Philippines: PNP on police weapons; PHL and the year on imports.
        scheme(
            "PHL",
            .state,
            from: "1991-01-01",
            "PNP (Philippine National Police) and the property number.",
            [.literal("PNP", meaning: "Philippine National Police"), Element(.serial, meaning: "property number", alphabet: .digits, length: 5...7)],
            examples: ["PNP 004521", "PNP-1234567"]
        ),
        scheme(
            "PHL",
            .import,
            from: "2013-06-01",
            "PHL and the year of import.",
            [
                Element(.country, meaning: "country of import", alphabet: .letters, length: 3...3, values: ["PHL"]),
                .year(meaning: "year of import", earliest: 2013),
            ],
            examples: ["PHL 2018", "PHL-19"]
        ),
        // France: the mark on weapons passed from state stocks to civilian use.
        scheme(
            "FRA",
            .civilianTransfer,
            from: "2015-01-01",
            "FR, CIV and the year the weapon left state stocks.",
            [
                .literal("FR", meaning: "transferring state"), .literal("CIV", meaning: "civilian use"),
                .year(meaning: "year of transfer", earliest: 2015),
            ],
            examples: ["FR CIV 2016", "FR-CIV-18"]
        ),
    ]

    /// The schemes one member publishes, of one kind when given.
    public static func of(_ member: MemberCode, kind: MarkingScheme.Kind? = nil) -> [MarkingScheme] {
        all.filter { $0.member == member && (kind == nil || $0.kind == kind) }
    }
}
