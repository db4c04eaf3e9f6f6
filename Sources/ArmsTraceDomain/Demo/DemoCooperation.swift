public import Foundation

/// Cooperation for the demo, driven through the real services as each member's admin at the command line: the
/// directory's agencies and contacts, needs and offers at every stage of their lifecycle, training events past and
/// coming with officials registered and trained, and mutual legal assistance requests sent, answered and refused.
public struct DemoCooperation: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// Seeds the demo members' cooperation, once: does nothing when needs are already stored, or a demo member is
    /// missing.
    public func seed(now: Date = Date()) async throws {
        let codes = Set(try await repositories.members.list().map(\.id.rawValue))
        guard ["KEN", "UGA", "NGA", "GHA", "DEU", "FRA", "BRA", "COL", "ZAF", "PHL", "UNODA", "INTERPOL"].allSatisfy(codes.contains),
            try await repositories.cooperation.documents(AssistanceNeed.self, party: nil).isEmpty
        else { return }
        func admin(_ code: String) -> Actor { .commandLine(for: MemberCode(code)!) }
        func day(_ offset: Int) -> String { CalendarDate(now.addingTimeInterval(Double(offset) * 86_400)).description }

        let directory = DirectoryService(repositories: repositories)
        let agencies: [(String, String, String)] = [
            ("KEN", "Kenya National Focal Point on Small Arms and Light Weapons", "nfp.go.ke"),
            ("UGA", "Uganda National Focal Point on Small Arms and Light Weapons", "nfp.go.ug"),
            ("NGA", "National Centre for the Control of Small Arms and Light Weapons", "nccsalw.gov.ng"),
            ("GHA", "Ghana National Commission on Small Arms and Light Weapons", "smallarms.gov.gh"),
            ("ZAF", "South African Police Service, Central Firearms Register", "saps.gov.za"),
            ("BRA", "Polícia Federal, Diretoria de Combate ao Crime Organizado", "pf.gov.br"),
            ("DEU", "Bundeskriminalamt", "bka.de"),
            ("FRA", "Office central de lutte contre le crime organisé", "interieur.gouv.fr"),
            ("PHL", "Philippine National Police, Firearms and Explosives Office", "pnp.gov.ph"),
        ]
        for (code, agency, domain) in agencies {
            let languages = ["BRA": ["pt", "en"], "DEU": ["de", "en"], "FRA": ["fr", "en"], "KEN": ["en", "sw"]][code] ?? ["en"]
            for (role, name) in [("national_coordination_agency", "Director"), ("poa", "PoA point of contact"), ("iti_tracing", "Tracing desk")] {
                _ = try await directory.add(
                    PointOfContactInput(
                        role: role,
                        agency: agency,
                        name: name,
                        languages: languages,
                        email: "\(role.replacingOccurrences(of: "_", with: "-"))@\(domain)"
                    ),
                    by: admin(code)
                )
            }
        }

        let assistance = AssistanceService(repositories: repositories)
        let unscar = try await assistance.post(
            AssistanceOfferInput(
                title: "UNSCAR: stockpile management and marking courses",
                description:
                    "Physical security and stockpile management courses and marking machines with training, for states of Africa and the Americas.",
                areas: ["stockpile_management", "marking_and_tracing", "record_keeping"],
                kinds: ["training", "equipment", "expertise"],
                regions: ["africa", "americas"],
                budgetUsd: 150_000,
                start: day(-200),
                end: day(400)
            ),
            by: admin("UNODA")
        )
        let german = try await assistance.post(
            AssistanceOfferInput(
                title: "German small arms control fund",
                description: "Grants for depot security and the destruction of surplus weapons.",
                areas: ["stockpile_management", "destruction"],
                kinds: ["funds"],
                budgetUsd: 250_000
            ),
            by: admin("DEU")
        )
        _ = try await assistance.post(
            AssistanceOfferInput(
                title: "Drafting firearms legislation",
                areas: ["legislation"],
                kinds: ["expertise"],
                regions: ["africa"]
            ),
            by: admin("FRA")
        )
        let interpol = try await assistance.post(
            AssistanceOfferInput(
                title: "INTERPOL firearms tracing and iARMS training",
                areas: ["marking_and_tracing", "information_exchange", "law_enforcement"],
                kinds: ["training", "expertise"]
            ),
            by: admin("INTERPOL")
        )
        _ = try await assistance.post(
            AssistanceNeedInput(
                area: "stockpile_management",
                kinds: ["training"],
                title: "PSSM training for police armourers",
                description: "Forty armourers of the Kenya Police Service and the Administration Police.",
                scope: "12 county armouries",
                budgetUsd: 60_000,
                start: day(30),
                end: day(210),
                paragraph: "III 8"
            ),
            by: admin("KEN")
        )
        _ = try await assistance.post(
            AssistanceNeedInput(
                area: "legislation",
                kinds: ["expertise"],
                title: "Review of the Firearms Act against the ITI",
                budgetUsd: 25_000,
                paragraph: "II 2",
                detailsPublic: false
            ),
            by: admin("PHL")
        )
        let marking = try await assistance.post(
            AssistanceNeedInput(
                area: "marking_and_tracing",
                kinds: ["equipment", "training"],
                title: "Marking machines for the national police",
                description: "Two dot-peen marking machines and the training of their operators.",
                budgetUsd: 90_000,
                start: day(-120),
                end: day(120),
                paragraph: "ITI 8"
            ),
            by: admin("NGA")
        )
        _ = try await assistance.step(marking.id, to: .matched, offer: unscar.id, note: nil, by: admin("NGA"))
        _ = try await assistance.step(marking.id, to: .inProgress, offer: nil, note: "First machine delivered to Abuja", by: admin("UNODA"))
        let depots = try await assistance.post(
            AssistanceNeedInput(
                area: "destruction",
                kinds: ["funds"],
                title: "Destruction of 4,000 surplus rifles",
                budgetUsd: 80_000,
                start: day(-300),
                end: day(-60),
                paragraph: "III 14"
            ),
            by: admin("GHA")
        )
        _ = try await assistance.step(depots.id, to: .matched, offer: german.id, note: nil, by: admin("GHA"))
        _ = try await assistance.step(depots.id, to: .inProgress, offer: nil, note: nil, by: admin("DEU"))
        _ = try await assistance.step(
            depots.id,
            to: .completed,
            offer: nil,
            note: "4,112 rifles cut and smelted at Accra, verified by the national commission",
            by: admin("GHA")
        )
        let tracing = try await assistance.post(
            AssistanceNeedInput(area: "marking_and_tracing", kinds: ["training"], title: "Tracing training for CID officers", paragraph: "III 11"),
            by: admin("COL")
        )
        _ = try await assistance.step(tracing.id, to: .matched, offer: interpol.id, note: nil, by: admin("COL"))

        let training = TrainingService(repositories: repositories)
        // Ends today: registrations were taken and completion is recorded on its last day.
        let past = try await training.organise(
            TrainingEventInput(
                programme: "INTERPOL firearms programme",
                title: "Firearms tracing and iARMS",
                topic: "tracing",
                start: day(-4),
                end: day(0),
                place: "Lyon",
                seats: 20,
                language: "en"
            ),
            by: admin("INTERPOL")
        )
        for (code, name, post) in [
            ("KEN", "Insp. Grace Wanjiru", "investigator, DCI firearms unit"), ("KEN", "Sgt. Peter Otieno", "analyst, National Focal Point"),
            ("NGA", "ASP Musa Bello", "investigator, Nigeria Police Force"), ("COL", "Cap. Andrea Ruiz", "Policía Nacional, DIJIN"),
        ] {
            _ = try await training.register(past.id, name: name, post: post, by: admin(code))
        }
        let roster = try await training.event(past.id, by: admin("INTERPOL")).participants
        for (index, participant) in roster.enumerated() {
            _ = try await training.record(index == 1 ? .notCompleted : .completed, of: participant.id, on: past.id, by: admin("INTERPOL"))
        }
        let coming = try await training.organise(
            TrainingEventInput(
                programme: "UNSCAR regional PSSM course",
                title: "Physical security and stockpile management for armourers",
                topic: "stockpile_management",
                start: day(45),
                end: day(49),
                place: "Nairobi",
                seats: 24,
                language: "en"
            ),
            by: admin("UNODA")
        )
        for (code, name, post) in [("UGA", "Maj. Sarah Nakato", "armoury officer, UPDF"), ("GHA", "Insp. Kofi Mensah", "armourer, Ghana Police")] {
            _ = try await training.register(coming.id, name: name, post: post, by: admin(code))
        }

        let legal = LegalAssistanceService(repositories: repositories)
        _ = try await legal.send(
            LegalAssistanceInput(
                requested: "UGA",
                reference: "KE/DCI/2026/0412",
                legalBasis: "Nairobi Protocol, art. 17; Mutual Legal Assistance Act 2011",
                assistance: ["documents", "witness"],
                description: "Export licence and transfer records of the rifles seized at Busia, and a statement of the licensing officer.",
                urgency: "urgent",
                conditions: "For the criminal investigation only; not to be disclosed to third parties."
            ),
            by: admin("KEN")
        )
        let answered = try await legal.send(
            LegalAssistanceInput(
                requested: "DEU",
                reference: "ZA/SAPS/2026/77",
                legalBasis: "Reciprocity",
                assistance: ["information", "documents"],
                description: "Sales records of the pistols bearing the serials in the attached trace."
            ),
            by: admin("ZAF")
        )
        _ = try await legal.act(.acknowledge, on: answered.id, text: nil, conditions: nil, by: admin("DEU"))
        _ = try await legal.act(
            .execute,
            on: answered.id,
            text: "Sales records of the maker and the first dealer enclosed; the pistols were exported under licence 2019-44.",
            conditions: "Usable as evidence; the names of the dealer's employees are not to be published.",
            by: admin("DEU")
        )
        let refused = try await legal.send(
            LegalAssistanceInput(
                requested: "COL",
                reference: "BR/PF/2026/310",
                legalBasis: "Inter-American Convention on Mutual Assistance in Criminal Matters",
                assistance: ["evidence"],
                description: "Ballistic comparison of the rifles seized at Leticia."
            ),
            by: admin("BRA")
        )
        _ = try await legal.act(
            .refuse,
            on: refused.id,
            text: "The rifles are held as evidence in a trial under way; ask again after the judgment.",
            conditions: nil,
            by: admin("COL")
        )
    }
}
