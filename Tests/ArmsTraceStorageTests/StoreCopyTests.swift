import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Testing

/// `armstrace copy`'s engine: a whole database moves between stores and back without losing or changing a row.
@Suite struct StoreCopyTests {
    /// A database with something in every kind of table: demo records and traces, users with sign-ins and sessions,
    /// searches with notices, settings, a published marking scheme and reference entries, a signed audit head.
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
        let reference = ReferenceService(repositories: repositories, catalog: ReferenceCatalog())
        let admin = Actor(userID: officer.id, member: officer.member, role: .admin, channel: .web)
        let kenya = try #require(PublishedSchemes.all.first { $0.member.rawValue == "KEN" && $0.kind == .import })
        _ = try await reference.publish(SchemeDraft(kenya), by: admin)
        _ = try await reference.save(.maker(.init("Kel-Tec", country: "USA", aliases: ["KelTec"])), by: admin)
        _ = try await reference.save(.calibre(.init(".22 WMR", aliases: ["22 Magnum"])), by: admin)
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
        // The copy is a working database: the search index loads from it and its sign-in sequence goes on.
        let page = try await middle.repositories.searches.entries(after: nil, limit: 1000)
        #expect(page.entries.count == 300)
        try await middle.repositories.signIn.recordAttempt(login: "x", address: "10.0.0.2", user: nil, succeeded: false, at: Date())
    }

    @Test func aStoreWithDataIsNotCopiedInto() async throws {
        let source = try await Self.busyStore()
        let target = try await StoreKind.sqlite.withMembers(["KEN"])
        await #expect(throws: DomainError.self) { _ = try await StoreCopy.copy(from: source, to: target) }
    }
}
