import ArmsTraceDomain
import Testing

/// The make, model and calibre reference: its aliases resolve to one canonical name, it holds together, and the
/// demo data's makes and calibres are all in it.
@Suite struct WeaponReferenceTests {
    let reference = WeaponReference.standard

    @Test(arguments: [
        ("IZH", "Kalashnikov Concern"), ("Izhmash", "Kalashnikov Concern"), ("kalashnikov", "Kalashnikov Concern"),
        ("H&K", "Heckler & Koch"), ("Heckler und Koch", "Heckler & Koch"), ("HECKLER-KOCH", "Heckler & Koch"),
        ("Crvena Zastava", "Zastava Arms"), ("ZCZ", "Zastava Arms"), ("China North Industries", "Norinco"), ("Baikal", "Izhevsk Mechanical Plant"),
        ("IMI", "Israel Weapon Industries"), ("Fabrique Nationale", "FN Herstal"), ("S&W", "Smith & Wesson"), ("Ruger", "Sturm, Ruger & Co."),
        ("Česká zbrojovka", "Ceska zbrojovka"), ("Łucznik", "Fabryka Broni Radom"), ("Unknown (craft)", "Craft production"),
    ])
    func makersResolveByAnyName(typed: String, canonical: String) {
        #expect(reference.maker(typed)?.name == canonical, "\(typed)")
    }

    @Test(arguments: [
        ("7,62 x 39", "7.62x39mm"), ("7.62×39mm", "7.62x39mm"), ("7.62x39", "7.62x39mm"), ("7.62 Soviet", "7.62x39mm"),
        ("9mm Luger", "9x19mm"), ("9 x 19 mm", "9x19mm"), ("9x18", "9x18mm Makarov"), ("12 ga", "12 gauge"), ("12/70", "12 gauge"),
        (".32 ACP", "7.65x17mm"), ("7,65 mm", "7.65x17mm"), ("7.62x54R", "7.62x54mmR"), ("12.7 x 99", ".50 BMG"), (".223", "5.56x45mm NATO"),
        ("82 mm", "82mm"),
    ])
    func calibresResolveHoweverTheyAreWritten(typed: String, canonical: String) {
        #expect(reference.calibre(typed)?.name == canonical, "\(typed)")
    }

    @Test func modelsResolveWithinTheirMaker() {
        let glock = reference.maker("Glock")
        #expect(reference.model("Glock 17", maker: glock)?.name == "17")
        #expect(reference.model("G19", maker: glock)?.name == "19")
        #expect(reference.model("92", maker: reference.maker("Taurus"))?.name == "PT92")
        #expect(reference.model("92", maker: reference.maker("Beretta"))?.name == "92FS")
        #expect(reference.model("M4", maker: reference.maker("Benelli"))?.category == .shotgun)
        #expect(reference.model("M4", maker: reference.maker("Colt"))?.category == .assaultRifle)
        #expect(reference.model("Type 56-1")?.maker == "Norinco")
    }

    @Test func anIdentificationKeepsWhatWasTypedAndNamesWhatIsUnknown() {
        let known = reference.identify(make: "IZH", model: "AKM", calibre: "7,62 x 39")
        #expect(known.make == .init(typed: "IZH", canonical: "Kalashnikov Concern"))
        #expect(known.model == .init(typed: "AKM", canonical: "AKM"))
        #expect(known.calibre == .init(typed: "7,62 x 39", canonical: "7.62x39mm"))
        #expect(known.makerCountry == "RUS" && known.category == .assaultRifle && known.unknown.isEmpty)

        let unknown = reference.identify(make: "Acme Arms", model: "X1", calibre: "9 Acme")
        #expect(unknown.make.shown == "Acme Arms" && unknown.unknown == ["make", "model", "calibre"])
        // A known model tells the maker's country; a make the reference does not know stays flagged.
        let byModel = reference.identify(make: "Avtomat", model: "AK-74", calibre: nil)
        #expect(byModel.make.canonical == nil && byModel.unknown == ["make"] && byModel.makerCountry == "RUS")
    }

    /// A snapshot remembers its identifications and its marks' readings: the answers are the reference's own, asked
    /// once or again, and stay so when more are asked than it keeps (it then starts again empty).
    @Test func aSnapshotRemembersWhatTheReferenceAnswers() {
        let snapshot = ReferenceSnapshot(contributions: ReferenceContributions())
        let asked: [(String, String?, String?)] = [
            ("Kalashnikov", "AKM", "7.62x39"), ("H&K", "G3", "7.62x51"), ("Acme", nil, "9mm"), ("Zastava", "M70", nil),
        ]
        for _ in 0..<2 {
            for (make, model, calibre) in asked {
                #expect(
                    snapshot.identify(make: make, model: model, calibre: calibre) == reference.identify(make: make, model: model, calibre: calibre)
                )
            }
        }
        for index in 0..<5_000 {
            let make = "Maker \(index)"
            #expect(snapshot.identify(make: make, model: nil, calibre: nil) == reference.identify(make: make, model: nil, calibre: nil))
        }
        #expect(snapshot.identify(make: "IZH", model: "AKM", calibre: nil).make.canonical == "Kalashnikov Concern")

        let marks = [
            Marking(kind: .manufacture, text: "AKM 123456"), Marking(kind: .import, text: "KEN 19"), Marking(kind: .import, text: "KEN 2O19"),
        ]
        let check = {
            MarkingCheck(
                make: "Kalashnikov",
                model: "AKM",
                countryOfManufacture: nil,
                serialNumber: "123456",
                serialObliterated: .no,
                importCountry: "KEN",
                importYear: nil,
                markings: marks,
                under: snapshot
            )
        }
        let (first, again) = (check(), check())
        #expect(first == again)
        #expect(first.readings == ["'KEN 19': import mark of KEN, year of import 2019"])
        #expect(first.flags == ["import mark 'KEN 2O19' fits no published scheme of KEN"])
    }

    @Test func searchesCompareThroughTheReference() {
        #expect(SearchAttributes.key("IZH", .make) == SearchAttributes.key("Kalashnikov", .make))
        #expect(SearchAttributes.key("7,62 x 39", .calibre) == SearchAttributes.key("7.62x39mm", .calibre))
        #expect(SearchAttributes.key("Acme", .make) == SearchAttributes.key("ACME", .make), "unknown values still compare")
        #expect(SearchAttributes.key("M4", .model, make: "Benelli") != SearchAttributes.key("M4", .model, make: "Colt"))
        #expect(SearchAttributes.key("Glock", .make) != SearchAttributes.key("Glock", .model), "kinds never agree")
    }

    /// No name means two makers (or two calibres); every model's maker and calibres are in the reference.
    @Test func theReferenceHoldsTogether() {
        var makerNames: [String: String] = [:]
        for maker in reference.makers {
            for name in maker.allNames {
                let key = WeaponReference.key(name)!
                #expect(makerNames[key] == nil || makerNames[key] == maker.name, "\(name) names \(makerNames[key] ?? "") and \(maker.name)")
                makerNames[key] = maker.name
            }
            #expect(maker.country.isEmpty || Countries.contains(maker.country), "\(maker.name): \(maker.country)")
        }
        var calibreNames: [String: String] = [:]
        for calibre in reference.calibres {
            for name in [calibre.name] + calibre.aliases {
                let key = WeaponReference.calibreKey(name)!
                #expect(calibreNames[key] == nil || calibreNames[key] == calibre.name, "\(name) names \(calibreNames[key] ?? "") and \(calibre.name)")
                calibreNames[key] = calibre.name
            }
        }
        for model in reference.models {
            #expect(reference.makers.contains { $0.name == model.maker }, "\(model.name): maker \(model.maker)")
            for calibre in model.calibres { #expect(reference.calibre(calibre)?.name == calibre, "\(model.name): calibre \(calibre)") }
            #expect(reference.model(model.name, maker: reference.maker(model.maker))?.name == model.name)
        }
        #expect(reference.makers.count >= 45 && reference.models.count >= 100 && reference.calibres.count >= 35)
    }

    @Test func theDemoDataIsInTheReference() {
        var demo = DemoData(seed: 7)
        for _ in 0..<400 {
            let record = demo.next()
            let identification = reference.identify(make: record.details.make, model: record.details.model, calibre: record.details.calibre)
            #expect(identification.unknown.isEmpty, "\(record.details.make) \(record.details.model ?? "") \(record.details.calibre ?? "")")
        }
    }
}
