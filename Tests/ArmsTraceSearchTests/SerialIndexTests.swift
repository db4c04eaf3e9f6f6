import ArmsTraceDomain
import ArmsTraceSearch
import Foundation
import Testing

/// The index against a brute-force scan with the same definition of a match: the recall proof.
@Suite struct SerialIndexTests {
    static let members: [MemberCode] = ["KEN", "BRA", "UNODA"].map { MemberCode($0)! }

    /// Every record `viewer` may see whose serial matches, or one of whose marking tokens equals the query up to
    /// confusions: computed from the entries alone, without the index.
    static func bruteForce(_ query: SerialQuery, _ entries: [Normalized], viewer: MemberCode) -> Set<WeaponRecord.ID> {
        var result = Set<WeaponRecord.ID>()
        for entry in entries where entry.entry.isVisible(to: viewer) {
            if SerialMatcher.match(query, stored: entry.serial) != nil {
                result.insert(entry.id)
            } else if !query.isPattern, entry.tokens.contains(where: { SerialNormalizer.confusionCost(query.serial, $0) != nil }) {
                result.insert(entry.id)
            }
        }
        return result
    }

    /// An entry with its serial and marking tokens normalised once.
    struct Normalized {
        var entry: SearchEntry
        var serial: [UInt8]
        var tokens: [[UInt8]]
        var id: WeaponRecord.ID { entry.id }

        init(_ entry: SearchEntry) {
            self.entry = entry
            self.serial = SerialNormalizer.normalize(entry.serial ?? "")
            self.tokens = entry.markings.flatMap(SerialNormalizer.markingTokens)
        }
    }

    @Test(arguments: SearchCorpus.Shape.allCases, [UInt64(1), 2])
    func recallIsCompleteAgainstBruteForce(shape: SearchCorpus.Shape, seed: UInt64) throws {
        let entries = Array(SearchCorpus(shape: shape, count: 2_000, seed: seed, members: Self.members))
        let normalized = entries.map(Normalized.init)
        let index = SerialIndex(entries)
        var random = SeededGenerator(seed: seed &* 7919)
        let viewers = Self.members + [MemberCode("CAN")!]
        var checked = 0
        var hits = 0
        for round in 0..<300 {
            let damage = SearchCorpus.Damage.allCases[round % SearchCorpus.Damage.allCases.count]
            let source = entries.randomElement(using: &random)!.serial!
            let text = SearchCorpus.damage(source, damage, using: &random)
            guard let query = try? SerialQuery(SearchRequest(serial: text, limit: SerialQuery.maximumLimit)) else { continue }
            let viewer = viewers.randomElement(using: &random)!
            let expected = Self.bruteForce(query, normalized, viewer: viewer)
            let answer = index.search(query, viewer: viewer)
            #expect(answer.total == expected.count, "\(damage) query \(text) by \(viewer)")
            let returned = Set(answer.matches.map(\.recordID))
            if expected.count <= query.limit {
                #expect(returned == expected, "\(damage) query \(text) by \(viewer)")
            } else {
                #expect(returned.isSubset(of: expected) && returned.count == query.limit, "\(damage) query \(text)")
            }
            checked += 1
            if !expected.isEmpty { hits += 1 }
        }
        #expect(checked > 250)
        #expect(hits > 150, "the damaged queries should mostly find their source")
    }

    /// Every ordered pair of edit kinds, applied to serials of the corpus: the damaged serial finds its record
    /// whenever the matcher says it is within two edits.
    @Test func everyPairOfEditKindsFindsItsSource() throws {
        let entries = Array(SearchCorpus(shape: .uniform, count: 1_000, seed: 5, members: Self.members))
        let index = SerialIndex(entries)
        var random = SeededGenerator(seed: 11)
        let kinds: [SearchCorpus.Damage] = [.substitution, .deletion, .insertion, .transposition, .confusable]
        var checked = 0
        for first in kinds {
            for second in kinds {
                for _ in 0..<20 {
                    let source = entries.randomElement(using: &random)!
                    let damaged = SearchCorpus.damage(SearchCorpus.damage(source.serial!, first, using: &random), second, using: &random)
                    let query = try SerialQuery(SearchRequest(serial: damaged, limit: SerialQuery.maximumLimit))
                    guard SerialMatcher.match(query, stored: SerialNormalizer.normalize(source.serial!)) != nil else { continue }
                    let found = index.search(query, viewer: source.owner).matches.map(\.recordID)
                    #expect(found.contains(source.id), "\(first) then \(second): \(source.serial!) read as \(damaged)")
                    checked += 1
                }
            }
        }
        #expect(checked > 400)
    }

    /// Serials over three classes (`A`, `C`, and `0` with its confusable `O`), so that runs of equal characters
    /// and neighbours within two edits abound: every serial of four to six characters and a thousand longer ones,
    /// searched with twice-damaged and random strings. Each answer counts exactly the records the scan finds: what
    /// the probes' tags drop (matches three edits away) is never a record within two.
    @Test func denseSerialsOverThreeClassesAnswerAsTheScanDoes() throws {
        let letters: [Character] = ["A", "C", "0", "O"]
        var random = SeededGenerator(seed: 23)
        func randomSerial(_ length: Int) -> String { String((0..<length).map { _ in letters.randomElement(using: &random)! }) }
        var serials: [String] = [""]
        for _ in 1...6 { serials = serials.flatMap { prefix in letters.dropLast().map { prefix + String($0) } } + serials }
        serials = serials.filter { $0.count >= 4 } + (0..<1_000).map { _ in randomSerial(Int.random(in: 7...12, using: &random)) }
        let owner = Self.members[0]
        let entries = serials.map { SearchEntry(id: .generate(), owner: owner, sharing: .all, category: .rifleCarbine, make: "Zastava", serial: $0) }
        let normalized = entries.map(Normalized.init)
        // Half the records in the built tables, half added after, so that both kinds of postings are searched.
        let index = SerialIndex(entries.prefix(entries.count / 2))
        for entry in entries.dropFirst(entries.count / 2) { index.upsert(entry) }
        var withHits = 0
        for round in 0..<300 {
            var text = serials.randomElement(using: &random)!
            if round.isMultiple(of: 2) {
                text = randomSerial(Int.random(in: 2...12, using: &random))
            } else {
                for _ in 0..<2 {
                    var characters = Array(text)
                    let position = Int.random(in: 0...characters.count, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0 where position < characters.count: characters[position] = letters.randomElement(using: &random)!
                    case 1 where position < characters.count: characters.remove(at: position)
                    case 2 where position + 1 < characters.count: characters.swapAt(position, position + 1)
                    default: characters.insert(letters.randomElement(using: &random)!, at: position)
                    }
                    text = String(characters)
                }
            }
            guard let query = try? SerialQuery(SearchRequest(serial: text, limit: SerialQuery.maximumLimit)) else { continue }
            let expected = Self.bruteForce(query, normalized, viewer: owner)
            #expect(index.search(query, viewer: owner).total == expected.count, "query \(text)")
            if !expected.isEmpty { withHits += 1 }
        }
        #expect(withHits > 200)
    }

    /// Repeated characters: deleting either of two equal neighbours gives one string, deleting both another.
    @Test(arguments: [
        ("AB12C9", "AB1332C9"), ("AB12C9", "AAB12CC9"), ("K5500", "K55000"), ("K5500", "K550"), ("X1122Y", "X12Y"),
        // Two transpositions, a transposition with a substitution, and both beside runs of equal characters.
        ("AB12C9XY", "BA12C9YX"), ("AB12C9XY", "BA12C7XY"), ("K55001", "K50501"), ("K55001", "5K5010"), ("OO0CO0CCA", "OOC0O0CAC"),
    ])
    func repeatedCharactersAreHandled(stored: String, searched: String) throws {
        let viewer = Self.members[0]
        let entry = SearchEntry(id: .generate(), owner: viewer, sharing: .all, category: .assaultRifle, make: "Norinco", serial: stored)
        let index = SerialIndex([entry])
        let query = try SerialQuery(SearchRequest(serial: searched))
        #expect(SerialMatcher.match(query, stored: SerialNormalizer.normalize(stored)) != nil)
        #expect(index.search(query, viewer: viewer).matches.map(\.recordID) == [entry.id])
    }

    @Test func aRecordIsFindableAsSoonAsItIsAddedAndItsOldSerialIsForgotten() throws {
        let index = SerialIndex(Array(SearchCorpus(shape: .uniform, count: 500, seed: 9, members: Self.members)))
        let viewer = Self.members[0]
        var entry = SearchEntry(id: .generate(), owner: viewer, sharing: .owner, category: .assaultRifle, make: "Kalashnikov", serial: "XQ-5512904")
        index.upsert(entry)
        let misread = try SerialQuery(SearchRequest(serial: "XO55I29O"))
        #expect(index.search(misread, viewer: viewer).matches.map(\.recordID) == [entry.id])
        #expect(index.search(misread, viewer: Self.members[1]).total == 0, "an owner-only record is not found by others")

        entry.serial = "ZZ7000001"
        entry.sharing = .all
        index.upsert(entry)
        #expect(index.search(misread, viewer: viewer).total == 0)
        let answer = index.search(try SerialQuery(SearchRequest(serial: "ZZ7000001")), viewer: Self.members[1])
        #expect(answer.matches.map(\.recordID) == [entry.id])
        #expect(index.statistics.records == 501)
    }

    /// A change feed may hand out a version it read before a newer one was applied directly (PostgreSQL's, polled
    /// while a hit is released): the older one must not undo the newer. (Seen in CI as a released record that its
    /// new reader could not find.)
    @Test func aVersionArrivingLateDoesNotUndoANewerOne() throws {
        let index = SerialIndex(Array(SearchCorpus(shape: .uniform, count: 200, seed: 3, members: Self.members)))
        let (owner, other) = (Self.members[0], Self.members[1])
        let old = SearchEntry(id: .generate(), owner: owner, sharing: .owner, category: .assaultRifle, make: "Norinco", serial: "KE5512904")
        index.upsert(old)
        var released = old
        released.sharing = .members([other])
        released.version = 2
        index.upsert(released)
        index.upsert(old)
        let query = try SerialQuery(SearchRequest(serial: "KE5512904"))
        #expect(index.search(query, viewer: other).matches.map(\.recordID) == [old.id])
        #expect(index.statistics.records == 201)
    }

    @Test func patternsFindGroundOffAndUnreadableSerials() throws {
        let viewer = Self.members[0]
        let entries = [
            SearchEntry(id: .generate(), owner: viewer, sharing: .all, category: .assaultRifle, make: "Norinco", serial: "56-1 2345678"),
            SearchEntry(id: .generate(), owner: viewer, sharing: .all, category: .assaultRifle, make: "Norinco", serial: "99912345678"),
            SearchEntry(id: .generate(), owner: viewer, sharing: .all, category: .assaultRifle, make: "Norinco", serial: "5612345679"),
        ]
        let index = SerialIndex(entries)
        func found(_ serial: String) throws -> Set<WeaponRecord.ID> {
            Set(index.search(try SerialQuery(SearchRequest(serial: serial)), viewer: viewer).matches.map(\.recordID))
        }
        #expect(try found("*2345678") == [entries[0].id, entries[1].id])
        #expect(try found("S6I-23?5678") == [entries[0].id])
        #expect(try found("56*79") == [entries[2].id])
        #expect(try found("*234*") == Set(entries.map(\.id)))
    }

    @Test func rankingWeighsMakeModelAndCalibre() throws {
        let viewer = Self.members[0]
        let glock = SearchEntry(
            id: .generate(),
            owner: viewer,
            sharing: .all,
            category: .revolverPistol,
            make: "Glock",
            model: "17",
            calibre: "9x19mm",
            serial: "ABC1235"
        )
        let exact = SearchEntry(
            id: .generate(),
            owner: viewer,
            sharing: .all,
            category: .assaultRifle,
            make: "Norinco",
            model: "56",
            serial: "ABC1234"
        )
        let index = SerialIndex([glock, exact])
        let plain = index.search(try SerialQuery(SearchRequest(serial: "ABC1234")), viewer: viewer)
        #expect(plain.matches.map(\.recordID) == [exact.id, glock.id])
        let described = index.search(
            try SerialQuery(SearchRequest(serial: "ABC1234", make: "GLOCK", model: "17", calibre: "9 x 19 mm")),
            viewer: viewer
        )
        #expect(described.matches.map(\.recordID) == [glock.id, exact.id])
        #expect(described.matches[0].agreements == ["make", "model", "calibre"])
        #expect(described.matches[1].disagreements == ["make", "model"])
    }
}

/// The index a server loads in the background.
@Suite struct LoadingSerialIndexTests {
    /// A store that hands out entries in pages and waits, before the first, until it is let go.
    actor PagedStore: SearchRepository {
        var stored: [SearchEntry]
        private var gate: CheckedContinuation<Void, Never>?
        private var open = false
        /// Whether reading fails, as a store that does not answer.
        private let failing: Bool

        init(_ entries: [SearchEntry], failing: Bool = false) {
            stored = entries
            self.failing = failing
        }

        func letGo() {
            open = true
            gate?.resume()
            gate = nil
        }

        func append(_ entry: SearchEntry) { stored.append(entry) }

        func entries(after position: String?, limit: Int) async throws -> SearchEntryPage {
            if !open { await withCheckedContinuation { gate = $0 } }
            struct StoreDown: Error {}
            if failing { throw StoreDown() }
            let start = position.flatMap { Int($0) } ?? 0
            let end = min(stored.count, start + limit)
            return SearchEntryPage(entries: Array(stored[start..<end]), position: String(end), isLast: end == stored.count)
        }

        func searchContext(member: MemberCode, on day: CalendarDate, records ids: [WeaponRecord.ID]) async throws -> SearchContext {
            SearchContext(settings: .standard, searchesToday: 0, records: [])
        }
        func log(_ search: SearchLogEntry, notices: [HitNotice]) async throws {}
        func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<HitNotice> { Page(items: [], nextCursor: nil) }
        func searchCount(member: MemberCode, on day: CalendarDate?) async throws -> Int { 0 }
        func release(_ notice: HitNotice.ID, by actor: Actor, at now: Date) async throws -> (HitRelease, WeaponRecord) {
            throw DomainError.notFound(entity: "notice", id: notice.description)
        }
    }

    @Test func searchesWaitForTheLoadAndChangesMadeMeanwhileAreKept() async throws {
        let viewer = SerialIndexTests.members[0]
        let entries = Array(SearchCorpus(shape: .uniform, count: 2_500, seed: 4, members: SerialIndexTests.members))
        let store = PagedStore(entries)
        let index = LoadingSerialIndex()
        let load = Task { try await index.load(from: store) }
        let query = try SerialQuery(SearchRequest(serial: "QZ-0000017"))
        #expect(throws: DomainError.self) { try index.search(query, viewer: viewer) }
        #expect(index.status == .loading(loaded: 0))

        let added = SearchEntry(id: .generate(), owner: viewer, sharing: .owner, category: .rifleCarbine, make: "FN Herstal", serial: "QZ0000017")
        index.upsert(added)
        await store.letGo()
        _ = try await load.value
        #expect(index.status == .ready)
        #expect(try index.search(query, viewer: viewer).matches.map(\.recordID) == [added.id])
        #expect(index.index?.statistics.records == entries.count + 1)

        // Another process adds a record to the store: the next catch-up makes it searchable.
        let imported = SearchEntry(id: .generate(), owner: viewer, sharing: .all, category: .rifleCarbine, make: "FN Herstal", serial: "QZ0000018")
        await store.append(imported)
        #expect(try index.search(query, viewer: viewer).total == 1)
        try await index.catchUp(from: store)
        #expect(Set(try index.search(query, viewer: viewer).matches.map(\.recordID)) == [added.id, imported.id])
    }

    /// A load that fails is reported as failed (the readiness check says so, without an invitation to retry), and
    /// searches stay unavailable rather than answering from the part that was read.
    @Test func aLoadThatFailsSaysSoAndSearchesStayUnavailable() async throws {
        let entries = Array(SearchCorpus(shape: .uniform, count: 100, seed: 5, members: SerialIndexTests.members))
        let store = PagedStore(entries, failing: true)
        let index = LoadingSerialIndex()
        await store.letGo()
        await #expect(throws: (any Error).self) { try await index.load(from: store) }
        #expect(index.status == .failed)
        let query = try SerialQuery(SearchRequest(serial: "QZ-0000017"))
        #expect(throws: DomainError.unavailable("the search index could not be loaded; the server log says why")) {
            try index.search(query, viewer: SerialIndexTests.members[0])
        }
    }
}
