import ArmsTraceDomain
import Foundation
import Hummingbird

/// The account page (with the user's own API tokens), the member's settings for its admins (users, trace
/// deadlines, search quotas) and the audit trail for its auditors.
struct SettingsPages {
    let members: MemberService
    let users: UserService
    let tokens: TokenService
    let traces: TraceService
    let audit: AuditService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("account", use: account)
        pages.post("account/tokens", use: issueToken)
        pages.post("account/tokens/:id/revoke", use: revokeToken)
        pages.get("settings", use: settings)
        pages.post("settings/users", use: addUser)
        pages.post("settings/users/:id/revoke-tokens", use: revokeUserTokens)
        pages.post("settings/deadlines", use: setDeadlines)
        pages.post("settings/quotas", use: setQuotas)
        pages.get("audit", use: auditTrail)
    }

    // MARK: - Account

    @Sendable func account(_ request: Request, context: WebContext) async throws -> Response {
        try await accountPage(context: context, issued: nil, errors: [])
    }

    private func accountPage(context: WebContext, issued: IssuedToken?, errors: [FieldError]) async throws -> Response {
        let session = context.session
        let list = try await tokens.list(by: context.actor)
        var object: [String: Any] = [
            "name": session.user.name, "member": session.user.member.rawValue, "role": session.user.role.rawValue,
            "expires": session.expiresAt.minuteText,
            "tokens": list.map { token -> [String: Any] in
                [
                    "id": token.id, "name": token.name, "created": token.createdAt.minuteText, "expires": token.expiresAt?.minuteText ?? "never",
                    "revoked": token.revokedAt?.minuteText ?? "", "active": token.revokedAt == nil,
                ]
            },
            "noTokens": list.isEmpty,
            "errors": PageRenderer.fieldMessages(errors),
        ]
        if let issued { object["issued"] = ["secret": issued.secret, "name": issued.name] }
        return try renderer.page(
            "account",
            title: "Your account",
            section: .account,
            session: session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func issueToken(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        guard let days = Int(form["expires_in_days"] ?? "90") else {
            return try await accountPage(
                context: context,
                issued: nil,
                errors: [FieldError(field: "expires_in_days", message: "must be a number of days")]
            )
        }
        do {
            let issued = try await tokens.issue(name: form["name"] ?? "", expiresInDays: days, by: context.actor)
            return try await accountPage(context: context, issued: issued, errors: [])
        } catch DomainError.invalid(let errors) {
            return try await accountPage(context: context, issued: nil, errors: errors)
        }
    }

    @Sendable func revokeToken(_ request: Request, context: WebContext) async throws -> Response {
        _ = try await WebForm.read(request, context: context)
        try await tokens.revoke(context.parameters.get("id") ?? "", by: context.actor)
        return Response(status: .seeOther, headers: [.location: "/account"])
    }

    // MARK: - Settings

    @Sendable func settings(_ request: Request, context: WebContext) async throws -> Response {
        try await settingsPage(context: context)
    }

    private func settingsPage(
        context: WebContext,
        added: (User, IssuedToken)? = nil,
        errors: [FieldError] = [],
        flash: String? = nil
    ) async throws -> Response {
        try context.actor.require(.manageMember)
        async let userList = users.list(by: context.actor)
        async let policy = traces.deadlinePolicy(by: context.actor)
        async let quotas = members.settings(by: context.actor)
        let deadlines = try await policy
        let limits = try await quotas
        var object: [String: Any] = [
            "users": try await userList.map { user -> [String: Any] in
                ["id": user.id.description, "name": user.name, "role": user.role.rawValue, "created": user.createdAt.minuteText]
            },
            "roles": User.Role.allCases.map(\.rawValue),
            "deadlines": [
                "urgentAcknowledge": deadlines.urgent.acknowledgeHours, "urgentAnswer": deadlines.urgent.answerHours,
                "routineAcknowledge": deadlines.routine.acknowledgeHours, "routineAnswer": deadlines.routine.answerHours,
            ],
            "quotas": ["searchesPerDay": limits.searchesPerDay, "maximumCandidates": limits.maximumCandidates],
            "errors": PageRenderer.fieldMessages(errors),
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        if let (user, token) = added { object["added"] = ["name": user.name, "role": user.role.rawValue, "secret": token.secret] }
        if let flash { object["flash"] = flash }
        return try renderer.page(
            "settings",
            title: "Member settings",
            section: .settings,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func addUser(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        do {
            let added = try await users.add(name: form["name"] ?? "", role: form["role"] ?? "", by: context.actor)
            return try await settingsPage(context: context, added: added)
        } catch DomainError.invalid(let errors) {
            return try await settingsPage(context: context, errors: errors)
        }
    }

    @Sendable func revokeUserTokens(_ request: Request, context: WebContext) async throws -> Response {
        _ = try await WebForm.read(request, context: context)
        let text = context.parameters.get("id") ?? ""
        guard let id = User.ID(text) else { throw DomainError.notFound(entity: "user", id: text) }
        let count = try await users.revokeTokens(of: id, by: context.actor)
        return try await settingsPage(context: context, flash: "\(count) token(s) revoked.")
    }

    @Sendable func setDeadlines(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        var problems: [FieldError] = []
        func hours(_ name: String) -> Int {
            guard let value = form[name].flatMap(Int.init) else {
                problems.append(FieldError(field: name, message: "must be a whole number of hours"))
                return 0
            }
            return value
        }
        let policy = TraceDeadlinePolicy(
            urgent: .init(acknowledgeHours: hours("urgent_acknowledge"), answerHours: hours("urgent_answer")),
            routine: .init(acknowledgeHours: hours("routine_acknowledge"), answerHours: hours("routine_answer"))
        )
        guard problems.isEmpty else { return try await settingsPage(context: context, errors: problems) }
        do {
            _ = try await traces.setDeadlinePolicy(policy, by: context.actor)
            return try await settingsPage(context: context, flash: "Deadlines saved; they apply to requests sent from now on.")
        } catch DomainError.invalid(let errors) {
            return try await settingsPage(context: context, errors: errors)
        }
    }

    @Sendable func setQuotas(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        guard let perDay = form["searches_per_day"].flatMap(Int.init), let candidates = form["maximum_candidates"].flatMap(Int.init) else {
            return try await settingsPage(
                context: context,
                errors: [FieldError(field: "searches_per_day", message: "both limits must be whole numbers")]
            )
        }
        do {
            _ = try await members.setSettings(MemberSettings(searchesPerDay: perDay, maximumCandidates: candidates), by: context.actor)
            return try await settingsPage(context: context, flash: "Search limits saved.")
        } catch DomainError.invalid(let errors) {
            return try await settingsPage(context: context, errors: errors)
        }
    }

    // MARK: - Audit

    @Sendable func auditTrail(_ request: Request, context: WebContext) async throws -> Response {
        let cursor = request.uri.queryParameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        let page = try await audit.entries(limit: 100, cursor: cursor, by: context.actor)
        var object: [String: Any] = [
            "entries": page.items.map { entry -> [String: Any] in
                let event = entry.event
                return [
                    "sequence": entry.sequence, "when": event.at.minuteText, "member": event.member?.rawValue ?? "—",
                    "user": event.userID?.description ?? "operator", "channel": event.channel?.rawValue ?? "—",
                    "action": event.action.rawValue.replacingOccurrences(of: "_", with: " "), "subject": event.subject ?? "",
                    "concerns": event.concerns?.rawValue ?? "", "detail": event.detail ?? "", "hash": String(entry.hash.prefix(12)),
                ]
            },
            "empty": page.items.isEmpty,
        ]
        if let next = page.nextCursor {
            object["next"] = "/audit?cursor=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }
        return try renderer.page("audit", title: "Audit trail", section: .audit, session: context.session, object)
    }
}
