/// A growable hash table from 64-bit hashes to lists of slots, for the records added since the index was built:
/// open addressing over flat arrays, so that the thousands of probes a search makes stay cheap. Keyed, like
/// ``PostingTable``, by the hash without its tag (see `SerialHasher.tagged`), the tag kept with the slot.
struct DeltaPostings: Sendable {
    private var keys: [UInt64] = []
    private var heads: [Int32] = []
    private var nextInList: [Int32] = []
    private var slots: [UInt32] = []
    private var tags: [UInt16] = []
    private var used = 0

    var isEmpty: Bool { used == 0 }
    var memoryBytes: Int { keys.capacity * 12 + nextInList.capacity * 10 }

    /// The table's key for a hash: the hash without its tag, never 0 (which marks an empty cell).
    @inline(__always)
    private static func key(_ hash: UInt64) -> UInt64 { max(hash & ~SerialHasher.tagBits, 1) }

    mutating func insert(_ hash: UInt64, slot: UInt32) {
        if (used + 1) * 2 > keys.count { grow() }
        let key = Self.key(hash)
        var i = Int(truncatingIfNeeded: key) & (keys.count - 1)
        while keys[i] != 0 && keys[i] != key { i = (i + 1) & (keys.count - 1) }
        if keys[i] == 0 {
            keys[i] = key
            heads[i] = -1
            used += 1
        }
        nextInList.append(heads[i])
        slots.append(slot)
        tags.append(UInt16(truncatingIfNeeded: hash & SerialHasher.tagBits))
        heads[i] = Int32(slots.count - 1)
    }

    /// Calls `body` with each slot filed under `hash` with a tag that `mask` accepts.
    @inline(__always)
    func forEachSlot(_ hash: UInt64, _ mask: UInt32 = SerialHasher.anyTag, _ body: (UInt32) -> Void) {
        guard used > 0 else { return }
        let key = Self.key(hash)
        var i = Int(truncatingIfNeeded: key) & (keys.count - 1)
        while keys[i] != 0 {
            if keys[i] == key {
                var link = heads[i]
                while link >= 0 {
                    if SerialHasher.accepts(mask, tag: UInt64(tags[Int(link)])) { body(slots[Int(link)]) }
                    link = nextInList[Int(link)]
                }
                return
            }
            i = (i + 1) & (keys.count - 1)
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldHeads = heads
        let capacity = max(64, keys.count * 2)
        keys = [UInt64](repeating: 0, count: capacity)
        heads = [Int32](repeating: -1, count: capacity)
        for (key, head) in zip(oldKeys, oldHeads) where key != 0 {
            var i = Int(truncatingIfNeeded: key) & (capacity - 1)
            while keys[i] != 0 { i = (i + 1) & (capacity - 1) }
            keys[i] = key
            heads[i] = head
        }
    }
}
