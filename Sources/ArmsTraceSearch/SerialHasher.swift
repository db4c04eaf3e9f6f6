/// Hashes of folded serials (class codes) and of their deletion variants, computed from prefix sums so that each
/// variant costs O(1).
///
/// The raw hash of codes `c₀…cₙ₋₁` is `Σ cᵢ·Bⁱ mod 2⁶⁴`; deleting position `j` gives
/// `prefix(j) + (total − prefix(j+1))·B⁻¹`. The length is mixed in when the hash is finalised.
enum SerialHasher {
    static let base: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// `base⁻¹ mod 2⁶⁴` (the base is odd, so it has one).
    static let inverse: UInt64 = {
        var x: UInt64 = 1
        for _ in 0..<7 { x = x &* (2 &- base &* x) }
        return x
    }()

    static let powers: [UInt64] = {
        var result = [UInt64](repeating: 1, count: 128)
        for i in 1..<result.count { result[i] = result[i - 1] &* base }
        return result
    }()

    /// The final 64-bit hash of a raw hash and a length (MurmurHash3's finaliser).
    @inline(__always)
    static func finalize(_ raw: UInt64, length: Int, seed: UInt64 = 0) -> UInt64 {
        var h = raw ^ (UInt64(truncatingIfNeeded: length) &* 0xC2B2_AE3D_27D4_EB4F) ^ seed
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// The finalised hash of a whole string of codes.
    static func hash(_ codes: UnsafeBufferPointer<UInt8>, seed: UInt64 = 0) -> UInt64 {
        var raw: UInt64 = 0
        powers.withUnsafeBufferPointer { powers in
            for (i, code) in codes.enumerated() { raw = raw &+ UInt64(code) &* powers[i] }
        }
        return finalize(raw, length: codes.count, seed: seed)
    }

    /// Calls `body` with the hash of `codes` and of every string one deletion away, with the positions whose
    /// deletion gives it (`nil` for `codes` itself): one call per distinct string, where a run of adjacent equal codes
    /// gives one string whichever of its positions is deleted.
    @inline(__always)
    static func forEachDeletionVariant(_ codes: UnsafeBufferPointer<UInt8>, _ body: (_ hash: UInt64, _ deleted: ClosedRange<Int>?) -> Void) {
        let n = codes.count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n + 1) { prefix in
            powers.withUnsafeBufferPointer { powers in
                prefix[0] = 0
                for i in 0..<n { prefix[i + 1] = prefix[i] &+ UInt64(codes[i]) &* powers[i] }
            }
            let total = prefix[n]
            body(finalize(total, length: n), nil)
            for j in 0..<n {
                if j > 0 && codes[j] == codes[j - 1] { continue }
                var last = j
                while last + 1 < n && codes[last + 1] == codes[j] { last += 1 }
                body(finalize(prefix[j] &+ (total &- prefix[j + 1]) &* inverse, length: n - 1), j...last)
            }
        }
    }

    // MARK: - Tags

    /// A filed hash carries a tag in its low ten bits (which lookups do not compare): for a deletion variant, the
    /// first and last position of the run whose deletion gives it, each as `1 + p` (31 for positions from 30 on), in
    /// bits 0-4 and 5-9; 0 for a serial itself. A probe says which positions it accepts (bit `1 + p` of a mask for
    /// position `p`, bit 0 for a serial itself), and an entry passes when its run holds one of them, so that a lookup
    /// drops, without reading the record, the matches that cannot be within two edits (see
    /// ``probes(_:alphabet:into:masks:)``).
    static let tagBits: UInt64 = 1023

    /// `hash` filed with the tag of the deletion of any of the positions `deleted` (`nil`: the serial itself).
    @inline(__always)
    static func tagged(_ hash: UInt64, deleted: ClosedRange<Int>?) -> UInt64 {
        guard let deleted else { return hash & ~tagBits }
        let first = UInt64(Swift.min(deleted.lowerBound + 1, 31))
        let last = UInt64(Swift.min(deleted.upperBound + 1, 31))
        return (hash & ~tagBits) | first | last << 5
    }

    /// Whether a probe's mask accepts a filed tag: whether it has a bit from the tag's first position to its last.
    @inline(__always)
    static func accepts(_ mask: UInt32, tag: UInt64) -> Bool {
        let first = tag & 31
        let width = ((tag >> 5) & 31) &- first &+ 1
        return (UInt64(mask) >> first) & ((1 << width) &- 1) != 0
    }

    /// Every tag.
    static let anyTag: UInt32 = .max
    /// The tags a probe of two edits accepts whatever its deletions: the serial itself, and deletions past position
    /// 29, which share one bit.
    static let wholeTag: UInt32 = 1 | 1 << 31

    /// The positions of the record deletions that, met by a probe string `s` (of `count` codes) made by deleting
    /// code `deleted` from the query at `gap` (before `s[gap]`), make two edits in all rather than three: the
    /// record's own character put back at that gap is a substitution there.
    ///
    /// The query's deletion may be any of its run of equal codes, so the range widens over the run of `deleted`
    /// around `gap` (the record's side is a run already, see ``tagged(_:deleted:)``); and one gap further right,
    /// where the other half of a transposition sits when each side deletes one of the two characters.
    @inline(__always)
    static func tags(gap: Int, deleted: UInt8, count: Int, _ s: (Int) -> UInt8) -> UInt32 {
        var high = gap
        while high < count && s(high) == deleted { high += 1 }
        var low = gap
        while low > 0 && s(low - 1) == deleted { low -= 1 }
        high += 1
        // Positions low...high are bits low + 1 ... high + 1; bit 31 is in `wholeTag` already.
        let first = low + 1
        let last = Swift.min(high + 1, 30)
        guard first <= last else { return 0 }
        return UInt32(truncatingIfNeeded: (UInt64(1) << (last + 1)) &- (UInt64(1) << first))
    }

    /// Writes to `probes` hashes that meet, for every string within optimal string alignment distance 2 of `codes`,
    /// the hash of that string or of one of its deletion variants (what ``forEachDeletionVariant(_:_:)`` files a
    /// record under), and to `masks` the tags each probe accepts.
    ///
    /// Two edits decompose into non-overlapping operations, each absorbed on one side or the other:
    /// - a character the query has and the record lacks: deleted from the query;
    /// - a character the record has and the query lacks: the record's deletion variant, or inserted into the query;
    /// - a substitution at `i`: deleted at `i` on both sides, or substituted in the query;
    /// - a transposition: swapped in the query, or one of the two deleted on both sides.
    /// The record side absorbs at most one deletion, so the query side enumerates classes only where both edits
    /// would need it: two substitutions (substitute the earlier, delete the later), and two insertions (insert one).
    /// The probes are therefore: the query, its deletions and double deletions; each substitution, and each
    /// substitution with a later deletion; each insertion; each transposition and its deletions. About 1,500 for a
    /// 9-character serial, each computed in O(1) from prefix sums.
    ///
    /// **Masks.** A probe that spent one edit or none on the query accepts every tag: with the record's deletion,
    /// two edits at most. A probe that spent two (a double deletion, a substitution with a deletion, a
    /// transposition with a deletion) meets a record's deletion variant within two edits only where the record's
    /// deleted character takes the place of one the query lost (a substitution, see ``tags(gap:deleted:count:_:)``);
    /// elsewhere the match is three edits away, which on dense serial ranges is most of what such probes find. Those
    /// tags are left out, so such records are never read.
    static func probes(_ codes: UnsafeBufferPointer<UInt8>, alphabet: [UInt8], into probes: inout [UInt64], masks: inout [UInt32]) {
        let n = codes.count
        probes.removeAll(keepingCapacity: true)
        masks.removeAll(keepingCapacity: true)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n + 1) { prefix in
            powers.withUnsafeBufferPointer { B in
                prefix[0] = 0
                for i in 0..<n { prefix[i + 1] = prefix[i] &+ UInt64(codes[i]) &* B[i] }
                let total = prefix[n]
                let inv = inverse
                let inv2 = inverse &* inverse
                /// The raw hash of `codes` without position `j`.
                @inline(__always) func deleted(_ j: Int) -> UInt64 { prefix[j] &+ (total &- prefix[j + 1]) &* inv }

                // The string, its deletions and its double deletions.
                probes.append(finalize(total, length: n))
                masks.append(anyTag)
                for j in 0..<n {
                    probes.append(finalize(deleted(j), length: n - 1))
                    masks.append(anyTag)
                    for k in (j + 1)..<n where k == j + 1 || codes[k] != codes[k - 1] {
                        let raw = prefix[j] &+ (prefix[k] &- prefix[j + 1]) &* inv &+ (total &- prefix[k + 1]) &* inv2
                        probes.append(finalize(raw, length: n - 2))
                        @inline(__always) func s(_ x: Int) -> UInt8 { codes[x < j ? x : (x < k - 1 ? x + 1 : x + 2)] }
                        masks.append(
                            wholeTag | tags(gap: j, deleted: codes[j], count: n - 2, s) | tags(gap: k - 1, deleted: codes[k], count: n - 2, s)
                        )
                    }
                }
                // Substitutions at i, each with the deletions after i.
                for i in 0..<n {
                    let original = UInt64(codes[i])
                    for code in alphabet where UInt64(code) != original {
                        let delta = UInt64(code) &- original
                        probes.append(finalize(total &+ delta &* B[i], length: n))
                        masks.append(anyTag)
                        for j in (i + 1)..<n {
                            probes.append(finalize(deleted(j) &+ delta &* B[i], length: n - 1))
                            @inline(__always) func s(_ x: Int) -> UInt8 {
                                let y = x < j ? x : x + 1
                                return y == i ? code : codes[y]
                            }
                            masks.append(wholeTag | tags(gap: j, deleted: codes[j], count: n - 1, s))
                        }
                    }
                }
                // Insertions at i.
                for i in 0...n {
                    for code in alphabet where i == 0 || code != codes[i - 1] {
                        probes.append(finalize(prefix[i] &+ UInt64(code) &* B[i] &+ (total &- prefix[i]) &* base, length: n + 1))
                        masks.append(anyTag)
                    }
                }
            }
        }
        // Transpositions, each with its deletions: few enough to hash in full.
        guard n >= 2 else { return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { scratch in
            _ = scratch.initialize(fromContentsOf: codes)
            for i in 0..<(n - 1) where codes[i] != codes[i + 1] {
                scratch.swapAt(i, i + 1)
                let swapped = UnsafeBufferPointer(scratch)
                forEachDeletionVariant(swapped) { hash, deleted in
                    probes.append(hash)
                    guard let j = deleted?.lowerBound else { return masks.append(anyTag) }
                    masks.append(wholeTag | tags(gap: j, deleted: swapped[j], count: n - 1) { swapped[$0 < j ? $0 : $0 + 1] })
                }
                scratch.swapAt(i, i + 1)
            }
        }
    }
}
