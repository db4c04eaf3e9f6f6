public import Foundation

/// Realistic synthetic data for demonstrations and benchmarks: a dozen states and two organisations, and weapon
/// records with real-world makes, models and calibres per category, serials shaped like each maker's, and
/// statuses, dates and countries in plausible proportions. Deterministic for a seed.
public struct DemoData: Sendable {
    /// One generated record: its owner, details and when it was entered.
    public struct Record: Sendable {
        public var owner: MemberCode
        public var details: WeaponRecord.Details
        public var enteredAt: Date
    }

    /// The demo members: twelve states on four continents and two organisations.
    public static let members: [Member] = [
        ("KEN", "Kenya"), ("UGA", "Uganda"), ("NGA", "Nigeria"), ("GHA", "Ghana"), ("ZAF", "South Africa"),
        ("BRA", "Brazil"), ("COL", "Colombia"), ("MEX", "Mexico"), ("DEU", "Germany"), ("FRA", "France"),
        ("PHL", "Philippines"), ("UKR", "Ukraine"), ("UNODA", "United Nations Office for Disarmament Affairs"),
        ("INTERPOL", "International Criminal Police Organization"),
    ].map { Member(id: MemberCode($0.0)!, kind: Countries.contains($0.0) ? .state : .organisation, name: $0.1) }

    private var generator: SeededGenerator
    private var sequence = 0
    /// The day the data is generated for: no date falls after it.
    private let today: CalendarDate
    private let now: Date

    /// - Parameters:
    ///   - seed: the same seed gives the same records.
    ///   - now: the present as the data sees it.
    public init(seed: UInt64, now: Date = Date()) {
        generator = SeededGenerator(seed: seed)
        self.now = now
        today = CalendarDate(now)
    }

    /// The next record.
    public mutating func next() -> Record {
        sequence += 1
        let owner = pickOwner()
        let category = pick(Self.categoryWeights)
        let model = pick(Self.models.filter { $0.category == category }.map { ($0, 1) })
        let status = pick(Self.statusWeights)
        let yearOfManufacture = int(model.years)
        let serial = makeSerial(model.serialPattern)
        let obliteration = pick([(SerialObliteration.no, 95), (.partly, 4), (.yes, 1)])
        var serialAsRead: String? = serial
        if obliteration == .partly { serialAsRead = damage(serial) }
        if obliteration == .yes { serialAsRead = nil }

        let eventCountry = owner.impliedKind == .state ? owner.rawValue : pick(Self.stateCodes.map { ($0, 1) })
        var importCountry: String?
        var importYear: Int?
        if model.country != eventCountry, chance(45) {
            importCountry = chance(80) ? eventCountry : pick(Self.stateCodes.map { ($0, 1) })
            importYear = min(today.year, yearOfManufacture + int(0...12))
        }
        let earliest = max(yearOfManufacture, importYear ?? 0, today.year - 12)
        let eventDate = date(inYears: earliest...today.year)

        var markings = [
            Marking(
                kind: .manufacture,
                text: "\(model.make) \(model.model) \(obliteration == .no ? serial : (serialAsRead ?? "ground off"))",
                location: model.category.isSmallArm ? pick([("frame", 3), ("receiver", 3), ("slide", 1)]) : "tube"
            )
        ]
        if let importCountry, let importYear {
            markings.append(Marking(kind: .import, text: "\(importCountry) \(importYear)", location: "frame"))
        }
        if chance(8) { markings.append(Marking(kind: .state, text: "\(eventCountry) POLICE", location: "receiver")) }
        if chance(10) { markings.append(Marking(kind: .proof, text: pick([("crown over BNP", 1), ("eagle N", 1), ("PV", 1)]), location: "barrel")) }

        let places = Self.places[eventCountry] ?? ["Capital district"]
        let context = pick(Self.criminalContexts)
        let sharing: Sharing =
            switch int(1...100) {
            case 1...75: .all
            case 76...88: .owner
            default: .members(neighbours(of: owner))
            }
        let details = WeaponRecord.Details(
            externalRef: "\(owner.rawValue)-\(eventDate.year)-\(String(sequence).leftPadded(to: 7))",
            category: category,
            make: model.make,
            model: model.model,
            calibre: model.calibre,
            serialNumber: serialAsRead,
            serialObliterated: obliteration,
            markings: markings,
            countryOfManufacture: model.country,
            yearOfManufacture: yearOfManufacture,
            importCountry: importCountry,
            importYear: importYear,
            status: status,
            event: WeaponRecord.Event(
                date: eventDate,
                country: eventCountry,
                place: pick(places.map { ($0, 1) }),
                circumstances: circumstances(status),
                legalJustification: [.seized, .found, .surrendered, .recovered].contains(status) ? pick(Self.legalBases.map { ($0, 1) }) : nil,
                criminalContext: [.seized, .trafficked, .recovered].contains(status) ? context : nil,
                caseReference: "CR/\(int(100...9999))/\(eventDate.year)"
            ),
            sharing: sharing,
            notes: chance(10) ? "Weapon held at the regional forensic laboratory." : nil
        )
        let enteredAt = min(now, eventDate.startDate.addingTimeInterval(Double(int(3600...(86_400 * 20)))))
        return Record(owner: owner, details: details, enteredAt: enteredAt)
    }

    // MARK: - Proportions

    private static let stateCodes = members.filter { $0.kind == .state }.map(\.id.rawValue)

    private static let categoryWeights: [(WeaponCategory, Int)] = [
        (.revolverPistol, 35), (.assaultRifle, 20), (.rifleCarbine, 15), (.shotgun, 12), (.submachineGun, 5),
        (.lightMachineGun, 3), (.otherSmallArm, 2), (.heavyMachineGun, 1), (.grenadeLauncher, 2), (.antiAircraftGun, 1),
        (.antiTankGun, 1), (.recoillessRifle, 1), (.antiTankLauncher, 1), (.manpads, 1), (.mortar, 1), (.otherLightWeapon, 1),
    ]

    private static let statusWeights: [(RecordStatus, Int)] = [
        (.seized, 35), (.stolen, 18), (.lost, 12), (.found, 12), (.surrendered, 10), (.trafficked, 5), (.recovered, 5),
        (.destroyed, 3),
    ]

    private struct Model {
        var category: WeaponCategory
        var make: String
        var model: String
        var calibre: String
        var country: String
        var years: ClosedRange<Int>
        /// `A` a letter, `9` a digit, anything else literal.
        var serialPattern: String
    }

    private static let models: [Model] = [
        Model(category: .revolverPistol, make: "Glock", model: "17", calibre: "9x19mm", country: "AUT", years: 1985...2023, serialPattern: "AAA999"),
        Model(category: .revolverPistol, make: "Glock", model: "19", calibre: "9x19mm", country: "AUT", years: 1990...2023, serialPattern: "AAA999"),
        Model(
            category: .revolverPistol,
            make: "Beretta",
            model: "92FS",
            calibre: "9x19mm",
            country: "ITA",
            years: 1989...2023,
            serialPattern: "BER999999Z"
        ),
        Model(
            category: .revolverPistol,
            make: "Smith & Wesson",
            model: "M&P9",
            calibre: "9x19mm",
            country: "USA",
            years: 2005...2023,
            serialPattern: "AAA9999"
        ),
        Model(
            category: .revolverPistol,
            make: "Smith & Wesson",
            model: "686",
            calibre: ".357 Magnum",
            country: "USA",
            years: 1981...2020,
            serialPattern: "AAA9999"
        ),
        Model(
            category: .revolverPistol,
            make: "Taurus",
            model: "PT92",
            calibre: "9x19mm",
            country: "BRA",
            years: 1983...2023,
            serialPattern: "TAA99999"
        ),
        Model(category: .revolverPistol, make: "CZ", model: "75 B", calibre: "9x19mm", country: "CZE", years: 1976...2023, serialPattern: "A999999"),
        Model(
            category: .revolverPistol,
            make: "Izhmekh",
            model: "PM (Makarov)",
            calibre: "9x18mm Makarov",
            country: "RUS",
            years: 1951...1995,
            serialPattern: "AA9999"
        ),
        Model(
            category: .revolverPistol,
            make: "Norinco",
            model: "Type 54",
            calibre: "7.62x25mm Tokarev",
            country: "CHN",
            years: 1954...1990,
            serialPattern: "9999999"
        ),
        Model(
            category: .revolverPistol,
            make: "SIG Sauer",
            model: "P226",
            calibre: "9x19mm",
            country: "CHE",
            years: 1984...2023,
            serialPattern: "U999999"
        ),
        Model(
            category: .rifleCarbine,
            make: "Remington",
            model: "700",
            calibre: ".308 Winchester",
            country: "USA",
            years: 1962...2020,
            serialPattern: "G9999999"
        ),
        Model(
            category: .rifleCarbine,
            make: "Ruger",
            model: "10/22",
            calibre: ".22 LR",
            country: "USA",
            years: 1964...2023,
            serialPattern: "999-99999"
        ),
        Model(
            category: .rifleCarbine,
            make: "Tula Arms",
            model: "Mosin-Nagant M91/30",
            calibre: "7.62x54mmR",
            country: "RUS",
            years: 1930...1945,
            serialPattern: "AA9999"
        ),
        Model(
            category: .rifleCarbine,
            make: "BSA",
            model: "Lee-Enfield No. 4",
            calibre: ".303 British",
            country: "GBR",
            years: 1941...1955,
            serialPattern: "A9999"
        ),
        Model(category: .shotgun, make: "Mossberg", model: "500", calibre: "12 gauge", country: "USA", years: 1961...2023, serialPattern: "U999999"),
        Model(
            category: .shotgun,
            make: "Remington",
            model: "870",
            calibre: "12 gauge",
            country: "USA",
            years: 1951...2023,
            serialPattern: "AB999999M"
        ),
        Model(category: .shotgun, make: "Baikal", model: "IZH-43", calibre: "12 gauge", country: "RUS", years: 1986...2015, serialPattern: "9999999"),
        Model(category: .shotgun, make: "Benelli", model: "M4", calibre: "12 gauge", country: "ITA", years: 1999...2023, serialPattern: "M999999"),
        Model(
            category: .submachineGun,
            make: "Heckler & Koch",
            model: "MP5",
            calibre: "9x19mm",
            country: "DEU",
            years: 1966...2023,
            serialPattern: "99-999999"
        ),
        Model(category: .submachineGun, make: "IMI", model: "Uzi", calibre: "9x19mm", country: "ISR", years: 1954...2002, serialPattern: "SA99999"),
        Model(
            category: .submachineGun,
            make: "CZ",
            model: "vz. 61 Skorpion",
            calibre: "7.65x17mm",
            country: "CZE",
            years: 1961...1991,
            serialPattern: "A9999"
        ),
        Model(
            category: .assaultRifle,
            make: "Izhmash",
            model: "AKM",
            calibre: "7.62x39mm",
            country: "RUS",
            years: 1959...1977,
            serialPattern: "AA9999"
        ),
        Model(
            category: .assaultRifle,
            make: "Kalashnikov Concern",
            model: "AK-74M",
            calibre: "5.45x39mm",
            country: "RUS",
            years: 1991...2023,
            serialPattern: "999999999"
        ),
        Model(
            category: .assaultRifle,
            make: "Norinco",
            model: "Type 56",
            calibre: "7.62x39mm",
            country: "CHN",
            years: 1956...2000,
            serialPattern: "99999999"
        ),
        Model(
            category: .assaultRifle,
            make: "Zastava",
            model: "M70",
            calibre: "7.62x39mm",
            country: "SRB",
            years: 1970...2023,
            serialPattern: "A-999999"
        ),
        Model(
            category: .assaultRifle,
            make: "FN Herstal",
            model: "FAL",
            calibre: "7.62x51mm NATO",
            country: "BEL",
            years: 1954...1988,
            serialPattern: "9999999"
        ),
        Model(
            category: .assaultRifle,
            make: "Heckler & Koch",
            model: "G3",
            calibre: "7.62x51mm NATO",
            country: "DEU",
            years: 1959...1997,
            serialPattern: "A99999"
        ),
        Model(
            category: .assaultRifle,
            make: "Colt",
            model: "M16A2",
            calibre: "5.56x45mm NATO",
            country: "USA",
            years: 1983...2010,
            serialPattern: "A9999999"
        ),
        Model(
            category: .lightMachineGun,
            make: "FN Herstal",
            model: "Minimi",
            calibre: "5.56x45mm NATO",
            country: "BEL",
            years: 1974...2023,
            serialPattern: "99999"
        ),
        Model(
            category: .lightMachineGun,
            make: "Molot",
            model: "RPK",
            calibre: "7.62x39mm",
            country: "RUS",
            years: 1961...1990,
            serialPattern: "AA999"
        ),
        Model(
            category: .otherSmallArm,
            make: "Unknown (craft)",
            model: "Pipe gun",
            calibre: "12 gauge",
            country: "GHA",
            years: 1990...2023,
            serialPattern: "GH9999"
        ),
        Model(
            category: .heavyMachineGun,
            make: "Degtyaryov Plant",
            model: "DShKM",
            calibre: "12.7x108mm",
            country: "RUS",
            years: 1946...1980,
            serialPattern: "AA999"
        ),
        Model(
            category: .heavyMachineGun,
            make: "Browning",
            model: "M2HB",
            calibre: ".50 BMG",
            country: "USA",
            years: 1933...2020,
            serialPattern: "999999"
        ),
        Model(
            category: .grenadeLauncher,
            make: "Colt",
            model: "M203",
            calibre: "40x46mm",
            country: "USA",
            years: 1969...2015,
            serialPattern: "99999"
        ),
        Model(
            category: .grenadeLauncher,
            make: "Tula Arms",
            model: "GP-25",
            calibre: "40mm VOG-25",
            country: "RUS",
            years: 1978...2000,
            serialPattern: "AA9999"
        ),
        Model(
            category: .antiAircraftGun,
            make: "Degtyaryov Plant",
            model: "ZPU-1",
            calibre: "14.5x114mm",
            country: "RUS",
            years: 1949...1980,
            serialPattern: "9999"
        ),
        Model(category: .antiTankGun, make: "Norinco", model: "Type 36", calibre: "57mm", country: "CHN", years: 1952...1975, serialPattern: "99999"),
        Model(
            category: .recoillessRifle,
            make: "Saab Bofors",
            model: "Carl Gustaf M2",
            calibre: "84mm",
            country: "SWE",
            years: 1964...2010,
            serialPattern: "99999"
        ),
        Model(
            category: .recoillessRifle,
            make: "Degtyaryov Plant",
            model: "SPG-9",
            calibre: "73mm",
            country: "RUS",
            years: 1962...1990,
            serialPattern: "AA999"
        ),
        Model(
            category: .antiTankLauncher,
            make: "Bazalt",
            model: "RPG-7V",
            calibre: "40mm",
            country: "RUS",
            years: 1961...2010,
            serialPattern: "AA9999"
        ),
        Model(category: .manpads, make: "KBM", model: "9K32 Strela-2", calibre: "72mm", country: "RUS", years: 1968...1990, serialPattern: "99999"),
        Model(
            category: .mortar,
            make: "Motovilikha Plants",
            model: "2B14 Podnos",
            calibre: "82mm",
            country: "RUS",
            years: 1983...2010,
            serialPattern: "AA999"
        ),
        Model(
            category: .otherLightWeapon,
            make: "Norinco",
            model: "Type 69 (RPG)",
            calibre: "40mm",
            country: "CHN",
            years: 1969...2000,
            serialPattern: "9999999"
        ),
    ]

    private static let places: [String: [String]] = [
        "KEN": ["Nairobi", "Mombasa", "Kisumu", "Garissa", "Lodwar"], "UGA": ["Kampala", "Gulu", "Moroto", "Mbarara"],
        "NGA": ["Lagos", "Abuja", "Kano", "Port Harcourt", "Maiduguri"], "GHA": ["Accra", "Kumasi", "Tamale"],
        "ZAF": ["Johannesburg", "Cape Town", "Durban", "Gqeberha"], "BRA": ["São Paulo", "Rio de Janeiro", "Foz do Iguaçu"],
        "COL": ["Bogotá", "Medellín", "Cali", "Cúcuta"], "MEX": ["Ciudad Juárez", "Tijuana", "Culiacán", "Mexico City"],
        "DEU": ["Hamburg port", "Berlin", "Frankfurt airport"], "FRA": ["Marseille", "Paris", "Lyon"],
        "PHL": ["Manila", "Cebu", "Davao"], "UKR": ["Odesa", "Kyiv", "Kharkiv", "Lviv"],
    ]

    private static let legalBases = [
        "Firearms Act, possession without a licence", "Customs Act, undeclared import", "Penal Code, weapon used in an offence",
        "Voluntary surrender under the national amnesty", "Court order",
    ]

    private static let criminalContexts: [(String, Int)] = [
        ("armed robbery", 5), ("drug trafficking", 4), ("cattle rustling", 2), ("organised crime", 3), ("homicide", 2),
        ("illicit possession", 6), ("smuggling across a land border", 3), ("none known", 3),
    ]

    private func circumstances(_ status: RecordStatus) -> String {
        switch status {
        case .lost: "Reported lost by the licensed holder."
        case .stolen: "Stolen from a licensed holder's residence."
        case .trafficked: "Identified in a trafficking investigation."
        case .seized: "Seized at a vehicle checkpoint."
        case .found: "Found in an arms cache."
        case .surrendered: "Handed in during a collection campaign."
        case .recovered: "Recovered after a reported theft."
        case .destroyed: "Destroyed after forfeiture."
        }
    }

    // MARK: - Drawing

    private mutating func pickOwner() -> MemberCode {
        chance(2) ? Self.members[12 + int(0...1)].id : MemberCode(Self.stateCodes[int(0...(Self.stateCodes.count - 1))])!
    }

    private mutating func neighbours(of owner: MemberCode) -> [MemberCode] {
        let others = Self.members.map(\.id).filter { $0 != owner }
        return Array(Set((0..<int(1...3)).map { _ in others[int(0...(others.count - 1))] })).sorted()
    }

    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }

    private mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    private mutating func pick<T>(_ weighted: [(T, Int)]) -> T {
        var roll = int(1...weighted.reduce(0) { $0 + $1.1 })
        for (value, weight) in weighted {
            roll -= weight
            if roll <= 0 { return value }
        }
        return weighted[weighted.count - 1].0
    }

    private mutating func makeSerial(_ pattern: String) -> String {
        let letters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")
        return String(
            pattern.map { character -> Character in
                switch character {
                case "A": letters[int(0...(letters.count - 1))]
                case "9": Character(String(int(0...9)))
                default: character
                }
            }
        )
    }

    /// A partly unreadable serial: one to three characters become `?`, or the leading ones a `*`.
    private mutating func damage(_ serial: String) -> String {
        var characters = Array(serial)
        if chance(30), characters.count > 3 { return "*" + String(characters.dropFirst(int(1...2))) }
        for _ in 0..<int(1...min(3, characters.count - 1)) { characters[int(0...(characters.count - 1))] = "?" }
        return String(characters)
    }

    private mutating func date(inYears years: ClosedRange<Int>) -> CalendarDate {
        let year = int(years)
        let month = year == today.year ? int(1...today.month) : int(1...12)
        let lastDay = year == today.year && month == today.month ? today.day : CalendarDate.daysIn(month: month, year: year)
        return CalendarDate(year: year, month: month, day: int(1...lastDay))!
    }
}

extension CalendarDate {
    /// Midnight UTC at the start of the day.
    public var startDate: Date {
        Calendar.utc.date(from: DateComponents(year: year, month: month, day: day))!
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
