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

    /// Calls `body` with the hash of `codes` and of every string one deletion away (one call per distinct string
    /// where adjacent equal codes make deletions coincide).
    @inline(__always)
    static func forEachDeletionVariant(_ codes: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        let n = codes.count
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n + 1) { prefix in
            powers.withUnsafeBufferPointer { powers in
                prefix[0] = 0
                for i in 0..<n { prefix[i + 1] = prefix[i] &+ UInt64(codes[i]) &* powers[i] }
            }
            let total = prefix[n]
            body(finalize(total, length: n))
            for j in 0..<n {
                if j > 0 && codes[j] == codes[j - 1] { continue }
                body(finalize(prefix[j] &+ (total &- prefix[j + 1]) &* inverse, length: n - 1))
            }
        }
    }

    /// Writes to `probes` hashes that meet, for every string within optimal string alignment distance 2 of `codes`,
    /// the hash of that string or of one of its deletion variants (what ``forEachDeletionVariant(_:_:)`` files a
    /// record under).
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
    static func probes(_ codes: UnsafeBufferPointer<UInt8>, alphabet: [UInt8], into probes: inout [UInt64]) {
        let n = codes.count
        probes.removeAll(keepingCapacity: true)
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
                for j in 0..<n {
                    probes.append(finalize(deleted(j), length: n - 1))
                    for k in (j + 1)..<n where k == j + 1 || codes[k] != codes[k - 1] {
                        let raw = prefix[j] &+ (prefix[k] &- prefix[j + 1]) &* inv &+ (total &- prefix[k + 1]) &* inv2
                        probes.append(finalize(raw, length: n - 2))
                    }
                }
                // Substitutions at i, each with the deletions after i.
                for i in 0..<n {
                    let original = UInt64(codes[i])
                    for code in alphabet where UInt64(code) != original {
                        let delta = UInt64(code) &- original
                        probes.append(finalize(total &+ delta &* B[i], length: n))
                        for j in (i + 1)..<n { probes.append(finalize(deleted(j) &+ delta &* B[i], length: n - 1)) }
                    }
                }
                // Insertions at i.
                for i in 0...n {
                    for code in alphabet where i == 0 || code != codes[i - 1] {
                        probes.append(finalize(prefix[i] &+ UInt64(code) &* B[i] &+ (total &- prefix[i]) &* base, length: n + 1))
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
                forEachDeletionVariant(UnsafeBufferPointer(scratch)) { probes.append($0) }
                scratch.swapAt(i, i + 1)
            }
        }
    }
}
