import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Testing

/// `armstrace copy`'s engine: a whole database moves between stores and back without losing or changing a row.
@Suite struct StoreCopyTests {
    /// A database with something in every kind of table: demo records and traces, users with sign-ins and sessions,
    /// searches with notices, settings, a published marking scheme and reference entries, a stockpile with movements, a
    /// check, a destruction, ammunition, a loss and a directory entry, a signed audit head.
    static func busyStore() async throws -> any Store {
        let store = try await StoreKind.sqlite.make()
        let users = try await store.seedDemo(records: 300, traces: 12, seed: 5)
        let repositories = store.repositories
        let officer = try #require(users.first { $0.user.member.rawValue == "KEN" }).user
        let actor = Actor(officer, channel: .api)
        try await repositories.members.setSettings(MemberSettings(searchesPerDay: 50, maximumCandidates: 20), by: Actor(officer, channel: .web))
        try await repositories.traces.setDeadlinePolicy(.standard, by: Actor(officer, channel: .web))
        _ = try await repositories.signIn.startSession(for: officer, csrfToken: "csrf", address: "10.0.0.1", at: Date(), expiresAt: Date() + 3600)
        try await repositories.signIn.recordAttempt(login: "ken.officer", address: "10.0.0.1", user: nil, succeeded: false, at: Date())
        let record = try #require(
            try await repositories.records.list(RecordQuery(owner: MemberCode("UGA")!, limit: 1), viewer: MemberCode("UGA")!).items.first
        )
        let search = SearchLogEntry(
            id: .generate(),
            searchedAt: Date(),
            userID: officer.id,
            member: actor.member,
            channel: .api,
            request: SearchRequest(serial: record.details.serialNumber ?? "X"),
            candidateCount: 1
        )
        let notice = HitNotice(
            id: .generate(),
            recipient: record.owner,
            recordID: record.id,
            searchID: search.id,
            searcherMember: actor.member,
            searcherUserID: officer.id,
            searchedAt: search.searchedAt,
            request: search.request,
            source: .serial,
            distance: 0.5,
            restricted: false,
            release: nil
        )
        try await repositories.searches.log(search, notices: [notice])
        _ = try await store.importCSV(RecordImportTests.csv(rows: 3))
        let reference = ReferenceService(repositories: repositories, catalog: ReferenceCatalog())
        let admin = Actor(userID: officer.id, member: officer.member, role: .admin, channel: .web)
        let kenya = try #require(PublishedSchemes.all.first { $0.member.rawValue == "KEN" && $0.kind == .import })
        _ = try await reference.publish(SchemeDraft(kenya), by: admin)
        _ = try await reference.save(.maker(.init("Kel-Tec", country: "USA", aliases: ["KelTec"])), by: admin)
        _ = try await reference.save(.calibre(.init(".22 WMR", aliases: ["22 Magnum"])), by: admin)
        let stock = StockpileService(repositories: repositories)
        let depot = try await stock.createSite(StockSiteInput(name: "Depot", kind: "depot", custodian: "Maj. O", securityLevel: "high"), by: actor)
        let armoury = try await stock.createSite(
            StockSiteInput(name: "Armoury", kind: "unit_armoury", custodian: "Sgt. W", securityLevel: "medium"),
            by: actor
        )
        let received = try await stock.receive(
            (1...3).map { StockWeaponInput(serialNumber: "ST-\($0)", category: "assault_rifle", make: "Norinco", site: depot.id.description) },
            by: actor
        )
        _ = try await stock.apply(.dispatch(to: armoury.id, document: "TN-1"), to: received[0].id, by: actor)
        let check = try await stock.startCheck(site: depot.id, by: actor)
        _ = try await stock.recordCount(["ST-2"], containers: ["SEAL-9"], in: check.id, by: actor)
        _ = try await stock.closeCheck(check.id, by: actor)
        _ = try await stock.apply(.designateSurplus(reason: "obsolete"), to: received[1].id, by: actor)
        let destruction = try await stock.planDestruction(
            DestructionInput(method: "cutting", place: "Depot", plannedFor: "2026-12-01", weapons: [received[1].id.description]),
            by: actor
        )
        _ = try await stock.recordDestruction(destruction.id, on: CalendarDate("2026-12-01")!, witnesses: ["A", "B"], by: actor)
        let lot = try await stock.receive(
            AmmunitionLotInput(lotNumber: "L-1", type: "7.62x39mm ball", quantity: 1_000, site: depot.id.description, expiry: "2031-01-31"),
            by: actor
        )
        _ = try await stock.change(lot.id, by: -200, reason: "IV-1", by: actor)
        _ = try await DirectoryService(repositories: repositories).add(
            PointOfContactInput(role: "poa", agency: "National Focal Point", name: "Desk", languages: ["en"], email: "desk@example.org"),
            by: Actor(userID: officer.id, member: officer.member, role: .admin, channel: .web)
        )
        let loss = StockLoss(stolen: true, date: CalendarDate("2026-11-20")!, place: "Depot", circumstances: "Missing at the check")
        _ = try await stock.apply(.reportLoss(loss), to: received[2].id, by: actor)
        _ = try await repositories.idempotency.claim(member: actor.member, key: "copy-1", fingerprint: "f", at: Date(), stale: 60)
        try await repositories.idempotency.complete(
            member: actor.member,
            key: "copy-1",
            response: IdempotentResponse(status: 201, body: Data("{}".utf8), location: "/api/v1/records/x")
        )
        _ = try await repositories.audit.signHead(privateKey: Data(repeating: 7, count: 32), at: Date())
        return store
    }

    @Test(arguments: StoreKind.available)
    func aRoundTripThroughAnotherStoreChangesNothing(through kind: StoreKind) async throws {
        let source = try await Self.busyStore()
        let middle = try await kind.make()
        let there = try await StoreCopy.copy(from: source, to: middle)
        #expect(there.isComplete, "\(there.tables.filter { !$0.matches }.map(\.name))")
        #expect(there.tables.filter { $0.sourceRows == 0 }.map(\.name) == ["hit_release", "trace_attachment"])
        let back = try await StoreKind.sqlite.make()
        let home = try await StoreCopy.copy(from: middle, to: back)
        #expect(home.isComplete)
        #expect(home.tables.map(\.targetChecksum) == there.tables.map(\.sourceChecksum))

        for member in DemoData.members.map(\.id) {
            #expect(try await back.exportCSV(member: member.rawValue) == source.exportCSV(member: member.rawValue))
        }
        #expect(try await back.verifyAuditChain().isIntact)
        #expect(try await middle.verifyAuditChain().isIntact)
        // The copy is a working database: the search index loads from it (the demo records, the three imported and
        // the stolen weapon's shared record) and its sequences go on (sign-in attempts, stock movements).
        let page = try await middle.repositories.searches.entries(after: nil, limit: 1000)
        #expect(page.entries.count == 304)
        try await middle.repositories.signIn.recordAttempt(login: "x", address: "10.0.0.2", user: nil, succeeded: false, at: Date())
        let stock = StockpileService(repositories: middle.repositories)
        let kenya = Actor.commandLine(for: MemberCode("KEN")!)
        let site = try #require(try await stock.sites(by: kenya).first)
        _ = try await stock.receive(
            [StockWeaponInput(serialNumber: "AFTER-1", category: "rifle_carbine", make: "FN", site: site.id.description)],
            by: kenya
        )
    }

    @Test func aStoreWithDataIsNotCopiedInto() async throws {
        let source = try await Self.busyStore()
        let target = try await StoreKind.sqlite.withMembers(["KEN"])
        await #expect(throws: DomainError.self) { _ = try await StoreCopy.copy(from: source, to: target) }
    }
}
