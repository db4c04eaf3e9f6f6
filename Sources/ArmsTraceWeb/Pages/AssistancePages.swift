import ArmsTraceDomain
import Foundation
import Hummingbird

/// The assistance pages: every need and offer, the forms to post them, and a need's page with the offers proposed
/// for it (ranked, with reasons) and the steps of its lifecycle.
struct AssistancePages {
    let service: AssistanceService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("assistance", use: overview)
        pages.post("assistance/needs", use: postNeed)
        pages.post("assistance/offers", use: postOffer)
        pages.post("assistance/offers/:id/close", use: closeOffer)
        pages.get("assistance/needs/:id", use: need)
        pages.post("assistance/needs/:id/steps", use: step)
    }

    // MARK: - Needs and offers

    @Sendable func overview(_ request: Request, context: WebContext) async throws -> Response {
        try await overviewPage(context: context)
    }

    private func overviewPage(
        context: WebContext,
        form: String? = nil,
        errors: [FieldError] = [],
        typed: [String: String] = [:]
    ) async throws
        -> Response
    {
        let actor = context.actor
        let needs = try await service.needs(by: actor)
        let offers = try await service.offers(by: actor)
        let mayPost = actor.role.may(.manageCooperation)
        let object: [String: Any] = [
            "needs": needs.map { need -> [String: Any] in
                var row: [String: Any] = [
                    "id": need.id.description, "needTitle": need.title, "member": need.member.rawValue, "area": need.area.words,
                    "kinds": need.kinds.map(\.rawValue).joined(separator: ", "), "status": need.status.words,
                    "budget": need.budgetUsd.map { "US$ \($0.grouped)" } ?? "—", "when": Self.period(need.start, need.end),
                ]
                if let provider = need.provider { row["provider"] = provider.rawValue }
                return row
            },
            "offers": offers.map { offer -> [String: Any] in
                [
                    "id": offer.id.description, "offerTitle": offer.title, "member": offer.member.rawValue,
                    "areas": offer.areas.map(\.words).joined(separator: "; "), "kinds": offer.kinds.map(\.rawValue).joined(separator: ", "),
                    "regions": offer.regions.isEmpty ? "every region" : offer.regions.map(\.words).joined(separator: ", "),
                    "budget": offer.budgetUsd.map { "US$ \($0.grouped)" } ?? "—", "when": Self.period(offer.start, offer.end),
                    "open": offer.status == .open, "mayClose": mayPost && offer.member == actor.member && offer.status == .open,
                ]
            },
            "mayPost": mayPost,
            "areas": AssistanceArea.allCases.map { ["code": $0.rawValue, "words": $0.words, "selected": typed["area"] == $0.rawValue] },
            "kinds": AssistanceKind.allCases.map { ["code": $0.rawValue] },
            "regions": Region.allCases.map { ["code": $0.rawValue, "words": $0.words] },
            "needForm": form == "need", "offerForm": form == "offer",
            "values": typed,
            "errors": PageRenderer.fieldMessages(errors),
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        return try renderer.page(
            "assistance",
            title: "Assistance",
            section: .assistance,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    static func period(_ start: CalendarDate?, _ end: CalendarDate?) -> String {
        switch (start, end) {
        case (let start?, let end?): "\(start) to \(end)"
        case (let start?, nil): "from \(start)"
        case (nil, let end?): "until \(end)"
        case (nil, nil): "open"
        }
    }

    private static func typed(_ form: WebForm, _ names: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, form[$0] ?? "") })
    }

    @Sendable func postNeed(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let input = AssistanceNeedInput(
            area: form["area"] ?? "",
            kinds: form.all("kinds"),
            title: form["title"] ?? "",
            description: form["description"],
            scope: form["scope"],
            budgetUsd: form["budget_usd"].flatMap { Int($0.filter(\.isNumber)) },
            start: form["timeframe_start"],
            end: form["timeframe_end"],
            paragraph: form["paragraph"],
            detailsPublic: form["details_public"] != nil
        )
        do {
            let need = try await service.post(input, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/assistance/needs/\(need.id)"])
        } catch DomainError.invalid(let errors) {
            let names = ["area", "title", "description", "scope", "budget_usd", "timeframe_start", "timeframe_end", "paragraph"]
            return try await overviewPage(context: context, form: "need", errors: errors, typed: Self.typed(form, names))
        }
    }

    @Sendable func postOffer(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let input = AssistanceOfferInput(
            title: form["title"] ?? "",
            description: form["description"],
            areas: form.all("areas"),
            kinds: form.all("kinds"),
            regions: form.all("regions"),
            budgetUsd: form["budget_usd"].flatMap { Int($0.filter(\.isNumber)) },
            start: form["availability_start"],
            end: form["availability_end"]
        )
        do {
            _ = try await service.post(input, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/assistance#offers-h"])
        } catch DomainError.invalid(let errors) {
            let names = ["title", "description", "budget_usd", "availability_start", "availability_end"]
            return try await overviewPage(context: context, form: "offer", errors: errors, typed: Self.typed(form, names))
        }
    }

    @Sendable func closeOffer(_ request: Request, context: WebContext) async throws -> Response {
        _ = try await WebForm.read(request, context: context)
        _ = try await service.close(try AssistanceOffer.ID.route(context, "offer"), by: context.actor)
        return Response(status: .seeOther, headers: [.location: "/assistance#offers-h"])
    }

    // MARK: - A need

    @Sendable func need(_ request: Request, context: WebContext) async throws -> Response {
        try await needPage(try AssistanceNeed.ID.route(context, "need"), context: context)
    }

    private func needPage(_ id: AssistanceNeed.ID, context: WebContext, problem: String? = nil) async throws -> Response {
        let actor = context.actor
        let view = try await service.need(id, by: actor)
        let need = view.need
        let party = need.parties.contains(actor.member) && actor.role.may(.manageCooperation)
        let own = need.member == actor.member && actor.role.may(.manageCooperation)
        var fields: [[String: String]] = [
            ["label": "Member", "value": need.member.rawValue + (need.region.map { " (\($0.words))" } ?? "")],
            ["label": "Area", "value": "\(need.area.words) — PoA \(need.paragraph)"],
            ["label": "Help wanted", "value": need.kinds.isEmpty ? "any" : need.kinds.map(\.rawValue).joined(separator: ", ")],
            ["label": "Timeframe", "value": Self.period(need.start, need.end)],
            ["label": "Status", "value": need.status.words],
        ]
        if let budget = need.budgetUsd { fields.append(["label": "Indicative budget", "value": "US$ \(budget.grouped)"]) }
        if let scope = need.scope { fields.append(["label": "Scope", "value": scope]) }
        if let provider = need.provider {
            fields.append(["label": "Provider", "value": provider.rawValue + (need.offer.map { ", offer \($0)" } ?? "")])
        }
        if let outcome = need.outcome { fields.append(["label": "Outcome", "value": outcome]) }
        if !need.detailsPublic { fields.append(["label": "Details", "value": "shown to the parties only"]) }
        var object: [String: Any] = [
            "id": need.id.description,
            "fields": fields,
            "steps": need.steps.map { ["at": $0.at.minuteText, "member": $0.member.rawValue, "status": $0.status.words, "note": $0.note ?? ""] },
            "matches": view.matches.map { match -> [String: Any] in
                [
                    "offer": match.offer.id.description, "offerTitle": match.offer.title, "member": match.offer.member.rawValue,
                    "score": match.score, "reasons": match.reasons.map { ["reason": $0] }, "mayAccept": own,
                ]
            },
            "hasMatches": !view.matches.isEmpty,
            "proposed": need.status == .proposed && need.member == actor.member,
            "mayStart": party && need.status == .matched,
            "mayComplete": party && [.matched, .inProgress].contains(need.status),
            "mayWithdraw": own && [.proposed, .matched, .inProgress].contains(need.status),
        ]
        if let description = need.description { object["needDescription"] = description }
        if let problem { object["problem"] = problem }
        return try renderer.page(
            "assistance-need",
            title: need.title,
            section: .assistance,
            session: context.session,
            object,
            status: problem == nil ? .ok : .unprocessableContent
        )
    }

    @Sendable func step(_ request: Request, context: WebContext) async throws -> Response {
        let id = try AssistanceNeed.ID.route(context, "need")
        let form = try await WebForm.read(request, context: context)
        do {
            guard let status = form["status"].flatMap(AssistanceNeed.Status.init(rawValue:)) else {
                throw DomainError.invalid(field: "status", "choose a step")
            }
            let offer = try form["offer"].map { text in
                guard let offer = AssistanceOffer.ID(text) else { throw DomainError.invalid(field: "offer", "'\(text)' is not an offer's id") }
                return offer
            }
            _ = try await service.step(id, to: status, offer: offer, note: form["note"], by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/assistance/needs/\(id)"])
        } catch let error as DomainError {
            guard let problem = error.pageProblem else { throw error }
            return try await needPage(id, context: context, problem: problem)
        }
    }
}
