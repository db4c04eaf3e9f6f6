public import Foundation

/// A member's tracing figures for one calendar year (UTC): the requests it sent and received that year, how fast
/// they were acknowledged and answered, and SDG indicator 16.4.2.
public struct TraceStatistics: Sendable, Equatable, Encodable {
    public var member: MemberCode
    public var year: Int
    /// Requests the member sent in the year: how fast the members it asked acted.
    public var sent: Flow
    /// Requests the member received in the year: how fast it acted itself.
    public var received: Flow
    public var sdg1642: SDG1642

    /// The requests of one direction.
    public struct Flow: Sendable, Equatable, Encodable {
        public var requests: Int
        public var urgent: Int
        /// How many are in each status now, statuses with none left out.
        public var byStatus: [String: Int]
        /// Hours from sending to the first acknowledgement, over the requests acknowledged.
        public var hoursToAcknowledge: Durations
        /// Hours from sending to the answer, over the requests answered.
        public var hoursToAnswer: Durations
        /// Requests answered by their deadline, over the requests answered or past their deadline unanswered
        /// (declined and withdrawn requests count in neither).
        public var answeredWithinDeadline: Share
        /// Closed requests by outcome.
        public var originEstablished: Int
        public var originNotEstablished: Int
    }

    /// A distribution of durations in hours: nearest-rank median and 90th percentile.
    public struct Durations: Sendable, Equatable, Encodable {
        public var count: Int
        public var median: Double?
        public var p90: Double?

        public init(hours: [Double]) {
            let sorted = hours.sorted()
            count = sorted.count
            median = Self.nearestRank(0.5, of: sorted)
            p90 = Self.nearestRank(0.9, of: sorted)
        }

        /// The smallest value with at least `fraction` of the values at or below it.
        static func nearestRank(_ fraction: Double, of sorted: [Double]) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[max(rank, 1) - 1]
        }
    }

    /// A count out of a total, with the percentage (`nil` when the total is 0).
    public struct Share: Sendable, Equatable, Encodable {
        public var count: Int
        public var total: Int
        public var percent: Double?

        public init(count: Int, total: Int) {
            self.count = count
            self.total = total
            self.percent = total == 0 ? nil : Double(count) / Double(total) * 100
        }
    }

    /// SDG indicator 16.4.2: of the weapons the member seized, found or had surrendered in the year (by the date
    /// of the event, else of the record), the share whose illicit origin or point of diversion was established,
    /// by a trace request closed with that outcome.
    public struct SDG1642: Sendable, Equatable, Encodable {
        public var seized: Int
        public var found: Int
        public var surrendered: Int
        /// seized + found + surrendered.
        public var total: Int
        public var originEstablished: Int
        /// originEstablished ÷ total × 100; `nil` when the member recorded no such weapon in the year.
        public var percent: Double?

        public init(_ counts: SeizureCounts) {
            seized = counts.seized
            found = counts.found
            surrendered = counts.surrendered
            total = counts.seized + counts.found + counts.surrendered
            originEstablished = counts.originEstablished
            percent = Share(count: counts.originEstablished, total: total).percent
        }
    }

    /// Computes the figures.
    /// - Parameters:
    ///   - requests: the requests sent in the year that `member` is party to (drafts are ignored).
    ///   - seizures: the counts behind 16.4.2.
    ///   - now: when "past its deadline" is judged.
    public init(member: MemberCode, year: Int, requests: [TraceRequest], seizures: SeizureCounts, now: Date) {
        self.member = member
        self.year = year
        let sentRequests = requests.filter { $0.sentAt != nil }
        self.sent = Flow(sentRequests.filter { $0.requester == member }, now: now)
        self.received = Flow(sentRequests.filter { $0.requested == member }, now: now)
        self.sdg1642 = SDG1642(seizures)
    }
}

extension TraceStatistics.Flow {
    init(_ requests: [TraceRequest], now: Date) {
        self.requests = requests.count
        self.urgent = requests.count { $0.particulars.priority == .urgent }
        self.byStatus = Dictionary(grouping: requests, by: \.status.rawValue).mapValues(\.count)
        func hours(_ end: KeyPath<TraceRequest, Date?>) -> [Double] {
            requests.compactMap { request in
                guard let sent = request.sentAt, let at = request[keyPath: end] else { return nil }
                return at.timeIntervalSince(sent) / 3600
            }
        }
        self.hoursToAcknowledge = TraceStatistics.Durations(hours: hours(\.acknowledgedAt))
        self.hoursToAnswer = TraceStatistics.Durations(hours: hours(\.answeredAt))
        var inTime = 0
        var judged = 0
        for request in requests {
            guard let answerBy = request.deadlines?.answerBy else { continue }
            if let answeredAt = request.answeredAt {
                judged += 1
                if answeredAt <= answerBy { inTime += 1 }
            } else if request.status.awaitsAnswer, answerBy < now {
                judged += 1
            }
        }
        self.answeredWithinDeadline = TraceStatistics.Share(count: inTime, total: judged)
        self.originEstablished = requests.count { $0.outcome?.originEstablished == true }
        self.originNotEstablished = requests.count { $0.outcome?.originEstablished == false }
    }
}

/// What the store counts for SDG 16.4.2: a member's seized, found and surrendered weapons of a year, and how many
/// of them have an established illicit origin.
public struct SeizureCounts: Sendable, Equatable {
    public var seized: Int
    public var found: Int
    public var surrendered: Int
    public var originEstablished: Int

    public init(seized: Int, found: Int, surrendered: Int, originEstablished: Int) {
        self.seized = seized
        self.found = found
        self.surrendered = surrendered
        self.originEstablished = originEstablished
    }
}
