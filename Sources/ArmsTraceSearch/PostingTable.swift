/// An immutable hash table from 64-bit hashes to slots, as two flat arrays: a directory of buckets (by the hash's top
/// bits) and the entries of each bucket in turn, each the hash's low 32 bits and a 32-bit slot. Of those 32 bits, the
/// low ten are a tag (see `SerialHasher.tagged`) that lookups filter by instead of comparing, and the other 22 a
/// fingerprint.
///
/// About 4 entries share a bucket, so a lookup reads one directory word and one cache line of entries: 8 bytes per
/// entry plus 1 byte of directory.
struct PostingTable: Sendable {
    private let shift: UInt64
    private let directory: [UInt32]
    private let entries: [UInt64]

    var count: Int { entries.count }
    /// Bytes held by the arrays.
    var memoryBytes: Int { directory.count * 4 + entries.count * 8 }

    /// Builds the table from (hash, slot) pairs, in any order.
    init(hashes: [UInt64], slots: [UInt32]) {
        precondition(hashes.count == slots.count)
        var bits = 8
        while (1 << bits) * 4 < hashes.count { bits += 1 }
        let shift = UInt64(64 - bits)
        var directory = [UInt32](repeating: 0, count: (1 << bits) + 1)
        for hash in hashes { directory[Int(hash >> shift) + 1] += 1 }
        for i in 1..<directory.count { directory[i] += directory[i - 1] }
        var cursor = directory
        var entries = [UInt64](repeating: 0, count: hashes.count)
        for (hash, slot) in zip(hashes, slots) {
            let bucket = Int(hash >> shift)
            entries[Int(cursor[bucket])] = (hash << 32) | UInt64(slot)
            cursor[bucket] += 1
        }
        self.shift = shift
        self.directory = directory
        self.entries = entries
    }

    /// Backs the directory and the entries with huge pages (see ``HugePages``).
    func collapseIntoHugePages() {
        HugePages.collapse(directory)
        HugePages.collapse(entries)
    }

    /// Calls `body` with each slot stored under any of `hashes` with a tag that the hash's mask in `masks` accepts.
    ///
    /// The lookups run in three passes without data-dependent branches in the first two (bucket bounds, then one
    /// load from each bucket), so that the processor keeps many cache misses in flight instead of one at a time.
    func forEachSlot(_ hashes: [UInt64], _ masks: [UInt32], _ body: (UInt32) -> Void) {
        precondition(hashes.count == masks.count)
        guard !entries.isEmpty else { return }
        let shift = self.shift
        let count = hashes.count
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * count) { bounds in
            directory.withUnsafeBufferPointer { directory in
                entries.withUnsafeBufferPointer { entries in
                    hashes.withUnsafeBufferPointer { hashes in
                        for k in 0..<count {
                            let bucket = Int(truncatingIfNeeded: hashes[k] >> shift)
                            bounds[2 * k] = directory[bucket]
                            bounds[2 * k + 1] = directory[bucket + 1]
                        }
                        var touched: UInt64 = 0
                        let last = UInt32(entries.count - 1)
                        // A bucket's entries may straddle two cache lines: its first and its last are read.
                        for k in 0..<count {
                            touched &+= entries[Int(min(bounds[2 * k], last))] &+ entries[Int(min(bounds[2 * k + 1] &- 1, last))]
                        }
                        masks.withUnsafeBufferPointer { masks in
                            for k in 0..<count {
                                let fingerprint = hashes[k] << 32
                                let mask = masks[k]
                                var i = Int(bounds[2 * k])
                                let end = Int(bounds[2 * k + 1])
                                while i < end {
                                    let entry = entries[i]
                                    if Self.matches(entry, fingerprint, mask) { body(UInt32(truncatingIfNeeded: entry)) }
                                    i += 1
                                }
                            }
                        }
                        keep(touched)
                    }
                }
            }
        }
    }

    /// Calls `body` with each slot stored under `hash`, whatever its tag (and, rarely, one whose hash shares bucket
    /// and fingerprint).
    @inline(__always)
    func forEachSlot(_ hash: UInt64, _ body: (UInt32) -> Void) {
        let bucket = Int(hash >> shift)
        let fingerprint = hash << 32
        directory.withUnsafeBufferPointer { directory in
            entries.withUnsafeBufferPointer { entries in
                var i = Int(directory[bucket])
                let end = Int(directory[bucket + 1])
                while i < end {
                    let entry = entries[i]
                    if Self.matches(entry, fingerprint, SerialHasher.anyTag) { body(UInt32(truncatingIfNeeded: entry)) }
                    i += 1
                }
            }
        }
    }

    /// Whether an entry has the fingerprint (a hash shifted left by 32) and a tag the mask accepts.
    @inline(__always)
    private static func matches(_ entry: UInt64, _ fingerprint: UInt64, _ mask: UInt32) -> Bool {
        (entry ^ fingerprint) >> 42 == 0 && SerialHasher.accepts(mask, tag: (entry >> 32) & SerialHasher.tagBits)
    }
}
