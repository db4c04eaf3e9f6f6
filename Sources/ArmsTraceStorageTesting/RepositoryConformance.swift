public import ArmsTraceDomain
import Foundation
import Testing

/// The contract of ArmsTrace's repositories, as one suite that every storage backend's tests run.
///
/// ```swift
/// @Test func conformance() async throws {
///     try await RepositoryConformance { try SQLiteDatabase.inMemory().migrated().repositories }.run()
/// }
/// ```
///
/// Each check gets fresh, empty repositories from `makeRepositories`. Behaviour that differs between engines is a
/// bug in one of them.
public struct RepositoryConformance: Sendable {
    let makeRepositories: @Sendable () async throws -> Repositories

    public init(makeRepositories: @escaping @Sendable () async throws -> Repositories) {
        self.makeRepositories = makeRepositories
    }

    /// Runs every check.
    public func run() async throws {
        try await membersAreUniqueAndListed()
        try await tokensAuthenticateOnlyWhileValid()
        try await recordsRoundTrip()
        try await externalReferencesAreUniquePerOwner()
        try await onlyTheOwnerChangesARecord()
        try await updatesAreVersionedAndKeptInHistory()
        try await visibilityFollowsSharing()
        try await listFiltersAndPages()
        try await talliesCountOwnRecordsByMonth()
        try await concurrentCreatesKeepEveryRecord()
        try await searchEntriesAreTheRecordsAsStored()
        try await searchContextReadsSettingsCountAndRecords()
        try await tracesAreVisibleOnlyToTheirParties()
        try await traceStepsAreAtomic()
        try await traceListsFilterAndPage()
        try await passedDeadlinesAreNoticedOnce()
        try await seizureCountsFollowClosedTraces()
        try await deadlinePoliciesDefaultAndChange()
        try await attachmentsRoundTripForPartiesOnly()
        try await referenceContributionsRoundTrip()
        try await stockMovesFollowTheRules()
        try await stockChecksReconcileAndLossesAreShared()
        try await destructionNeedsWitnessesAndAnIndependentVerifier()
        try await ammunitionLotsNeverGoBelowZero()
        try await sealedContainersCountTheirWeapons()
        try await directoryEntriesBelongToTheirMember()
        try await cooperationDocumentsAreVersionedAndListedByParty()
        try await idempotencyKeysReplayTheirAnswerAndRefuseAnotherRequest()
    }

    // MARK: - Fixtures

    static let ken = MemberCode("KEN")!
    static let uga = MemberCode("UGA")!
    static let fra = MemberCode("FRA")!

    func seeded() async throws -> Repositories {
        let repositories = try await makeRepositories()
        for (code, name) in [(Self.ken, "Kenya"), (Self.uga, "Uganda"), (Self.fra, "France")] {
            try await repositories.members.create(Member(id: code, kind: .state, name: name))
        }
        return repositories
    }

    func officer(_ member: MemberCode) -> Actor {
        Actor(userID: .generate(), member: member, role: .officer, channel: .api)
    }

    static func details(_ ref: String, sharing: Sharing = .all, status: RecordStatus = .seized, make: String = "Glock") -> WeaponRecord.Details {
        WeaponRecord.Details(
            externalRef: ref,
            category: .revolverPistol,
            make: make,
            model: "17",
            calibre: "9x19mm",
            serialNumber: "ABC123",
            markings: [Marking(kind: .manufacture, text: "GLOCK 17 ABC123", location: "frame"), Marking(kind: .import, text: "KEN 2019")],
            countryOfManufacture: "AUT",
            yearOfManufacture: 2015,
            importCountry: "KEN",
            importYear: 2019,
            status: status,
            event: WeaponRecord.Event(date: CalendarDate("2024-03-01"), country: "KEN", place: "Nairobi", caseReference: "CR/1/2024"),
            sharing: sharing,
            notes: "note"
        )
    }

    /// The kinds of ``DomainError``, without their payloads.
    enum ErrorKind {
        case notFound, invalid, forbidden, unauthenticated, conflict, unavailable, limitReached

        init(_ error: DomainError) {
            switch error {
            case .notFound: self = .notFound
            case .invalid: self = .invalid
            case .forbidden: self = .forbidden
            case .unauthenticated: self = .unauthenticated
            case .conflict: self = .conflict
            case .unavailable: self = .unavailable
            case .limitReached: self = .limitReached
            }
        }
    }

    /// Expects `body` to throw a domain error of the given kind.
    func expectError(
        _ expected: ErrorKind,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected a \(expected) error", sourceLocation: sourceLocation)
        } catch let error as DomainError {
            #expect(ErrorKind(error) == expected, "unexpected \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: - Checks

    func membersAreUniqueAndListed() async throws {
        let repositories = try await seeded()
        await expectError(.conflict) {
            try await repositories.members.create(Member(id: Self.ken, kind: .state, name: "Kenya again"))
        }
        await expectError(.notFound) {
            _ = try await repositories.members.get(MemberCode("ZZZ")!)
        }
        #expect(try await repositories.members.list().map(\.id) == [Self.fra, Self.ken, Self.uga])
        #expect(try await repositories.members.get(Self.ken).name == "Kenya")
        #expect(try await repositories.members.existing([Self.ken, MemberCode("ZZZ")!]) == [Self.ken])
    }

    func tokensAuthenticateOnlyWhileValid() async throws {
        let repositories = try await seeded()
        let user = User(id: .generate(), member: Self.ken, name: "Officer", role: .officer, createdAt: Date())
        try await repositories.users.create(user)
        await expectError(.notFound) {
            try await repositories.users.create(User(id: .generate(), member: MemberCode("ZZZ")!, name: "x", role: .analyst, createdAt: Date()))
        }
        let token = try await repositories.users.issueToken(for: user.id, name: "ci", expiresAt: nil)
        #expect(try await repositories.users.authenticate(token: token.secret, at: Date()).id == user.id)
        #expect(try await repositories.users.list(member: Self.ken).map(\.id) == [user.id])
        await expectError(.unauthenticated) {
            _ = try await repositories.users.authenticate(token: token.secret + "x", at: Date())
        }
        let expiring = try await repositories.users.issueToken(for: user.id, name: "short", expiresAt: Date().addingTimeInterval(60))
        #expect(try await repositories.users.authenticate(token: expiring.secret, at: Date()).id == user.id)
        await expectError(.unauthenticated) {
            _ = try await repositories.users.authenticate(token: expiring.secret, at: Date().addingTimeInterval(120))
        }
    }

    func recordsRoundTrip() async throws {
        let repositories = try await seeded()
        let details = Self.details("KEN-1", sharing: .members([Self.fra, Self.uga]))
        let created = try await repositories.records.create(details, by: officer(Self.ken))
        #expect(created.details == details)
        #expect(created.owner == Self.ken)
        #expect(created.version == 1)
        #expect(try await repositories.records.get(created.id, viewer: Self.ken) == created)
        #expect(try await repositories.records.get(created.id, viewer: Self.uga) == created)
        #expect(try await repositories.records.count(owner: Self.ken) == 1)
        #expect(try await repositories.records.count(owner: Self.uga) == 0)
        await expectError(.notFound) {
            _ = try await repositories.records.get(.generate(), viewer: Self.ken)
        }
    }

    func externalReferencesAreUniquePerOwner() async throws {
        let repositories = try await seeded()
        _ = try await repositories.records.create(Self.details("REF-1"), by: officer(Self.ken))
        await expectError(.conflict) {
            _ = try await repositories.records.create(Self.details("REF-1"), by: self.officer(Self.ken))
        }
        _ = try await repositories.records.create(Self.details("REF-1"), by: officer(Self.uga))
        let second = try await repositories.records.create(Self.details("REF-2"), by: officer(Self.ken))
        await expectError(.conflict) {
            _ = try await repositories.records.update(second.id, details: Self.details("REF-1"), expectedVersion: nil, by: self.officer(Self.ken))
        }
        #expect(try await repositories.records.count(owner: nil) == 3)
    }

    func onlyTheOwnerChangesARecord() async throws {
        let repositories = try await seeded()
        let shared = try await repositories.records.create(Self.details("S", sharing: .all), by: officer(Self.ken))
        let secret = try await repositories.records.create(Self.details("P", sharing: .owner), by: officer(Self.ken))
        await expectError(.forbidden) {
            _ = try await repositories.records.update(
                shared.id,
                details: Self.details("S", status: .found),
                expectedVersion: nil,
                by: self.officer(Self.uga)
            )
        }
        await expectError(.notFound) {
            _ = try await repositories.records.update(
                secret.id,
                details: Self.details("P", status: .found),
                expectedVersion: nil,
                by: self.officer(Self.uga)
            )
        }
        await expectError(.notFound) {
            _ = try await repositories.records.history(secret.id, viewer: Self.uga)
        }
        #expect(try await repositories.records.get(shared.id, viewer: Self.ken).version == 1)
        #expect(try await repositories.records.get(secret.id, viewer: Self.ken).details.status == .seized)
    }

    func updatesAreVersionedAndKeptInHistory() async throws {
        let repositories = try await seeded()
        let actor = officer(Self.ken)
        let created = try await repositories.records.create(Self.details("H"), by: actor)
        var changed = Self.details("H", status: .destroyed)
        changed.event.place = nil
        let updated = try await repositories.records.update(created.id, details: changed, expectedVersion: 1, by: actor)
        #expect(updated.version == 2)
        #expect(updated.details == changed)
        #expect(updated.createdAt == created.createdAt)
        let same = try await repositories.records.update(created.id, details: changed, expectedVersion: nil, by: actor)
        #expect(same.version == 2, "an update that changes nothing keeps the version")
        await expectError(.conflict) {
            _ = try await repositories.records.update(created.id, details: Self.details("H"), expectedVersion: 1, by: actor)
        }
        let history = try await repositories.records.history(created.id, viewer: Self.ken)
        #expect(history.map(\.version) == [1, 2])
        #expect(history.map(\.action) == [.created, .updated])
        #expect(history.allSatisfy { $0.userID == actor.userID && $0.member == Self.ken && $0.channel == .api })
        #expect(history[0].changes.contains { $0.field == "make" && $0.from == nil && $0.to == .string("Glock") })
        #expect(
            history[1].changes == [
                RecordHistoryEntry.Change(field: "event.place", from: .string("Nairobi"), to: nil),
                RecordHistoryEntry.Change(field: "status", from: .string("seized"), to: .string("destroyed")),
            ]
        )
    }

    func visibilityFollowsSharing() async throws {
        let repositories = try await seeded()
        let all = try await repositories.records.create(Self.details("ALL", sharing: .all), by: officer(Self.ken))
        let owner = try await repositories.records.create(Self.details("OWN", sharing: .owner), by: officer(Self.ken))
        let listed = try await repositories.records.create(Self.details("LIST", sharing: .members([Self.uga])), by: officer(Self.ken))
        func visible(to member: MemberCode) async throws -> Set<WeaponRecord.ID> {
            Set(try await repositories.records.list(RecordQuery(limit: 100), viewer: member).items.map(\.id))
        }
        #expect(try await visible(to: Self.ken) == [all.id, owner.id, listed.id])
        #expect(try await visible(to: Self.uga) == [all.id, listed.id])
        #expect(try await visible(to: Self.fra) == [all.id])
        for id in [owner.id, listed.id] {
            await expectError(.notFound) {
                _ = try await repositories.records.get(id, viewer: Self.fra)
            }
        }
        #expect(try await repositories.records.list(RecordQuery(owner: Self.ken, limit: 100), viewer: Self.fra).items.map(\.id) == [all.id])
    }

    func listFiltersAndPages() async throws {
        let repositories = try await seeded()
        let actor = officer(Self.ken)
        var ids: [WeaponRecord.ID] = []
        for index in 0..<25 {
            var details = Self.details("R\(index)", status: index % 2 == 0 ? .seized : .stolen, make: index % 5 == 0 ? "Beretta" : "Glock")
            details.event.date = CalendarDate(year: 2020, month: 1, day: index + 1)
            details.category = index % 3 == 0 ? .assaultRifle : .revolverPistol
            details.importCountry = index == 7 ? "UGA" : "KEN"
            ids.append(try await repositories.records.create(details, by: actor).id)
        }
        func list(_ query: RecordQuery) async throws -> [WeaponRecord] {
            try await repositories.records.list(query, viewer: Self.uga).items
        }
        #expect(try await list(RecordQuery(status: .stolen, limit: 100)).count == 12)
        #expect(try await list(RecordQuery(category: .assaultRifle, limit: 100)).count == 9)
        #expect(try await list(RecordQuery(make: "beretta", limit: 100)).count == 5)
        #expect(try await list(RecordQuery(country: "UGA", limit: 100)).map(\.details.externalRef) == ["R7"])
        #expect(try await list(RecordQuery(eventFrom: CalendarDate("2020-01-10"), eventTo: CalendarDate("2020-01-12"), limit: 100)).count == 3)
        #expect(try await list(RecordQuery(status: .seized, make: "Glock", limit: 100)).count == 10)

        var seen: [WeaponRecord.ID] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await repositories.records.list(RecordQuery(limit: 10, cursor: cursor), viewer: Self.ken)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil
        #expect(pages == 3)
        #expect(seen == ids.reversed(), "pages are newest first, without gaps or repeats")
        await expectError(.invalid) {
            _ = try await repositories.records.list(RecordQuery(cursor: "not-a-cursor"), viewer: Self.ken)
        }
    }

    /// The dashboard's counts: only the member's own records, grouped by status, category, the month entered (UTC)
    /// and the event's month.
    func talliesCountOwnRecordsByMonth() async throws {
        let repositories = try await seeded()
        let ken = officer(Self.ken)
        let first = try await repositories.records.create(Self.details("T-1"), by: ken)
        _ = try await repositories.records.create(Self.details("T-2"), by: ken)
        var undated = Self.details("T-3", status: .lost)
        undated.event = WeaponRecord.Event()
        undated.category = .assaultRifle
        _ = try await repositories.records.create(undated, by: ken)
        _ = try await repositories.records.create(Self.details("T-4"), by: officer(Self.uga))

        let month = Date().monthText
        let counts = try await repositories.records.tally(owner: Self.ken, sinceMonth: "2024-01")
        #expect(counts.byStatusAndCategory == [.init(.seized, .revolverPistol): 2, .init(.lost, .assaultRifle): 1])
        #expect(counts.enteredByMonth == [month: 3])
        #expect(counts.seizedByMonth == ["2024-03": 2])
        #expect(try await repositories.records.tally(owner: Self.ken, sinceMonth: "2024-04").seizedByMonth.isEmpty, "before the first month")
        let none = try await repositories.records.tally(owner: Self.fra, sinceMonth: "2024-01")
        #expect(none.byStatusAndCategory.isEmpty && none.enteredByMonth.isEmpty && none.seizedByMonth.isEmpty)

        // A change of status moves the record from one count to another.
        _ = try await repositories.records.update(first.id, details: Self.details("T-1", status: .destroyed), expectedVersion: 1, by: ken)
        let changed = try await repositories.records.tally(owner: Self.ken, sinceMonth: "2024-01")
        #expect(
            changed.byStatusAndCategory
                == [.init(.seized, .revolverPistol): 1, .init(.destroyed, .revolverPistol): 1, .init(.lost, .assaultRifle): 1]
        )
        #expect(changed.enteredByMonth == [month: 3])
        #expect(changed.seizedByMonth == ["2024-03": 1])
        #expect(try await repositories.records.count(owner: Self.ken) == 3)
    }

    func concurrentCreatesKeepEveryRecord() async throws {
        let repositories = try await seeded()
        let actor = officer(Self.ken)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    (try? await repositories.records.create(Self.details("C\(index % 10)"), by: actor)) != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 10, "each external_ref is stored exactly once")
        #expect(try await repositories.records.count(owner: Self.ken) == 10)
    }
}
