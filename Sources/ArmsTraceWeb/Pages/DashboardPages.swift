import ArmsTraceDomain
import Foundation
import Hummingbird

/// The signed-in user's overview pages: the dashboard, notifications (hit notices and deadline notices), the
/// statistics with SDG 16.4.2 and tracing times as charts.
struct DashboardPages {
    let records: RecordService
    let searches: SearchService
    let traces: TraceService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("dashboard", use: dashboard)
        pages.get("notifications", use: notifications)
        pages.get("statistics", use: statistics)
    }

    /// Counts by status and category, the new hit notices, the incoming and overdue trace requests, and records
    /// and seizures month by month. An auditor, who reads no records, starts at the audit trail.
    @Sendable func dashboard(_ request: Request, context: WebContext) async throws -> Response {
        let role = context.session.user.role
        guard role.may(.readRecords) else { return Response(status: .seeOther, headers: [.location: "/audit"]) }
        async let tally = records.tally(by: context.actor)
        async let notices = searches.notices(limit: 5, cursor: nil, by: context.actor)
        async let incoming = traces.list(TraceQuery(box: .incoming, limit: 5), by: context.actor)
        async let overdue = traces.list(TraceQuery(box: .all, overdueOnly: true, limit: 5), by: context.actor)
        let counts = try await tally
        let months = counts.months
        let statusBars = counts.byStatus.map { (label: $0.status.rawValue, value: $0.count) }
        let categoryBars = counts.byCategory.map { (label: $0.category.words, value: $0.count) }
        let object: [String: Any] = [
            "total": counts.total,
            "statusChart": SVGChart.bars(id: "by-status", title: "Your records by status", statusBars),
            "categoryChart": SVGChart.bars(id: "by-category", title: "Your records by category", categoryBars),
            "statuses": statusBars.map { ["label": $0.label, "value": $0.value] },
            "categories": categoryBars.map { ["label": $0.label, "value": $0.value] },
            "timeChart": SVGChart.lines(
                id: "over-time",
                title: "Records entered and weapons seized per month, last \(months.count) months",
                labels: months.map(\.month),
                [
                    SVGChart.Series(name: "Records entered", values: months.map(\.entered)),
                    SVGChart.Series(name: "Seizures (by event date)", values: months.map(\.seized)),
                ]
            ),
            "months": months.map { ["month": $0.month, "entered": $0.entered, "seized": $0.seized] },
            "notices": try await notices.items.map(Self.notice),
            "noNotices": try await notices.items.isEmpty,
            "incoming": try await incoming.items.map(TracePages.row),
            "noIncoming": try await incoming.items.isEmpty,
            "overdue": try await overdue.items.map(TracePages.row),
            "noOverdue": try await overdue.items.isEmpty,
            "maySearch": role.may(.search),
            "mayEdit": role.may(.editRecords),
        ]
        return try renderer.page("dashboard", title: "Dashboard", section: .dashboard, session: context.session, object)
    }

    static func notice(_ notice: HitNotice) -> [String: Any] {
        [
            "id": notice.id.description, "record": notice.recordID.description, "searcher": notice.searcherMember.rawValue,
            "when": notice.searchedAt.minuteText, "serial": notice.request.serial, "source": notice.source.rawValue,
            "distance": notice.distance == 0 ? "exact" : String(format: "%g", notice.distance), "restricted": notice.restricted,
            "released": notice.release != nil,
        ]
    }

    @Sendable func notifications(_ request: Request, context: WebContext) async throws -> Response {
        let cursor = request.uri.queryParameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        async let hits = searches.notices(limit: 50, cursor: cursor, by: context.actor)
        async let deadlines = traces.notices(limit: 20, cursor: nil, by: context.actor)
        let hitPage = try await hits
        let deadlinePage = try await deadlines
        var object: [String: Any] = [
            "notices": hitPage.items.map(Self.notice),
            "noNotices": hitPage.items.isEmpty,
            "deadlines": deadlinePage.items.map { notice -> [String: Any] in
                [
                    "request": notice.requestID.description, "deadline": notice.deadline.rawValue.replacingOccurrences(of: "_", with: " "),
                    "due": notice.dueAt.minuteText, "when": notice.createdAt.minuteText,
                ]
            },
            "noDeadlines": deadlinePage.items.isEmpty,
        ]
        if let next = hitPage.nextCursor {
            object["next"] = "/notifications?cursor=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        return try renderer.page("notifications", title: "Notifications", section: .notifications, session: context.session, object)
    }

    /// SDG 16.4.2 for a year, the tracing figures in both directions, and the times to acknowledge and answer as
    /// charts.
    @Sendable func statistics(_ request: Request, context: WebContext) async throws -> Response {
        let thisYear = Calendar.utc.component(.year, from: Date())
        let year = request.uri.queryParameters.get("year").flatMap(Int.init).map { min(max($0, 2000), thisYear) } ?? thisYear
        let statistics = try await traces.statistics(year: year, by: context.actor)
        let page = TraceStatisticsPage(statistics)
        let sdg = statistics.sdg1642
        let sdgBars = [
            (label: "Seized", value: sdg.seized), (label: "Found", value: sdg.found), (label: "Surrendered", value: sdg.surrendered),
            (label: "Origin established", value: sdg.originEstablished),
        ]
        func hours(_ value: Double?) -> Int { Int((value ?? 0).rounded()) }
        let timeBars = [
            (label: "Sent: acknowledge, median", value: hours(statistics.sent.hoursToAcknowledge.median)),
            (label: "Sent: answer, median", value: hours(statistics.sent.hoursToAnswer.median)),
            (label: "Received: acknowledge, median", value: hours(statistics.received.hoursToAcknowledge.median)),
            (label: "Received: answer, median", value: hours(statistics.received.hoursToAnswer.median)),
        ]
        let object: [String: Any] = [
            "stats": page,
            "year": year,
            "years": (max(thisYear - 5, 2000)...thisYear).reversed().map { ["year": $0, "selected": $0 == year] },
            "sdgChart": SVGChart.bars(
                id: "sdg",
                title: "Weapons seized, found and surrendered in \(year), and those whose origin was established",
                sdgBars
            ),
            "timeChart": SVGChart.bars(id: "times", title: "Median hours to acknowledge and to answer trace requests, \(year)", timeBars),
            "times": timeBars.map { ["label": $0.label, "value": $0.value] },
        ]
        return try renderer.page("statistics", title: "Statistics \(year)", section: .statistics, session: context.session, object)
    }
}
