import ArmsTraceDomain
import Foundation

/// What the statistics page shows, as plain strings for the template: SDG 16.4.2 with the counts behind it, and
/// the tracing figures of both directions side by side.
struct TraceStatisticsPage: Sendable {
    struct Row: Sendable {
        var label: String
        var sent: String
        var received: String
    }

    var title: String
    var member: String
    var year: Int
    var sdgPercent: String
    var sdgEstablished: Int
    var sdgTotal: Int
    var seized: Int
    var found: Int
    var surrendered: Int
    var rows: [Row]
    var printedAt: String

    init(_ statistics: TraceStatistics, now: Date = Date()) {
        func percent(_ value: Double?) -> String { value.map { String(format: "%.1f %%", $0) } ?? "–" }
        func hours(_ value: Double?) -> String { value.map { String(format: "%.1f h", $0) } ?? "–" }
        func row(_ label: String, _ value: (TraceStatistics.Flow) -> String) -> Row {
            Row(label: label, sent: value(statistics.sent), received: value(statistics.received))
        }
        let code = statistics.member.rawValue
        title = "Tracing statistics \(code) \(statistics.year)"
        member = Countries.name(of: code).map { "\($0) (\(code))" } ?? code
        year = statistics.year
        let sdg = statistics.sdg1642
        sdgPercent = percent(sdg.percent)
        sdgEstablished = sdg.originEstablished
        sdgTotal = sdg.total
        seized = sdg.seized
        found = sdg.found
        surrendered = sdg.surrendered
        rows = [
            row("Requests") { "\($0.requests)" },
            row("of which urgent") { "\($0.urgent)" },
            row("Acknowledged (count)") { "\($0.hoursToAcknowledge.count)" },
            row("Time to acknowledge, median") { hours($0.hoursToAcknowledge.median) },
            row("Time to acknowledge, 90th percentile") { hours($0.hoursToAcknowledge.p90) },
            row("Answered (count)") { "\($0.hoursToAnswer.count)" },
            row("Time to answer, median") { hours($0.hoursToAnswer.median) },
            row("Time to answer, 90th percentile") { hours($0.hoursToAnswer.p90) },
            row("Answered within the deadline") {
                "\($0.answeredWithinDeadline.count) of \($0.answeredWithinDeadline.total) (\(percent($0.answeredWithinDeadline.percent)))"
            },
            row("Closed, origin established") { "\($0.originEstablished)" },
            row("Closed, origin not established") { "\($0.originNotEstablished)" },
        ]
        printedAt = now.minuteText
    }
}
