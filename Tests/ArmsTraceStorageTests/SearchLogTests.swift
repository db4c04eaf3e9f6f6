import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Testing

/// The search log and hit notices on SQLite: group commit, isolation of a bad write, append-only tables.
@Suite struct SearchLogTests {
    static func entry(_ member: MemberCode, at date: Date = Date()) -> SearchLogEntry {
        SearchLogEntry(
            id: .generate(at: date),
            searchedAt: date,
            userID: nil,
            member: member,
            channel: .api,
            request: SearchRequest(serial: "AK123456"),
            candidateCount: 1
        )
    }

    @Test func theDayCounterFollowsTheLog() async throws {
        let repositories = try await SQLiteDatabase.withMembers().repositories
        let uga = MemberCode("UGA")!
        let start = CalendarDate("2026-03-01")!.startDate
        for offset in [0.0, 3600, 86_399, 86_400] {
            try await repositories.searches.log(Self.entry(uga, at: start.addingTimeInterval(offset)), notices: [])
        }
        #expect(try await repositories.searches.searchCount(member: uga, on: CalendarDate("2026-03-01")) == 3)
        #expect(try await repositories.searches.searchCount(member: uga, on: CalendarDate("2026-03-02")) == 1)
        #expect(try await repositories.searches.searchCount(member: uga, on: nil) == 4)
        #expect(try await repositories.searches.searchCount(member: MemberCode("KEN")!, on: CalendarDate("2026-03-01")) == 0)
    }

    @Test func concurrentSearchesAreAllLoggedAndABadOneFailsAlone() async throws {
        let database = try await SQLiteDatabase.withMembers()
        let repositories = database.repositories
        let ken = MemberCode("KEN")!
        let record = try await repositories.records.create(
            WeaponRecord.Details(externalRef: "K-1", category: .assaultRifle, make: "Norinco", serialNumber: "AK123456", status: .seized),
            by: .commandLine(for: ken)
        )
        let uga = MemberCode("UGA")!
        func notice(for search: SearchLogEntry, record id: WeaponRecord.ID) -> HitNotice {
            HitNotice(
                id: .generate(),
                recipient: ken,
                recordID: id,
                searchID: search.id,
                searcherMember: uga,
                searcherUserID: nil,
                searchedAt: search.searchedAt,
                request: search.request,
                source: .serial,
                distance: 0
            )
        }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<40 {
                group.addTask {
                    let search = Self.entry(uga)
                    // Every tenth names a record that does not exist: the foreign key refuses it.
                    let target = i % 10 == 9 ? WeaponRecord.ID.generate() : record.id
                    do {
                        try await repositories.searches.log(search, notices: [notice(for: search, record: target)])
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 36)
        #expect(try await repositories.searches.searchCount(member: uga, on: nil) == 36)
        let today = CalendarDate(Date())
        let counted = try await repositories.searches.searchCount(member: uga, on: today)
        #expect(counted == 36 || today != CalendarDate(Date()), "the day counter counts what the log kept, failed writes not")
        let page = try await repositories.searches.notices(for: ken, limit: 100, cursor: nil)
        #expect(page.items.count == 36)
        #expect(page.items.allSatisfy { $0.recordID == record.id && $0.searcherMember == uga })
    }

    @Test func theLogIsAppendOnly() async throws {
        let database = try await SQLiteDatabase.withMembers()
        try await database.repositories.searches.log(Self.entry(MemberCode("KEN")!), notices: [])
        await #expect(throws: (any Error).self) { try await database.execute(sql: "UPDATE search_log SET candidate_count = 0") }
        await #expect(throws: (any Error).self) { try await database.execute(sql: "DELETE FROM search_log") }
    }
}
