/// An open offer proposed for a need, with its score out of 100 and the reasons for it.
public struct AssistanceMatch: Sendable, Equatable, Encodable {
    public var offer: AssistanceOffer
    public var score: Int
    /// One sentence per criterion, in the order they are weighed.
    public var reasons: [String]
}

/// Proposes offers for a need, as UNODA's matching of needs with resources does by hand: an offer must cover the
/// need's area; then region (20 points), kind of help (15), size (15) and timing (10) rank it, after the area's 40.
///
/// A criterion one side leaves open scores part of its weight (neither side has said no); a criterion that does
/// not fit scores nothing but keeps the offer on the list, since donors often stretch.
public enum AssistanceMatching {
    /// The open offers of other members that cover `need`'s area, best first (ties: the older offer first).
    public static func rank(_ need: AssistanceNeed, among offers: [AssistanceOffer]) -> [AssistanceMatch] {
        offers.filter { $0.status == .open && $0.member != need.member && $0.areas.contains(need.area) }
            .map { match(need, $0) }
            .sorted { ($0.score, $1.offer.createdAt, $1.offer.id) > ($1.score, $0.offer.createdAt, $0.offer.id) }
    }

    static func match(_ need: AssistanceNeed, _ offer: AssistanceOffer) -> AssistanceMatch {
        var score = 40
        var reasons = ["covers \(need.area.words)"]

        if offer.regions.isEmpty {
            score += 15
            reasons.append("works in every region")
        } else if let region = need.region, offer.regions.contains(region) {
            score += 20
            reasons.append("works in \(region.words)")
        } else {
            reasons.append(
                "works in " + offer.regions.map(\.words).joined(separator: ", ") + (need.region.map { ", not in \($0.words)" } ?? "")
            )
        }

        let wanted = need.kinds.filter(offer.kinds.contains)
        if need.kinds.isEmpty {
            score += 10
            reasons.append("brings " + offer.kinds.map(\.rawValue).joined(separator: ", ") + "; the need names no kind")
        } else if wanted.isEmpty {
            reasons.append(
                "brings " + offer.kinds.map(\.rawValue).joined(separator: ", ") + ", not " + need.kinds.map(\.rawValue).joined(separator: ", ")
            )
        } else {
            score += 15 * wanted.count / need.kinds.count
            reasons.append("brings " + wanted.map(\.rawValue).joined(separator: ", ") + " as asked")
        }

        switch (need.budgetUsd, offer.budgetUsd) {
        case (let asked?, let available?) where asked > 0:
            if available >= asked {
                score += 15
                reasons.append("covers the whole US$ \(asked.grouped)")
            } else {
                score += 15 * available / asked
                reasons.append("covers US$ \(available.grouped) of the US$ \(asked.grouped) asked (\(100 * available / asked)%)")
            }
        default:
            score += 5
            reasons.append("size not stated on both sides")
        }

        switch (need.start ?? need.end, offer.start ?? offer.end) {
        case (nil, _), (_, nil):
            score += 5
            reasons.append("timing open")
        default:
            let needFrom = need.start ?? need.end!
            let needTo = need.end ?? need.start!
            let offerFrom = offer.start ?? .init(year: 1, month: 1, day: 1)!
            let offerTo = offer.end ?? .init(year: 9999, month: 12, day: 31)!
            if offerFrom <= needTo && needFrom <= offerTo {
                score += 10
                reasons.append("available when needed (\(needFrom) to \(needTo))")
            } else {
                reasons.append(
                    "available " + (offer.start.map { "from \($0)" } ?? "") + (offer.end.map { " until \($0)" } ?? "") + ", not when needed"
                )
            }
        }
        return AssistanceMatch(offer: offer, score: score, reasons: reasons)
    }
}

extension Int {
    /// 120000 as "120,000".
    public var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (self < 0 ? "-" : "") + out
    }
}
