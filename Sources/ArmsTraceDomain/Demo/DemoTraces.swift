public import Foundation
import Synchronization

/// Trace requests for the demo: between the demo members, about their seized, found and surrendered records, sent
/// over the last eighteen months and driven through the real ``TraceService`` with a clock set to each step's time,
/// so that inboxes, overdue requests, timelines and the statistics look like a working year.
public struct DemoTraces: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// What a demo request goes through before the present stops it.
    private enum Story: CaseIterable {
        case originEstablished, originNotEstablished, answered, acknowledged, informationRequested, delayed, declined, unanswered, draft
    }

    /// Seeds up to `count` requests (fewer when the records offer fewer member addressees).
    /// - Parameters:
    ///   - users: the member's user who acts for each member; members without one act through the command line.
    ///   - now: the present: no step happens after it.
    /// - Returns: how many requests were made.
    @discardableResult
    public func seed(count: Int, users: [MemberCode: User], seed: UInt64, now: Date = Date()) async throws -> Int {
        var random = SeededGenerator(seed: seed)
        let clock = Mutex(now)
        let service = TraceService(repositories: repositories, now: { clock.withLock { $0 } })
        func actor(_ member: MemberCode) -> Actor {
            users[member].map { Actor($0, channel: .api) } ?? .commandLine(for: member)
        }
        let members = Set(try await repositories.members.list().map(\.id))

        // The records a member could trace, each with the first member its marks point to.
        var cases: [(WeaponRecord, MemberCode)] = []
        for owner in members.sorted() where owner.impliedKind == .state {
            for status in [RecordStatus.seized, .found, .surrendered] {
                let page = try await repositories.records.list(RecordQuery(status: status, owner: owner, limit: 100), viewer: owner)
                for record in page.items where record.details.model != nil && !record.details.markings.isEmpty {
                    if let to = TraceAddressee.candidates(for: record).lazy.compactMap({ MemberCode($0.code) }).first(where: members.contains) {
                        cases.append((record, to))
                    }
                }
            }
        }
        cases.shuffle(using: &random)
        let stories: [(Story, Int)] = [
            (.originEstablished, 30), (.originNotEstablished, 10), (.answered, 14), (.acknowledged, 10), (.informationRequested, 6),
            (.delayed, 5), (.declined, 5), (.unanswered, 14), (.draft, 6),
        ]
        var made = 0
        for (record, requested) in cases.prefix(count) {
            let story = Self.pick(stories, &random)
            let requester = record.owner
            let urgent = Int.random(in: 1...100, using: &random) <= 20
            let daysAgo = Double(Int.random(in: 3...540, using: &random))
            var at = max(record.createdAt, now.addingTimeInterval(-daysAgo * 86_400))
            /// Moves the clock on by `hours`; false once the present is reached.
            func advance(_ hours: ClosedRange<Int>) -> Bool {
                at += Double(Int.random(in: hours, using: &random)) * 3600
                clock.withLock { $0 = at }
                return at < now
            }
            clock.withLock { $0 = at }
            let event = record.details.event
            let input = TraceRequestInput(
                recordId: record.id.description,
                requested: requested.rawValue,
                priority: urgent ? "urgent" : "routine",
                urgencyJustification: urgent ? "Suspect in custody; charges due within 48 hours" : nil,
                grounds: [IllicitGround.illicitUnderLawWhereFound.rawValue]
                    + (record.details.serialObliterated == .no ? [] : [IllicitGround.notMarked.rawValue]),
                legalBasis: event.legalJustification ?? "National firearms legislation",
                circumstances: event.circumstances ?? "Seized by the police",
                intendedUse: "Criminal investigation \(event.caseReference ?? record.details.externalRef)"
            )
            let id = try await service.create(input, by: actor(requester)).request.id
            made += 1
            guard story != .draft, advance(1...48) else { continue }
            _ = try await service.send(id, by: actor(requester))
            let quick = urgent ? 1...30 : 4...200
            guard story != .unanswered, advance(quick) else { continue }
            _ = try await service.perform(.acknowledge, on: id, by: actor(requested))
            if story == .informationRequested {
                guard advance(quick) else { continue }
                _ = try await service.perform(
                    .requestInformation(question: "Please send photographs of all markings, frame and barrel."),
                    on: id,
                    by: actor(requested)
                )
                continue
            }
            if story == .delayed {
                guard advance(quick) else { continue }
                let delay = TraceRequest.Delay(
                    ground: .ongoingInvestigation,
                    expectedBy: at.addingTimeInterval(60 * 86_400),
                    explanation: "Our own investigation of the dealer is under way."
                )
                _ = try await service.perform(.delay(delay), on: id, by: actor(requested))
                continue
            }
            guard story != .acknowledged, advance(urgent ? 2...60 : 24...900) else { continue }
            if story == .declined {
                _ = try await service.perform(
                    .decline(.init(ground: .confidentialityLaw, explanation: "Dealer records are protected by law.")),
                    on: id,
                    by: actor(requested)
                )
                continue
            }
            _ = try await service.perform(
                .answer(Self.answer(record, requested: requested, diverted: story == .originEstablished)),
                on: id,
                by: actor(requested)
            )
            guard story != .answered, advance(2...200) else { continue }
            let outcome = TraceOutcome(
                originEstablished: story == .originEstablished,
                remarks: story == .originEstablished ? "Point of diversion confirmed." : "The chain ends with a lawful holder; inquiry continues."
            )
            _ = try await service.perform(.close(outcome), on: id, by: actor(requester))
        }
        clock.withLock { $0 = now }
        try await service.noticePassedDeadlines()
        return made
    }

    /// A plausible chain of custody: made, exported, imported, issued; diverted at the last holder when `diverted`.
    private static func answer(_ record: WeaponRecord, requested: MemberCode, diverted: Bool) -> TraceAnswer {
        let details = record.details
        let made = details.yearOfManufacture ?? 2000
        let holder = "\(Countries.name(of: details.importCountry ?? requested.rawValue) ?? requested.rawValue) national police"
        var chain = [
            CustodyEntry(
                kind: .manufacture,
                date: CalendarDate(year: made, month: 3, day: 1),
                party: details.make,
                country: details.countryOfManufacture
            )
        ]
        if let country = details.importCountry {
            chain.append(
                CustodyEntry(
                    kind: .export,
                    date: CalendarDate(year: details.importYear ?? made, month: 5, day: 10),
                    party: details.make,
                    country: details.countryOfManufacture,
                    document: "EXP-\(made)-\(record.id.description.suffix(5).uppercased())"
                )
            )
            chain.append(
                CustodyEntry(
                    kind: .import,
                    date: CalendarDate(year: details.importYear ?? made, month: 6, day: 2),
                    party: holder,
                    country: country,
                    document: "IMP-\(record.id.description.suffix(4).uppercased())"
                )
            )
        }
        chain.append(
            CustodyEntry(
                kind: .transferToHolder,
                date: CalendarDate(year: details.importYear ?? made, month: 9, day: 15),
                party: holder,
                country: details.importCountry ?? requested.rawValue
            )
        )
        return TraceAnswer(
            chainOfCustody: chain,
            lastLegalHolder: holder,
            pointOfDiversionEstablished: diverted,
            pointOfDiversion: diverted ? "Reported missing from a unit armoury of the \(holder)" : nil
        )
    }

    private static func pick<T>(_ weighted: [(T, Int)], _ random: inout SeededGenerator) -> T {
        var roll = Int.random(in: 1...weighted.reduce(0) { $0 + $1.1 }, using: &random)
        for (value, weight) in weighted {
            roll -= weight
            if roll <= 0 { return value }
        }
        return weighted[weighted.count - 1].0
    }
}
