import ArmsTraceDomain
import Foundation

/// The audit events the repositories append, built in one place for every engine: both chains then record the same
/// facts in the same words.
extension AuditEvent {
    /// A user added by a member's admin, or by the operator (`actor` `nil`).
    static func userAdded(_ user: User, by actor: Actor?) -> AuditEvent {
        AuditEvent(
            at: user.createdAt,
            member: actor?.member,
            userID: actor?.userID,
            channel: actor?.channel ?? .cli,
            action: .userAdd,
            subject: "user:\(user.id)",
            concerns: actor?.member == user.member ? nil : user.member,
            detail: user.role.rawValue
        )
    }

    /// A token issued to a user of `member`, named `name`.
    static func tokenIssued(to user: User.ID, of member: MemberCode?, name: String, by actor: Actor?, at now: Date) -> AuditEvent {
        AuditEvent(
            at: now,
            member: actor?.member,
            userID: actor?.userID,
            channel: actor?.channel ?? .cli,
            action: .tokenIssue,
            subject: "user:\(user)",
            concerns: member == actor?.member ? nil : member,
            detail: name
        )
    }

    /// A user's web sign-in set by the operator.
    static func credentialsSet(of user: User.ID, member: MemberCode?, secondFactor: Bool) -> AuditEvent {
        AuditEvent(
            at: Date(),
            member: nil,
            userID: nil,
            channel: .cli,
            action: .credentialsSet,
            subject: "user:\(user)",
            concerns: member,
            detail: secondFactor ? "password and second factor" : "password"
        )
    }

    /// A sign-in attempt from `address`.
    static func signInAttempt(login: String, address: String, user: User?, succeeded: Bool, at now: Date) -> AuditEvent {
        AuditEvent(
            at: now,
            member: user?.member,
            userID: user?.id,
            channel: .web,
            action: succeeded ? .signIn : .signInFailed,
            subject: user.map { "user:\($0.id)" },
            detail: "from \(address)" + (succeeded ? "" : " as \(login)")
        )
    }

    /// A browser session ended by its user.
    static func signedOut(_ user: User.ID, member: MemberCode?, at now: Date) -> AuditEvent {
        AuditEvent(at: now, member: member, userID: user, channel: .web, action: .signOut, subject: "user:\(user)")
    }

    /// A search, with how many candidates it had and notices it sent.
    static func searched(_ search: SearchLogEntry, notices: [HitNotice]) -> AuditEvent {
        AuditEvent(
            at: search.searchedAt,
            member: search.member,
            userID: search.userID,
            channel: search.channel,
            action: .search,
            subject: "search:\(search.id)",
            detail: "serial \(search.request.serial): \(search.candidateCount) candidate(s), \(notices.filter(\.restricted).count) restricted, "
                + "\(notices.count) notice(s)"
        )
    }

    /// A timeline entry of a trace request: by its author, concerning the other party once the request is sent.
    static func traceEntry(_ event: TraceEvent, action: Action, request: TraceRequest) -> AuditEvent {
        let other = event.member.map { $0 == request.requester ? request.requested : request.requester }
        return AuditEvent(
            at: event.at,
            member: event.member,
            userID: event.userID,
            channel: event.channel,
            action: action,
            subject: "trace:\(request.id)",
            concerns: request.status == .draft ? nil : other,
            detail: event.content.kind.rawValue
        )
    }

    /// A trace request's deadline that passed while its step was owed.
    static func deadlinePassed(_ deadline: PassedDeadline) -> AuditEvent {
        AuditEvent(
            at: deadline.event.at,
            member: nil,
            userID: nil,
            channel: nil,
            action: .traceDeadlinePassed,
            subject: "trace:\(deadline.requestID)",
            detail: "\(deadline.deadline.rawValue) deadline"
        )
    }

    /// A member's deadline policy set by its admin.
    static func deadlinePolicySet(_ policy: TraceDeadlinePolicy, by actor: Actor) -> AuditEvent {
        let limits = [policy.urgent, policy.routine].map { "\($0.acknowledgeHours)/\($0.answerHours) h" }
        return AuditEvent(.deadlinePolicySet, by: actor, detail: "urgent \(limits[0]), routine \(limits[1])")
    }

    /// A member's settings set by its admin.
    static func memberSettingsSet(_ settings: MemberSettings, by actor: Actor) -> AuditEvent {
        AuditEvent(
            .memberSettingsSet,
            by: actor,
            detail: "\(settings.searchesPerDay) searches a day, \(settings.maximumCandidates) candidates an answer"
        )
    }

    /// A marking scheme published by a member.
    static func schemePublished(_ scheme: MarkingScheme, by actor: Actor) -> AuditEvent {
        AuditEvent(.schemePublish, by: actor, subject: "scheme:\(scheme.member)/\(scheme.kind.rawValue)/\(scheme.version)", detail: scheme.title)
    }

    /// A reference entry added or replaced.
    static func referenceEdited(_ entry: ReferenceEntry, by actor: Actor) -> AuditEvent {
        AuditEvent(.referenceEdit, by: actor, subject: "reference:\(entry.kind.rawValue)/\(entry.key ?? "")", detail: entry.name)
    }

    /// A bulk import's outcome.
    static func imported(_ report: ImportReport, by actor: Actor) -> AuditEvent {
        AuditEvent(.recordImport, by: actor, detail: "\(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged")
    }
}
