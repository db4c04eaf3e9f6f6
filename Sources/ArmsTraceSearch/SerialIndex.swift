public import ArmsTraceDomain

/// The in-memory hit/no-hit index over every record's serial and serial-like markings.
///
/// **How a fuzzy search finds every candidate.** Serials are compared as class codes (confusables folded, see
/// ``SerialNormalizer``), where two edits of ``SerialDistance`` stay at most two edits. Each record is filed under the
/// hash of its folded serial and of each string one deletion away (about ten entries). A search probes about 1,500
/// hashes of strings derived from the folded query (each a directory word and one cache line), chosen so that any
/// serial within two edits is filed under one of them (the derivation is at `SerialHasher.probes`). Each filed hash
/// carries which positions were deleted, so that a match that can only be three edits away is dropped without reading
/// the record. Every slot found is then checked with the exact ``SerialMatcher`` distance, so the answer is exact: no
/// candidate missed, none invented.
///
/// **Patterns** (`?`, `*`) use two sorted orders of the folded serials, forwards and backwards: the literal prefix or
/// suffix of the pattern, whichever selects fewer records, bounds the records to check.
///
/// **Other markings**: each serial-like marking token (``SerialNormalizer/markingTokens(_:)``) is filed under its
/// folded hash and matched exactly.
///
/// **Changes** go to delta tables that searches probe as well; a record's older version is marked replaced. The whole
/// index is rebuilt from the database at start-up (see ``LoadingSerialIndex``).
///
/// **Concurrency**: searches hold a shared lock and run in parallel; ``upsert(_:)`` holds the exclusive lock for
/// microseconds.
public final class SerialIndex: SerialSearchIndex, @unchecked Sendable {
    private let lock = ReadWriteLock()
    private var store: SlotStore
    /// Slots below this are in the built tables and sort orders; slots from here on are in the deltas.
    private let baseCount: Int
    private let serialTable: PostingTable
    private let markingTable: PostingTable
    /// Base slots with a serial, by folded serial, and by folded serial read backwards.
    private let forwardOrder: [UInt32]
    private let backwardOrder: [UInt32]
    /// Whether base slots are in ascending record ID order, so that a record's base slot is found by bisection.
    private let baseSortedByID: Bool
    private var baseSlotByID: [UInt128: UInt32]
    private var serialDelta = DeltaPostings()
    private var markingDelta = DeltaPostings()
    /// The slot and version of each record changed since the index was built. The version is kept because a
    /// change feed may hand out a version read before a newer one was applied directly, and it must not win.
    private var deltaByID: [UInt128: (slot: UInt32, version: Int)] = [:]

    static let markingSeed: UInt64 = 0x6A09_E667_F3BC_C908

    /// An index of the given records.
    public convenience init(_ entries: some Sequence<SearchEntry>) {
        var builder = Builder()
        for entry in entries { builder.add(entry) }
        self.init(builder, hugePages: true)
    }

    /// - Parameter hugePages: whether to move the large arrays onto huge pages once built (see ``HugePages``): a few
    ///   seconds at ten million records that every later search earns back, and a one-off search does not.
    init(_ builder: consuming Builder, hugePages: Bool) {
        self.store = builder.store
        self.baseCount = builder.store.count
        // Each table's pairs are dropped as soon as it is built, so that the peak stays near the index's own size.
        self.serialTable = PostingTable(hashes: builder.serialHashes, slots: builder.serialSlots)
        builder.serialHashes = []
        builder.serialSlots = []
        self.markingTable = PostingTable(hashes: builder.markingHashes, slots: builder.markingSlots)
        builder.markingHashes = []
        builder.markingSlots = []
        self.baseSortedByID = builder.sortedByID
        self.baseSlotByID = builder.sortedByID ? [:] : Dictionary(builder.store.ids.enumerated().map { ($1, UInt32($0)) }, uniquingKeysWith: { $1 })
        (self.forwardOrder, self.backwardOrder) = Self.orders(builder.store)
        if hugePages {
            serialTable.collapseIntoHugePages()
            markingTable.collapseIntoHugePages()
            store.collapseIntoHugePages()
            HugePages.collapse(forwardOrder)
            HugePages.collapse(backwardOrder)
        }
    }

    /// Collects records for an index, then builds it.
    public struct Builder: Sendable {
        var store = SlotStore()
        var serialHashes: [UInt64] = []
        var serialSlots: [UInt32] = []
        var markingHashes: [UInt64] = []
        var markingSlots: [UInt32] = []
        var sortedByID = true
        private var lastID: UInt128?

        /// How many records have been added.
        public var count: Int { store.count }

        public init(expectedCount: Int = 0) {
            store.reserveCapacity(expectedCount)
            serialHashes.reserveCapacity(expectedCount * 10)
            serialSlots.reserveCapacity(expectedCount * 10)
        }

        public mutating func add(_ entry: SearchEntry) {
            let slot = store.append(entry)
            let key = store.ids[Int(slot)]
            if let lastID, lastID >= key { sortedByID = false }
            lastID = key
            SerialIndex.forEachHash(of: slot, in: store, markings: entry.markings) { hash, isMarking in
                if isMarking {
                    markingHashes.append(hash)
                    markingSlots.append(slot)
                } else {
                    serialHashes.append(hash)
                    serialSlots.append(slot)
                }
            }
        }

        /// The index; the builder is used up. `hugePages`: see ``SerialIndex/init(_:hugePages:)``.
        public consuming func build(hugePages: Bool = true) -> SerialIndex { SerialIndex(self, hugePages: hugePages) }
    }

    /// The hashes a slot is filed under: its serial's deletion variants and its marking tokens.
    private static func forEachHash(of slot: UInt32, in store: SlotStore, markings: [String], _ body: (UInt64, Bool) -> Void) {
        store.withSerial(slot) { serial in
            guard !serial.isEmpty else { return }
            fold(serial) { SerialHasher.forEachDeletionVariant($0) { hash, deleted in body(SerialHasher.tagged(hash, deleted: deleted), false) } }
        }
        var seen: Set<UInt64> = []
        for text in markings {
            for token in SerialNormalizer.markingTokens(text) {
                let hash = token.withUnsafeBufferPointer { token in fold(token) { SerialHasher.hash($0, seed: markingSeed) } }
                if seen.insert(hash).inserted { body(hash, true) }
            }
        }
    }

    @inline(__always)
    static func fold<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { codes in
            for (i, byte) in bytes.enumerated() { codes[i] = SerialNormalizer.classCode(byte) }
            return body(UnsafeBufferPointer(codes))
        }
    }

    // MARK: - Changes

    /// Files a record anew, or its newer version in place of the old; a version older than one already applied is
    /// ignored.
    public func upsert(_ entry: SearchEntry) {
        lock.withWriteLock {
            let key = SlotStore.key(entry.id)
            if let applied = deltaByID[key]?.version, applied > entry.version { return }
            if let previous = slot(for: key) { store.markReplaced(previous) }
            let slot = store.append(entry)
            deltaByID[key] = (slot, entry.version)
            Self.forEachHash(of: slot, in: store, markings: entry.markings) { hash, isMarking in
                if isMarking { markingDelta.insert(hash, slot: slot) } else { serialDelta.insert(hash, slot: slot) }
            }
        }
    }

    private func slot(for key: UInt128) -> UInt32? {
        if let slot = deltaByID[key]?.slot { return slot }
        guard baseSortedByID else { return baseSlotByID[key] }
        return store.ids.withUnsafeBufferPointer { ids in
            var low = 0
            var high = baseCount
            while low < high {
                let middle = (low + high) / 2
                if ids[middle] < key { low = middle + 1 } else { high = middle }
            }
            return low < baseCount && ids[low] == key ? UInt32(low) : nil
        }
    }

    // MARK: - Searching

    public func search(_ query: SerialQuery, viewer: MemberCode) -> IndexAnswer {
        lock.withReadLock {
            // One copy of the columns for the whole search: reading them through `self` costs a retain per access.
            let store = self.store
            let viewerNumber = store.memberNumber(viewer)
            var found: [Found] = []
            // Matches the viewer may not see: counted apart, and answered only as restricted hits.
            var hidden: [Found] = []
            func keep(_ match: Found) {
                if store.isVisible(match.slot, to: viewerNumber) {
                    found.append(match)
                } else if store.isLive(match.slot) {
                    hidden.append(match)
                }
            }
            if query.isPattern {
                forEachPatternCandidate(query.serial) { slot in
                    let distance = store.withSerial(slot) { serial in
                        query.serial.withUnsafeBufferPointer { SerialMatcher.patternDistance($0, serial) }
                    }
                    if let distance { keep(Found(slot: slot, distance: distance, source: .pattern)) }
                }
            } else {
                query.serial.withUnsafeBufferPointer { serial in
                    var probes: [UInt64] = []
                    var masks: [UInt32] = []
                    probes.reserveCapacity(64 * (serial.count + 2) * (serial.count + 2))
                    masks.reserveCapacity(probes.capacity)
                    Self.fold(serial) { SerialHasher.probes($0, alphabet: SerialNormalizer.classCodes, into: &probes, masks: &masks) }
                    let candidates = serialSlots(probes, masks: masks)
                    store.prefetch(candidates)
                    for slot in candidates where store.isLive(slot) {
                        let distance = store.withSerial(slot) { SerialDistance.distance(serial, $0, limit: SerialDistance.maximumDistance) }
                        if let distance { keep(Found(slot: slot, distance: distance, source: .serial)) }
                    }
                    let markingHash = Self.fold(serial) { SerialHasher.hash($0, seed: Self.markingSeed) }
                    var markingSlots = Set<UInt32>()
                    markingTable.forEachSlot(markingHash) { markingSlots.insert($0) }
                    markingDelta.forEachSlot(markingHash) { markingSlots.insert($0) }
                    let serialSlots = markingSlots.isEmpty ? [] : Set(found.map(\.slot) + hidden.map(\.slot))
                    for slot in markingSlots where !serialSlots.contains(slot) {
                        keep(Found(slot: slot, distance: 0, source: .marking))
                    }
                }
            }
            return answer(found, hidden: hidden, query: query, store: store)
        }
    }

    /// The reference answer: every slot checked with ``SerialMatcher``, no index used. What the benchmark and the
    /// tests compare ``search(_:viewer:)`` with (markings excepted: the scan matches serials only).
    public func scan(_ query: SerialQuery, viewer: MemberCode) -> IndexAnswer {
        lock.withReadLock {
            let store = self.store
            let viewerNumber = store.memberNumber(viewer)
            var found: [Found] = []
            for slot in 0..<UInt32(store.count) where store.hasSerial(slot) && store.isVisible(slot, to: viewerNumber) {
                if let distance = store.withSerial(slot, { SerialMatcher.match(query, stored: $0) }) {
                    found.append(Found(slot: slot, distance: distance, source: query.isPattern ? .pattern : .serial))
                }
            }
            return answer(found, query: query, store: store)
        }
    }

    private struct Found {
        var slot: UInt32
        var distance: Int
        var source: IndexMatch.Source
        var score = 0
    }

    /// Ranks what was found and explains the best; runs under the read lock.
    private func answer(_ found: [Found], hidden: [Found] = [], query: SerialQuery, store: SlotStore) -> IndexAnswer {
        let comparable = store.comparable(query)
        var ranked = found
        for i in ranked.indices { ranked[i].score = ranked[i].distance + store.agreementScore(ranked[i].slot, with: comparable) }
        // Best score first; among equals, the record indexed last (the newest) first.
        let best = ranked.sorted { ($0.score, ~$0.slot) < ($1.score, ~$1.slot) }.prefix(query.limit)
        let matches = best.map { found in
            let (agreements, disagreements) = store.comparison(found.slot, with: comparable)
            return IndexMatch(
                recordID: store.recordID(found.slot),
                owner: store.owner(of: found.slot),
                source: found.source,
                distance: found.distance,
                agreements: agreements,
                disagreements: disagreements
            )
        }
        let restricted = hidden.sorted { ($0.distance, ~$0.slot) < ($1.distance, ~$1.slot) }.prefix(query.limit).map { found in
            IndexMatch(
                recordID: store.recordID(found.slot),
                owner: store.owner(of: found.slot),
                source: found.source,
                distance: found.distance,
                agreements: [],
                disagreements: []
            )
        }
        return IndexAnswer(matches: matches, total: found.count, restricted: restricted)
    }

    // MARK: - Patterns

    /// Calls `body` with every slot that may match the pattern: those the longer literal end selects from the sorted
    /// orders (all base slots when the pattern has no literal end), and every slot added since the build.
    private func forEachPatternCandidate(_ pattern: [UInt8], _ body: (UInt32) -> Void) {
        let unreadable = pattern.indices.filter { pattern[$0] == SerialNormalizer.questionMark }
        if !pattern.contains(SerialNormalizer.star), (1...3).contains(unreadable.count) {
            forEachFixedLengthCandidate(pattern, unreadable: unreadable, body)
            return
        }
        let isWildcard = { (byte: UInt8) in byte == SerialNormalizer.questionMark || byte == SerialNormalizer.star }
        let prefix = pattern.prefix(while: { !isWildcard($0) }).map(SerialNormalizer.classCode)
        let suffix = pattern.reversed().prefix(while: { !isWildcard($0) }).map(SerialNormalizer.classCode)
        let forward = prefix.isEmpty ? nil : range(of: prefix, in: forwardOrder, backwards: false)
        let backward = suffix.isEmpty ? nil : range(of: suffix, in: backwardOrder, backwards: true)
        // The narrower of the two ranges, or every base slot when the pattern has no literal end.
        let useForward = forward != nil && (backward == nil || forward!.count <= backward!.count)
        if useForward, let forward {
            for position in forward { body(forwardOrder[position]) }
        } else if let backward {
            for position in backward { body(backwardOrder[position]) }
        } else {
            for slot in 0..<UInt32(baseCount) where store.hasSerial(slot) { body(slot) }
        }
        for slot in UInt32(baseCount)..<UInt32(store.count) where store.hasSerial(slot) { body(slot) }
    }

    /// A pattern of fixed length with one to three `?`: the records filed under the pattern with the last `?`
    /// deleted and the others replaced by each class in turn (1, 26 or 676 probes).
    private func forEachFixedLengthCandidate(_ pattern: [UInt8], unreadable: [Int], _ body: (UInt32) -> Void) {
        let last = unreadable.last!
        var codes = pattern.map { $0 == SerialNormalizer.questionMark ? 0 : SerialNormalizer.classCode($0) }
        codes.remove(at: last)
        let free = unreadable.dropLast()
        var probes: [UInt64] = []
        func fill(_ position: Int) {
            guard position < free.count else {
                probes.append(codes.withUnsafeBufferPointer { SerialHasher.hash($0) })
                return
            }
            for code in SerialNormalizer.classCodes {
                codes[free[free.startIndex + position]] = code
                fill(position + 1)
            }
        }
        fill(0)
        serialSlots(probes, masks: [UInt32](repeating: SerialHasher.anyTag, count: probes.count)).forEach(body)
    }

    /// The distinct slots filed under any of `probes` with a tag its mask accepts, built and added since; runs under
    /// the read lock.
    @inline(__always)
    private func serialSlots(_ probes: [UInt64], masks: [UInt32]) -> [UInt32] {
        var hits: [UInt32] = []
        hits.reserveCapacity(256)
        serialTable.forEachSlot(probes, masks) { hits.append($0) }
        if !serialDelta.isEmpty {
            for (hash, mask) in zip(probes, masks) { serialDelta.forEachSlot(hash, mask) { hits.append($0) } }
        }
        return SlotSet.distinct(hits)
    }

    /// The positions in `order` whose folded serial (read backwards when asked) starts with `codes`.
    private func range(of codes: [UInt8], in order: [UInt32], backwards: Bool) -> Range<Int> {
        func compare(_ slot: UInt32) -> Int {
            store.withSerial(slot) { serial in
                let n = serial.count
                for (i, code) in codes.enumerated() {
                    guard i < n else { return -1 }
                    let stored = SerialNormalizer.classCode(backwards ? serial[n - 1 - i] : serial[i])
                    if stored != code { return stored < code ? -1 : 1 }
                }
                return 0
            }
        }
        func boundary(_ isBefore: (Int) -> Bool) -> Int {
            var low = 0
            var high = order.count
            while low < high {
                let middle = (low + high) / 2
                if isBefore(compare(order[middle])) { low = middle + 1 } else { high = middle }
            }
            return low
        }
        return boundary { $0 < 0 }..<boundary { $0 <= 0 }
    }

    /// The base slots with a serial in folded order, forwards and backwards.
    private static func orders(_ store: SlotStore) -> ([UInt32], [UInt32]) {
        func sorted(backwards: Bool) -> [UInt32] {
            // Sort by the first ten codes packed in 60 bits, then settle ties on the rest.
            var keyed: [(key: UInt64, slot: UInt32)] = []
            keyed.reserveCapacity(store.count)
            for slot in 0..<UInt32(store.count) where store.hasSerial(slot) {
                let key = store.withSerial(slot) { serial in
                    var key: UInt64 = 0
                    for i in 0..<10 {
                        let code = i < serial.count ? SerialNormalizer.classCode(backwards ? serial[serial.count - 1 - i] : serial[i]) : 0
                        key = key << 6 | UInt64(code)
                    }
                    return key
                }
                keyed.append((key, slot))
            }
            keyed.sort { a, b in
                if a.key != b.key { return a.key < b.key }
                return compareFolded(a.slot, b.slot, store: store, backwards: backwards)
            }
            return keyed.map(\.slot)
        }
        return (sorted(backwards: false), sorted(backwards: true))
    }

    private static func compareFolded(_ a: UInt32, _ b: UInt32, store: SlotStore, backwards: Bool) -> Bool {
        store.withSerial(a) { x in
            store.withSerial(b) { y in
                let n = min(x.count, y.count)
                for i in 0..<n {
                    let p = SerialNormalizer.classCode(backwards ? x[x.count - 1 - i] : x[i])
                    let q = SerialNormalizer.classCode(backwards ? y[y.count - 1 - i] : y[i])
                    if p != q { return p < q }
                }
                return x.count < y.count
            }
        }
    }

    // MARK: - Statistics

    /// The records indexed (current versions) and the bytes the index's arrays hold.
    public var statistics: (records: Int, slots: Int, memoryBytes: Int) {
        lock.withReadLock {
            let replaced = store.sharing.lazy.filter { $0 == SlotStore.SharingCode.replaced.rawValue }.count
            let bytes =
                store.memoryBytes + serialTable.memoryBytes + markingTable.memoryBytes + (forwardOrder.count + backwardOrder.count) * 4
                + serialDelta.memoryBytes + markingDelta.memoryBytes
            return (store.count - replaced, store.count, bytes)
        }
    }
}
