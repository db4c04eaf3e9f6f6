import ArmsTraceDomain
import Foundation
import Testing

@testable import ArmsTraceStorage

/// The search index's change feed on PostgreSQL, under commits that land out of order: the case a sequence-ordered
/// feed gets wrong.
@Suite(.enabled(if: PostgresDatabase.testServer != nil, "set ARMSTRACE_TEST_POSTGRES to a postgres:// URL to run"))
struct PostgresChangeFeedTests {
    @Test func aRecordCommittedLateBehindANewerOneIsStillHandedOut() async throws {
        let first = try await PostgresDatabase.scratch(url: try #require(PostgresDatabase.testServer))
        let second = try first.reopened()
        try await first.repositories.members.create(Member(id: MemberCode("KEN")!, kind: .state, name: "Kenya"))
        let ken = Actor.commandLine(for: MemberCode("KEN")!)
        let feed = first.repositories.searches
        let start = try await feed.entries(after: nil, limit: 100)
        #expect(start.entries.isEmpty)

        // An older transaction writes record B and stays open…
        let written = AsyncStream<Void>.makeStream()
        let release = AsyncStream<Void>.makeStream()
        let late = WeaponRecord.ID.generate()
        let older = Task {
            try await second.write { connection in
                _ = try await PostgresRecordWriter(connection: connection, logger: second.logger).insert(
                    .init(Self.details("B")),
                    id: late,
                    by: ken,
                    at: Date()
                )
                written.continuation.yield()
                for await _ in release.stream { break }
            }
        }
        for await _ in written.stream { break }
        // …while a newer one writes record C and commits.
        let early = try await first.repositories.records.create(Self.details("C"), by: ken)

        let page = try await feed.entries(after: start.position, limit: 100)
        #expect(page.entries.map(\.id) == [early.id], "C is visible and handed out")
        #expect(page.isLast)

        release.continuation.yield()
        try await older.value
        let next = try await feed.entries(after: page.position, limit: 100)
        #expect(next.entries.map(\.id).contains(late), "B, committed after C by an older transaction, is not skipped")
        // Entries come again only while some transaction older than them runs (other tests share the server).
        let again = try await feed.entries(after: next.position, limit: 100)
        #expect(Set(again.entries.map(\.id)).isSubset(of: [late, early.id]))
        await second.close()
        await first.close()
    }

    static func details(_ reference: String) -> WeaponRecord.Details {
        WeaponRecord.Details(
            externalRef: reference,
            category: .revolverPistol,
            make: "Glock",
            serialNumber: "SN-\(reference)",
            markings: [],
            status: .seized
        )
    }
}
