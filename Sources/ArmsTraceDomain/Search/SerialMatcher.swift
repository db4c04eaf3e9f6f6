/// What makes a stored serial a candidate for a search: the definition that the index answers exactly and the
/// reference scan applies to every record.
///
/// - A serial without wildcards matches a stored serial within ``SerialDistance/maximumDistance``.
/// - A pattern matches a stored serial that it covers, `?` taking one character and `*` any run, every other
///   character equal or confusable. Its distance is the cost of the confusions.
public enum SerialMatcher {
    /// The distance in cost units when `stored` is a candidate for `query`, else `nil`.
    public static func match(_ query: SerialQuery, stored: UnsafeBufferPointer<UInt8>) -> Int? {
        query.serial.withUnsafeBufferPointer { serial in
            query.isPattern
                ? patternDistance(serial, stored)
                : SerialDistance.distance(serial, stored, limit: SerialDistance.maximumDistance)
        }
    }

    /// The distance in cost units when `stored` is a candidate for `query`, else `nil`.
    public static func match(_ query: SerialQuery, stored: [UInt8]) -> Int? {
        stored.withUnsafeBufferPointer { match(query, stored: $0) }
    }

    /// The cheapest way `pattern` covers `stored`, in confusion costs, or `nil` when it does not.
    public static func patternDistance(_ pattern: UnsafeBufferPointer<UInt8>, _ stored: UnsafeBufferPointer<UInt8>) -> Int? {
        let m = stored.count
        let impossible = Int.max / 2
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (m + 1)) { buffer in
            var previous = UnsafeMutableBufferPointer(rebasing: buffer[0...m])
            var current = UnsafeMutableBufferPointer(rebasing: buffer[(m + 1)...(2 * m + 1)])
            previous[0] = 0
            for j in 1..<(m + 1) { previous[j] = impossible }
            for p in pattern {
                var rowBest = impossible
                if p == SerialNormalizer.star {
                    current[0] = previous[0]
                    for j in 1..<(m + 1) { current[j] = min(previous[j], current[j - 1]) }
                } else {
                    current[0] = impossible
                    for j in 1..<(m + 1) {
                        let s = stored[j - 1]
                        let step: Int
                        if p == SerialNormalizer.questionMark || p == s {
                            step = 0
                        } else if SerialNormalizer.areConfusable(p, s) {
                            step = SerialDistance.confusableCost
                        } else {
                            step = impossible
                        }
                        current[j] = min(previous[j - 1] + step, impossible)
                    }
                }
                for j in 0..<(m + 1) { rowBest = min(rowBest, current[j]) }
                if rowBest >= impossible { return nil }
                swap(&previous, &current)
            }
            return previous[m] < impossible ? previous[m] : nil
        }
    }
}

/// How candidates are ordered: closeness of the serial first, weighed against agreement of the other identifying
/// data (serials alone are not unique across models).
///
/// score = distance in cost units + 3 per disagreeing field − 2 per agreeing field, over the fields the search gave
/// and the record holds (make, model, calibre, category, country of manufacture). Lower is better; ties go to the
/// newer record.
public enum SearchRanking {
    public static let agreementBonus = 2
    public static let disagreementPenalty = 3

    public static func score(distance: Int, agreements: Int, disagreements: Int) -> Int {
        distance + disagreementPenalty * disagreements - agreementBonus * agreements
    }
}
