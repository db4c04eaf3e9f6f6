import ArmsTraceDomain
import Foundation
import Synchronization
import Testing

/// The tracing part of the repository contract, driven through ``TraceService`` with a clock the checks move.
extension RepositoryConformance {
    /// A clock the checks set.
    final class TestClock: Sendable {
        private let current: Mutex<Date>
        init(_ start: Date) { current = Mutex(start) }
        var now: Date { current.withLock { $0 } }
        func advance(hours: Double) { current.withLock { $0 += hours * 3600 } }
    }

    /// A KEN record and a complete draft about it addressed to UGA, with the service and clock that made them.
    func tracingWorld(
        status: RecordStatus = .seized,
        eventDate: String = "2024-03-01"
    ) async throws -> (Repositories, TraceService, TestClock, TraceRequestView) {
        let repositories = try await seeded()
        let clock = TestClock(Date(timeIntervalSince1970: 1_790_000_000))
        let service = TraceService(repositories: repositories, now: { clock.now })
        var details = Self.details("T-\(UUID().uuidString.prefix(8))", status: status)
        details.event.date = CalendarDate(eventDate)
        let record = try await repositories.records.create(details, by: officer(Self.ken))
        let draft = try await service.create(Self.traceInput(record.id), by: officer(Self.ken))
        return (repositories, service, clock, draft)
    }

    static func traceInput(_ recordID: WeaponRecord.ID, to requested: String = "UGA", priority: String = "routine") -> TraceRequestInput {
        TraceRequestInput(
            recordId: recordID.description,
            requested: requested,
            priority: priority,
            urgencyJustification: priority == "urgent" ? "Suspect held for 48 hours" : nil,
            grounds: ["illicit_under_law_where_found"],
            legalBasis: "Firearms Act, s. 4",
            circumstances: "Seized at a checkpoint",
            intendedUse: "Criminal investigation"
        )
    }

    func tracesAreVisibleOnlyToTheirParties() async throws {
        let (repositories, service, _, draft) = try await tracingWorld()
        let id = draft.request.id
        #expect(try await repositories.traces.get(id, viewer: Self.ken).status == .draft)
        await expectError(.notFound) { _ = try await repositories.traces.get(id, viewer: Self.uga) }  // a draft is the requester's
        _ = try await service.send(id, by: officer(Self.ken))
        #expect(try await repositories.traces.get(id, viewer: Self.uga).status == .sent)
        await expectError(.notFound) { _ = try await repositories.traces.get(id, viewer: Self.fra) }
        await expectError(.notFound) { _ = try await repositories.traces.getWithTimeline(id, viewer: Self.fra) }
        await expectError(.notFound) { _ = try await service.perform(.acknowledge, on: id, by: officer(Self.fra)) }
        let (request, timeline) = try await repositories.traces.getWithTimeline(id, viewer: Self.uga)
        #expect(request.version == 2)
        #expect(timeline.map(\.content.kind) == [.created, .sent])
        #expect(timeline.map(\.member) == [Self.ken, Self.ken])
        #expect(try await repositories.traces.list(TraceQuery(), viewer: Self.fra, now: Date()).items.isEmpty)
    }

    func traceStepsAreAtomic() async throws {
        let (repositories, service, _, draft) = try await tracingWorld()
        let id = draft.request.id
        _ = try await service.send(id, by: officer(Self.ken))
        await expectError(.invalid) {
            _ = try await repositories.traces.update(id, viewer: Self.uga) { request in
                request.status = .answered
                throw DomainError.invalid(field: "x", "refused after changing the copy")
            }
        }
        let (unchanged, timeline) = try await repositories.traces.getWithTimeline(id, viewer: Self.ken)
        #expect(unchanged.status == .sent && unchanged.version == 2 && timeline.count == 2, "a failed step stores nothing")

        // Two officers acknowledge at once: one step applies, the other is refused by the state machine.
        let uga = officer(Self.uga)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<2 { group.addTask { (try? await service.perform(.acknowledge, on: id, by: uga)) != nil } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let (acknowledged, after) = try await repositories.traces.getWithTimeline(id, viewer: Self.ken)
        #expect(acknowledged.status == .acknowledged && acknowledged.version == 3)
        #expect(after.map(\.content.kind) == [.created, .sent, .acknowledged])
        #expect(acknowledged == (try await repositories.traces.get(id, viewer: Self.uga)), "a request reads back as stored")
    }

    func traceListsFilterAndPage() async throws {
        let (repositories, service, clock, first) = try await tracingWorld()
        let ken = officer(Self.ken)
        let record = first.request.recordID
        var ids = [first.request.id]
        _ = try await service.send(first.request.id, by: ken)
        for (to, priority) in [("UGA", "urgent"), ("FRA", "routine"), ("UGA", "routine")] {
            clock.advance(hours: 1)
            let draft = try await service.create(Self.traceInput(record, to: to, priority: priority), by: ken)
            ids.append(draft.request.id)
            _ = try await service.send(draft.request.id, by: ken)
        }
        clock.advance(hours: 1)
        // UGA's draft to KEN: KEN must not see it.
        let ugaRecord = try await repositories.records.create(Self.details("UGA-1"), by: officer(Self.uga))
        _ = try await service.create(TraceRequestInput(recordId: ugaRecord.id.description, requested: "KEN"), by: officer(Self.uga))
        let all = try await repositories.traces.list(TraceQuery(), viewer: Self.ken, now: clock.now)
        #expect(all.items.map(\.id) == ids.reversed())
        #expect(try await repositories.traces.list(TraceQuery(box: .incoming), viewer: Self.ken, now: clock.now).items.isEmpty)
        #expect(try await repositories.traces.list(TraceQuery(box: .incoming), viewer: Self.uga, now: clock.now).items.count == 3)
        #expect(try await repositories.traces.list(TraceQuery(box: .outgoing), viewer: Self.uga, now: clock.now).items.count == 1)
        #expect(try await repositories.traces.list(TraceQuery(priority: .urgent), viewer: Self.ken, now: clock.now).items.map(\.id) == [ids[1]])
        #expect(
            try await repositories.traces.list(TraceQuery(counterpart: Self.fra), viewer: Self.ken, now: clock.now).items.map(\.id) == [ids[2]]
        )
        #expect(try await repositories.traces.list(TraceQuery(status: .sent), viewer: Self.ken, now: clock.now).items.count == 4)
        // 30 hours on, only the urgent request (acknowledge within 24 hours) is overdue.
        clock.advance(hours: 30)
        #expect(try await repositories.traces.list(TraceQuery(overdueOnly: true), viewer: Self.ken, now: clock.now).items.map(\.id) == [ids[1]])
        var seen: [TraceRequest.ID] = []
        var cursor: String?
        repeat {
            let page = try await repositories.traces.list(TraceQuery(limit: 3, cursor: cursor), viewer: Self.ken, now: clock.now)
            seen += page.items.map(\.id)
            cursor = page.nextCursor
        } while cursor != nil
        #expect(seen == ids.reversed())
        await expectError(.invalid) { _ = try await repositories.traces.list(TraceQuery(cursor: "nope"), viewer: Self.ken, now: clock.now) }
    }

    func passedDeadlinesAreNoticedOnce() async throws {
        let (repositories, service, clock, draft) = try await tracingWorld()
        let id = draft.request.id
        _ = try await service.send(id, by: officer(Self.ken))
        #expect(try await service.noticePassedDeadlines().isEmpty)
        clock.advance(hours: 121)  // routine: acknowledge within 120 hours
        let first = try await service.noticePassedDeadlines()
        #expect(first.map(\.deadline) == [.acknowledge])
        #expect(try await service.noticePassedDeadlines().isEmpty, "noticed once")
        // Two checks at once (two servers) notice nothing twice.
        let request = try await repositories.traces.get(id, viewer: Self.ken)
        let again = PassedDeadline(request, deadline: .acknowledge, dueAt: request.deadlines!.acknowledgeBy, now: clock.now)
        #expect(try await repositories.traces.recordPassedDeadlines([again]).isEmpty)
        for member in [Self.ken, Self.uga] {
            let notices = try await repositories.traces.notices(for: member, limit: 10, cursor: nil).items
            #expect(notices.map(\.deadline) == [.acknowledge] && notices.first?.requestID == id, "a notice to each side")
        }
        #expect(try await repositories.traces.notices(for: Self.fra, limit: 10, cursor: nil).items.isEmpty)
        let timeline = try await repositories.traces.getWithTimeline(id, viewer: Self.uga).1
        #expect(timeline.last?.content.kind == .acknowledgeOverdue && timeline.last?.member == nil)

        clock.advance(hours: 700)  // past the 720-hour answer deadline too
        #expect(try await service.noticePassedDeadlines().map(\.deadline) == [.answer])
        #expect(try await repositories.traces.notices(for: Self.ken, limit: 1, cursor: nil).nextCursor != nil)
    }

    func seizureCountsFollowClosedTraces() async throws {
        let (repositories, service, _, draft) = try await tracingWorld(eventDate: "2024-03-01")
        let ken = officer(Self.ken)
        for (ref, status, date) in [
            ("S2", RecordStatus.found, "2024-07-01"), ("S3", .surrendered, "2024-12-31"), ("S4", .seized, "2023-12-31"),
            ("S5", .stolen, "2024-05-05"),
        ] {
            var details = Self.details(ref, status: status)
            details.event.date = CalendarDate(date)
            _ = try await repositories.records.create(details, by: ken)
        }
        #expect(
            try await repositories.traces.seizureCounts(of: Self.ken, year: 2024)
                == SeizureCounts(seized: 1, found: 1, surrendered: 1, originEstablished: 0)
        )
        let id = draft.request.id
        _ = try await service.send(id, by: ken)
        _ = try await service.perform(
            .answer(
                TraceAnswer(
                    chainOfCustody: [CustodyEntry(kind: .manufacture, party: "Glock GmbH", country: "AUT")],
                    pointOfDiversionEstablished: false
                )
            ),
            on: id,
            by: officer(Self.uga)
        )
        _ = try await service.perform(.close(TraceOutcome(originEstablished: true)), on: id, by: ken)
        #expect(
            try await repositories.traces.seizureCounts(of: Self.ken, year: 2024)
                == SeizureCounts(seized: 1, found: 1, surrendered: 1, originEstablished: 1)
        )
        #expect(
            try await repositories.traces.seizureCounts(of: Self.uga, year: 2024)
                == SeizureCounts(seized: 0, found: 0, surrendered: 0, originEstablished: 0)
        )
        let sentYear = Calendar.utc.component(.year, from: try await repositories.traces.get(id, viewer: Self.ken).sentAt!)
        #expect(try await repositories.traces.requests(of: Self.uga, sentIn: sentYear).map(\.id) == [id])
        #expect(try await repositories.traces.requests(of: Self.uga, sentIn: sentYear - 1).isEmpty)
        #expect(try await repositories.traces.requests(of: Self.fra, sentIn: sentYear).isEmpty)
    }

    func deadlinePoliciesDefaultAndChange() async throws {
        let (repositories, service, clock, draft) = try await tracingWorld()
        #expect(try await repositories.traces.deadlinePolicy(of: Self.uga) == .standard)
        let strict = TraceDeadlinePolicy(urgent: .init(acknowledgeHours: 4, answerHours: 24), routine: .init(acknowledgeHours: 24, answerHours: 240))
        try await repositories.traces.setDeadlinePolicy(strict, by: officer(Self.uga))
        try await repositories.traces.setDeadlinePolicy(strict, by: officer(Self.uga))
        #expect(try await repositories.traces.deadlinePolicy(of: Self.uga) == strict)
        #expect(try await repositories.traces.deadlinePolicy(of: Self.ken) == .standard)
        let sent = try await service.send(draft.request.id, by: officer(Self.ken))
        #expect(sent.request.deadlines?.answerBy == clock.now.addingTimeInterval(240 * 3600), "the requested member's policy applies")
    }

    func attachmentsRoundTripForPartiesOnly() async throws {
        let (repositories, service, clock, draft) = try await tracingWorld()
        let id = draft.request.id
        _ = try await service.send(id, by: officer(Self.ken))
        let photo = try TraceAttachment.validated(
            name: "slide.png",
            contentType: "image/png",
            content: Data([0x89, 0x50, 0x4E, 0x47, 0, 1, 2]),
            field: "attachments[0]",
            at: clock.now
        )
        let view = try await service.perform(.message(text: "Photo of the slide", attachments: [photo]), on: id, by: officer(Self.uga))
        #expect(view.request.status == .sent, "a message changes no status")
        let timeline = try await repositories.traces.getWithTimeline(id, viewer: Self.ken).1
        #expect(timeline.last?.content.attachments == [photo.summary])
        #expect(try await repositories.traces.attachment(photo.id, of: id, viewer: Self.ken) == photo)
        await expectError(.notFound) { _ = try await repositories.traces.attachment(photo.id, of: id, viewer: Self.fra) }
        await expectError(.notFound) { _ = try await repositories.traces.attachment(.generate(), of: id, viewer: Self.ken) }
    }
}
