import ArmsTraceDomain
import Foundation
import Testing

extension RepositoryConformance {
    /// What the search index loads: every record once, page by page, with its sharing list, serial and marking
    /// texts as stored, whatever the page boundaries.
    func searchEntriesAreTheRecordsAsStored() async throws {
        let repositories = try await seeded()
        let sharings: [Sharing] = [.all, .owner, .members([Self.uga]), .members([Self.fra, Self.uga])]
        var expected: [WeaponRecord.ID: SearchEntry] = [:]
        for index in 0..<11 {
            var details = Self.details("S\(index)", sharing: sharings[index % sharings.count])
            details.serialNumber = "SN\(index)"
            details.markings.append(Marking(kind: .other, text: "REF \"\(index)\" 1/2 é"))
            let owner = index % 3 == 0 ? Self.uga : Self.ken
            if case .members(let codes) = details.sharing { details.sharing = .members(codes.filter { $0 != owner }) }
            let record = try await repositories.records.create(details, by: officer(owner))
            expected[record.id] = SearchEntry(record)
        }
        var loaded: [SearchEntry] = []
        var position: String?
        while true {
            let page = try await repositories.searches.entries(after: position, limit: 3)
            loaded += page.entries
            position = page.position
            if page.isLast { break }
        }
        #expect(loaded.count == expected.count)
        for entry in loaded {
            #expect(entry == expected[entry.id], "entry \(entry.id)")
        }
    }

    /// What a search reads after the index, in one read: the member's settings (the standard ones until set), its
    /// searches on the day (those of the log's group commit, not another day's or member's), and the records asked for
    /// that exist, whoever owns them.
    func searchContextReadsSettingsCountAndRecords() async throws {
        let repositories = try await seeded()
        let own = try await repositories.records.create(Self.details("C1"), by: officer(Self.ken))
        let other = try await repositories.records.create(Self.details("C2", sharing: .owner), by: officer(Self.uga))
        let listed = try await repositories.records.create(Self.details("C3", sharing: .members([Self.fra, Self.ken])), by: officer(Self.uga))
        let day = CalendarDate("2026-03-01")!
        let ids = [own.id, other.id, WeaponRecord.ID.generate(), listed.id]

        let first = try await repositories.searches.searchContext(member: Self.ken, on: day, records: ids)
        #expect(first.settings == .standard)
        #expect(first.searchesToday == 0)
        #expect(Set(first.records.map(\.id)) == [own.id, other.id, listed.id])
        // Whole, as a record read by its ID: every field, the version, the times and the sharing list.
        for record in [own, other, listed] {
            #expect(first.records.first { $0.id == record.id } == record)
        }

        let settings = MemberSettings(searchesPerDay: 5, maximumCandidates: 3)
        try await repositories.members.setSettings(settings, by: officer(Self.ken))
        for (member, offset) in [(Self.ken, 0.0), (Self.ken, 3600), (Self.ken, 86_400), (Self.uga, 0)] {
            let at = day.startDate.addingTimeInterval(offset)
            let entry = SearchLogEntry(
                id: .generate(at: at),
                searchedAt: at,
                userID: nil,
                member: member,
                channel: .api,
                request: SearchRequest(serial: "ABC123"),
                candidateCount: 0
            )
            try await repositories.searches.log(entry, notices: [])
        }
        let later = try await repositories.searches.searchContext(member: Self.ken, on: day, records: [])
        #expect(later.settings == settings)
        #expect(later.searchesToday == 2)
        #expect(later.records.isEmpty)
    }
}
