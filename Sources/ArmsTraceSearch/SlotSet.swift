/// The distinct slots of a list that repeats them (a record within two edits meets a dozen of a search's probes):
/// open addressing over one flat array sized for the list, a multiply and a shift per slot instead of the standard
/// library's seeded hash.
enum SlotSet {
    /// The slots of `slots` without repeats, in the order first met.
    static func distinct(_ slots: [UInt32]) -> [UInt32] {
        guard slots.count > 1 else { return slots }
        var bits = 4
        while 1 << bits < 2 * slots.count { bits += 1 }
        let mask = (1 << bits) - 1
        var result: [UInt32] = []
        result.reserveCapacity(slots.count)
        // Each cell holds a slot plus one; 0 is empty.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 1 << bits) { cells in
            cells.initialize(repeating: 0)
            for slot in slots {
                let key = slot &+ 1
                var i = Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - bits))
                while cells[i] != 0 && cells[i] != key { i = (i + 1) & mask }
                if cells[i] == 0 {
                    cells[i] = key
                    result.append(slot)
                }
            }
        }
        return result
    }
}

/// Uses a value so that the optimiser keeps the loads that computed it (see `PostingTable.forEachSlot` and
/// `SlotStore.prefetch`).
@_optimize(none)
func keep(_ value: UInt64) {}
