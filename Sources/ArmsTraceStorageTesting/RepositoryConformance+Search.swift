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
}
