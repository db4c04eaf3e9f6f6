public import Foundation

/// Drafts a member's biennial PoA/ITI report from what ArmsTrace holds, and keeps the member's answers to its
/// questions.
public struct NationalReportService: Sendable {
    public let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// The two calendar years ending with the current one: the default reporting period.
    public static func defaultPeriod(now: Date = Date()) -> (from: Int, to: Int) {
        let year = CalendarDate(now).year
        return (year - 1, year)
    }

    /// The actor's member's draft for the years `from` to `to`, computed now from the records, traces, stockpile,
    /// directory, assistance, training and legal assistance it holds.
    public func draft(from: Int, to: Int, by actor: Actor) async throws -> NationalReport {
        try actor.require(.readCooperation)
        let now = Date().wholeMilliseconds
        try Self.checkPeriod(from: from, to: to, now: now)
        let member = actor.member
        let thisYear = CalendarDate(now).year
        var tracing: [TraceStatistics] = []
        for year in from...min(to, thisYear) {
            tracing.append(
                TraceStatistics(
                    member: member,
                    year: year,
                    requests: try await repositories.traces.requests(of: member, sentIn: year),
                    seizures: try await repositories.traces.seizureCounts(of: member, year: year),
                    now: now
                )
            )
        }
        let cooperation = repositories.cooperation
        let sources = NationalReport.Sources(
            member: member,
            memberName: try await repositories.members.get(member).name,
            fromYear: from,
            toYear: to,
            now: now,
            contacts: try await repositories.directory.contacts(member: member),
            schemes: ReferenceSnapshot.current.schemes,
            records: try await repositories.records.tally(owner: member, sinceMonth: String(format: "%04d-01", from)),
            tracing: tracing,
            stock: try await repositories.stockpile.report(
                owner: member,
                from: CalendarDate(year: from, month: 1, day: 1)!,
                to: CalendarDate(year: to, month: 12, day: 31)!
            ),
            needs: try await cooperation.documents(AssistanceNeed.self, party: member),
            offers: try await cooperation.documents(AssistanceOffer.self, party: member),
            events: try await cooperation.documents(TrainingEvent.self, party: member),
            legal: try await cooperation.documents(LegalAssistanceRequest.self, party: member),
            answers: try await answers(of: member, from: from, to: to)
        )
        return NationalReport.draft(sources)
    }

    /// Saves the member's answers and comments for the period, replacing those saved before; a question left out
    /// keeps no answer.
    public func answer(
        from: Int,
        to: Int,
        answers: [String: String],
        comments: [String: String],
        by actor: Actor
    ) async throws -> NationalReportAnswers {
        try actor.require(.manageCooperation)
        let now = Date().wholeMilliseconds
        try Self.checkPeriod(from: from, to: to, now: now)
        var check = InputCheck()
        var chosen: [String: ReportAnswer] = [:]
        var notes: [String: String] = [:]
        let known = Set(NationalReport.questionIDs)
        for (question, value) in answers.sorted(by: { $0.key < $1.key }) {
            guard known.contains(question) else {
                check.fail("answers.\(question)", "no such question")
                continue
            }
            if let answer: ReportAnswer = check.choice(value, "answers.\(question)", required: false) { chosen[question] = answer }
        }
        for (question, value) in comments.sorted(by: { $0.key < $1.key }) {
            guard known.contains(question) else {
                check.fail("comments.\(question)", "no such question")
                continue
            }
            if let text = check.text(value, "comments.\(question)", limit: 2000) { notes[question] = text }
        }
        try check.finish()
        var saved =
            try await self.answers(of: actor.member, from: from, to: to)
            ?? NationalReportAnswers(
                id: .generate(at: now),
                member: actor.member,
                fromYear: from,
                toYear: to,
                answers: [:],
                comments: [:],
                updatedAt: now,
                version: 0
            )
        saved.answers = chosen
        saved.comments = notes
        saved.updatedAt = now
        return try await repositories.cooperation.save(
            saved,
            audit: AuditEvent(.reportAnswer, by: actor, at: now, subject: "report:\(from)-\(to)", detail: "\(chosen.count) answers saved")
        )
    }

    private func answers(of member: MemberCode, from: Int, to: Int) async throws -> NationalReportAnswers? {
        try await repositories.cooperation.documents(NationalReportAnswers.self, party: member)
            .first { $0.fromYear == from && $0.toYear == to }
    }

    private static func checkPeriod(from: Int, to: Int, now: Date) throws {
        let thisYear = CalendarDate(now).year
        guard (2001...thisYear).contains(from) else { throw DomainError.invalid(field: "from", "must be from 2001 to \(thisYear), got \(from)") }
        guard (from...thisYear).contains(to) else { throw DomainError.invalid(field: "to", "must be from \(from) to \(thisYear), got \(to)") }
    }
}
