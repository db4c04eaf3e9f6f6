import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The stockpile pages (PoA III 6, 8, 14): sites with their checks due, the weapons with filters, the inventory
/// upload, a weapon with its movements and the steps it may take, a physical check being counted and its
/// discrepancies, and a destruction from plan to certificate. Readers need ``Permission/readStock``; every form
/// ``Permission/manageStock``.
struct StockPages {
    let service: StockpileService
    let renderer: PageRenderer
    /// For the printable certificate, which stands outside the layout.
    let templates: MustacheLibrary

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("stock", use: overview)
        pages.post("stock/sites", use: addSite)
        pages.post("stock/import", use: importInventory)
        pages.post("stock/checks", use: startCheck)
        pages.post("stock/destructions", use: planDestruction)
        pages.post("stock/ammunition", use: receiveAmmunition)
        pages.post("stock/ammunition/:id/change", use: changeAmmunition)
        pages.get("stock/report", use: report)
        pages.get("stock/weapons/:id", use: weapon)
        pages.post("stock/weapons/:id/:step", use: step)
        pages.get("stock/checks/:id", use: check)
        pages.post("stock/checks/:id/counts", use: count)
        pages.post("stock/checks/:id/close", use: close)
        pages.get("stock/destructions/:id", use: destruction)
        pages.post("stock/destructions/:id/record", use: recordDestruction)
        pages.post("stock/destructions/:id/verify", use: verifyDestruction)
    }

    // MARK: - Overview

    @Sendable func overview(_ request: Request, context: WebContext) async throws -> Response {
        try await overviewPage(request.uri.queryParameters.get("site"), request.uri.queryParameters.get("status"), context: context)
    }

    private func overviewPage(
        _ siteFilter: String?,
        _ statusFilter: String?,
        context: WebContext,
        errors: [FieldError] = [],
        report: [String: Any]? = nil,
        flash: String? = nil
    ) async throws -> Response {
        let sites = try await service.sites(by: context.actor)
        let site = siteFilter.flatMap { StockSite.ID($0) }
        let status = statusFilter.flatMap { StockWeapon.Status(rawValue: $0) }
        let page = try await service.weapons(site: site, status: status, limit: 200, cursor: nil, by: context.actor)
        let destructions = try await service.destructions(by: context.actor)
        let lots = try await service.ammunition(by: context.actor)
        let now = Date()
        let names = Dictionary(sites.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var object: [String: Any] = [
            "mayManage": context.actor.role.may(.manageStock),
            "sites": sites.map { site -> [String: Any] in
                [
                    "id": site.id.description, "name": site.name, "kind": site.kind.rawValue.replacingOccurrences(of: "_", with: " "),
                    "custodian": site.custodian, "security": site.securityLevel.rawValue, "due": site.checkDue.minuteText,
                    "overdue": site.checkOverdue(at: now), "selected": site.id.description == siteFilter,
                ]
            },
            "hasSites": !sites.isEmpty,
            "statuses": StockWeapon.Status.allCases.map { ["code": $0.rawValue, "selected": $0 == status] },
            "weapons": page.items.map { weapon -> [String: Any] in
                [
                    "id": weapon.id.description, "serial": weapon.serialNumber, "make": weapon.make, "model": weapon.model ?? "",
                    "category": weapon.category.rawValue, "status": weapon.status.rawValue,
                    "place": weapon.site.flatMap { names[$0] } ?? (weapon.transit.map { "in transit to \(names[$0.to] ?? "?")" } ?? "—"),
                    "holder": weapon.holder ?? "", "transitOverdue": weapon.transitOverdue(at: now),
                ]
            },
            "more": page.nextCursor != nil,
            "surplusShown": status == .surplus && !page.items.isEmpty,
            "destructions": destructions.map { event -> [String: Any] in
                [
                    "id": event.id.description, "method": event.method.rawValue, "place": event.place, "date": event.plannedFor.description,
                    "count": event.weapons.count, "status": event.status.rawValue,
                ]
            },
            "lots": lots.map { lot -> [String: Any] in
                [
                    "id": lot.id.description, "number": lot.lotNumber, "type": lot.type, "quantity": lot.quantity,
                    "site": names[lot.site] ?? "?", "expiry": lot.expiry?.description ?? "—", "expired": lot.expired(on: .today),
                ]
            },
            "errors": PageRenderer.fieldMessages(errors),
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message] },
            "columns": (StockCSV.required + StockCSV.optional).joined(separator: ", "),
        ]
        if let report { object["report"] = report }
        if let flash { object["flash"] = flash }
        let failed = !errors.isEmpty || (report?["accepted"] as? Bool) == false
        return try renderer.page(
            "stock",
            title: "Stockpile",
            section: .stock,
            session: context.session,
            object,
            status: failed ? .unprocessableContent : .ok
        )
    }

    @Sendable func addSite(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let input = StockSiteInput(
            name: form["name"] ?? "",
            kind: form["kind"] ?? "",
            custodian: form["custodian"] ?? "",
            securityLevel: form["security_level"] ?? "",
            checkIntervalDays: form["check_interval_days"].flatMap(Int.init)
        )
        do {
            let site = try await service.createSite(input, by: context.actor)
            return try await overviewPage(
                nil,
                nil,
                context: context,
                flash: "Added \(site.name); its first check is due by \(site.checkDue.minuteText)."
            )
        } catch DomainError.invalid(let errors) {
            return try await overviewPage(nil, nil, context: context, errors: errors)
        }
    }

    @Sendable func importInventory(_ request: Request, context: WebContext) async throws -> Response {
        try context.actor.require(.manageStock)
        let form = try await WebForm.read(request, context: context)
        guard let file = form.files["file"], file.content.readableBytes > 0 else {
            return try await overviewPage(nil, nil, context: context, errors: [FieldError(field: "file", message: "choose a CSV file")])
        }
        let dryRun = form["dry_run"] != nil
        do {
            let count = try await service.importInventory(csv: Array(file.content.readableBytesView), dryRun: dryRun, by: context.actor)
            let report: [String: Any] = ["file": file.name, "accepted": true, "count": count, "dryRun": dryRun]
            return try await overviewPage(nil, nil, context: context, report: report)
        } catch let list as RecordCSV.ProblemList {
            let report: [String: Any] = [
                "file": file.name, "accepted": false, "problemCount": list.problems.count,
                "problems": list.problems.prefix(200).map { ["line": $0.line, "column": $0.column ?? "—", "reason": $0.reason] },
                "more": list.problems.count > 200,
            ]
            return try await overviewPage(nil, nil, context: context, report: report)
        }
    }

    @Sendable func startCheck(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        guard let site = form["site"].flatMap({ StockSite.ID($0) }) else {
            return try await overviewPage(nil, nil, context: context, errors: [FieldError(field: "site", message: "choose a site")])
        }
        let check = try await service.startCheck(site: site, by: context.actor)
        return Response(status: .seeOther, headers: [.location: "/stock/checks/\(check.id)"])
    }

    @Sendable func planDestruction(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let input = DestructionInput(
            method: form["method"] ?? "",
            place: form["place"] ?? "",
            plannedFor: form["planned_for"] ?? "",
            weapons: form.all("weapons")
        )
        do {
            let event = try await service.planDestruction(input, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/stock/destructions/\(event.id)"])
        } catch DomainError.invalid(let errors) {
            return try await overviewPage(nil, StockWeapon.Status.surplus.rawValue, context: context, errors: errors)
        }
    }

    // MARK: - Ammunition

    @Sendable func receiveAmmunition(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let input = AmmunitionLotInput(
            lotNumber: form["lot_number"] ?? "",
            type: form["type"] ?? "",
            quantity: form["quantity"].flatMap(Int.init) ?? 0,
            site: form["lot_site"] ?? "",
            expiry: form["expiry"]
        )
        do {
            let lot = try await service.receive(input, by: context.actor)
            return try await overviewPage(nil, nil, context: context, flash: "Received lot \(lot.lotNumber): \(lot.quantity).")
        } catch DomainError.invalid(let errors) {
            return try await overviewPage(nil, nil, context: context, errors: errors)
        }
    }

    @Sendable func changeAmmunition(_ request: Request, context: WebContext) async throws -> Response {
        let id = try AmmunitionLot.ID.route(context, "lot")
        let form = try await WebForm.read(request, context: context)
        do {
            let lot = try await service.change(id, by: form["quantity"].flatMap(Int.init) ?? 0, reason: form["reason"] ?? "", by: context.actor)
            return try await overviewPage(nil, nil, context: context, flash: "Lot \(lot.lotNumber) now holds \(lot.quantity).")
        } catch DomainError.invalid(let errors) {
            return try await overviewPage(nil, nil, context: context, errors: errors)
        } catch DomainError.conflict(let message) {
            return try await overviewPage(nil, nil, context: context, errors: [FieldError(field: "quantity", message: message)])
        }
    }

    // MARK: - Report

    @Sendable func report(_ request: Request, context: WebContext) async throws -> Response {
        let query = request.uri.queryParameters
        let (from, to) = try StockController.period(query.get("from"), query.get("to"))
        let report = try await service.report(from: from, to: to, by: context.actor)
        let sites = try await service.sites(by: context.actor)
        let names = Dictionary(sites.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let object: [String: Any] = [
            "from": from.description, "to": to.description,
            "stock": report.stock.map { row -> [String: Any] in
                [
                    "site": row.site.flatMap { names[$0] } ?? "—", "category": row.category.rawValue, "status": row.status.rawValue,
                    "count": row.count,
                ]
            },
            "total": report.stock.reduce(0) { $0 + $1.count },
            "movements": report.movements.map { ["kind": $0.kind.rawValue.replacingOccurrences(of: "_", with: " "), "count": $0.count] },
            "checks": report.checks.map { row -> [String: Any] in
                [
                    "id": row.check.description, "site": names[row.site] ?? "?", "started": row.startedAt.minuteText,
                    "closed": row.closedAt?.minuteText ?? "open", "expected": row.expected.map(String.init) ?? "",
                    "found": row.found.map(String.init) ?? "", "missing": row.missing.map(String.init) ?? "",
                ]
            },
            "overdue": report.overdueSites.compactMap { names[$0] },
            "losses": report.losses.map { row -> [String: Any] in
                [
                    "id": row.weapon.description, "serial": row.serialNumber, "make": row.make, "kind": row.kind.rawValue,
                    "at": row.at.minuteText, "record": row.record?.description ?? "",
                ]
            },
            "destructions": report.destructions.map { ["method": $0.method.rawValue, "year": $0.year, "events": $0.events, "weapons": $0.weapons] },
            "hasMovements": !report.movements.isEmpty, "hasChecks": !report.checks.isEmpty, "hasOverdue": !report.overdueSites.isEmpty,
            "hasLosses": !report.losses.isEmpty, "hasDestructions": !report.destructions.isEmpty,
        ]
        return try renderer.page("stock-report", title: "Stockpile report", section: .stock, session: context.session, object)
    }

    // MARK: - A weapon

    @Sendable func weapon(_ request: Request, context: WebContext) async throws -> Response {
        try await weaponPage(try StockWeapon.ID.route(context, "weapon"), context: context)
    }

    private func weaponPage(_ id: StockWeapon.ID, context: WebContext, problem: String? = nil) async throws -> Response {
        let weapon = try await service.weapon(id, by: context.actor)
        let movements = try await service.movements(of: id, by: context.actor)
        let sites = try await service.sites(by: context.actor)
        let names = Dictionary(sites.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let status = weapon.status
        let steps: [String: Bool] = [
            "issue": (status == .inStore || status == .inService) && weapon.site != nil,
            "return": status == .issued,
            "dispatch": status.isAtSite,
            "receive": status == .inTransit,
            "surplus": (status == .inStore || status == .inService) && weapon.site != nil,
            "loss": ![.lost, .stolen, .destroyed].contains(status),
        ]
        let mayManage = context.actor.role.may(.manageStock)
        var object: [String: Any] = [
            "id": weapon.id.description, "serial": weapon.serialNumber, "make": weapon.make, "model": weapon.model ?? "",
            "calibre": weapon.calibre ?? "", "category": weapon.category.rawValue, "condition": weapon.condition.rawValue,
            "status": status.rawValue, "site": weapon.site.flatMap { names[$0] } ?? "—",
            "markings": weapon.markings.map { ["kind": $0.kind.rawValue, "text": $0.text] },
            "movements": movements.map { movement -> [String: Any] in
                [
                    "kind": movement.kind.rawValue.replacingOccurrences(of: "_", with: " "), "at": movement.at.minuteText,
                    "from": movement.fromSite.flatMap { names[$0] } ?? "", "to": movement.toSite.flatMap { names[$0] } ?? "",
                    "holder": movement.holder ?? "", "document": movement.document ?? "", "detail": movement.detail ?? "",
                ]
            },
            "steps": mayManage ? steps : [:],
            "hasSteps": mayManage && steps.values.contains(true),
            "otherSites": sites.filter { $0.id != weapon.site }.map { ["id": $0.id.description, "name": $0.name] },
            "today": CalendarDate(Date()).description,
        ]
        // Only what the weapon has: a section over an empty value would still show.
        if let holder = weapon.holder { object["holder"] = holder }
        if let reason = weapon.surplusReason { object["surplusReason"] = reason }
        if let record = weapon.lossRecord { object["lossRecord"] = record.description }
        if let transit = weapon.transit {
            object["transit"] =
                [
                    "from": names[transit.from] ?? "?", "to": names[transit.to] ?? "?", "since": transit.dispatchedAt.minuteText,
                    "document": transit.document, "overdue": weapon.transitOverdue(at: Date()),
                ] as [String: Any]
        }
        if let problem { object["problem"] = problem }
        return try renderer.page(
            "stock-weapon",
            title: "\(weapon.make) \(weapon.serialNumber)",
            section: .stock,
            session: context.session,
            object,
            status: problem == nil ? .ok : .unprocessableContent
        )
    }

    @Sendable func step(_ request: Request, context: WebContext) async throws -> Response {
        let id = try StockWeapon.ID.route(context, "weapon")
        let form = try await WebForm.read(request, context: context)
        let name = context.parameters.get("step") ?? ""
        let step: StockStep
        switch name {
        case "issue": step = .issue(holder: form["holder"] ?? "", document: form["document"] ?? "")
        case "return": step = .return(document: form["document"] ?? "")
        case "dispatch":
            guard let site = form["to"].flatMap({ StockSite.ID($0) }) else {
                return try await weaponPage(id, context: context, problem: "Choose the receiving site.")
            }
            step = .dispatch(to: site, document: form["document"] ?? "")
        case "receive": step = .receive(document: form["document"] ?? "")
        case "surplus": step = .designateSurplus(reason: form["reason"] ?? "")
        case "loss":
            guard let date = form["date"].flatMap({ CalendarDate($0) }) else {
                return try await weaponPage(id, context: context, problem: "Give the date of the loss or theft (YYYY-MM-DD).")
            }
            let loss = StockLoss(
                stolen: form["stolen"] != nil,
                date: date,
                place: form["place"] ?? "",
                circumstances: form["circumstances"] ?? "",
                sharing: form["sharing"] == "owner" ? .owner : .all
            )
            step = .reportLoss(loss)
        default: throw DomainError.notFound(entity: "step", id: name)
        }
        do {
            _ = try await service.apply(step, to: id, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/stock/weapons/\(id)"])
        } catch DomainError.invalid(let errors) {
            return try await weaponPage(id, context: context, problem: errors.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
        } catch DomainError.conflict(let message) {
            return try await weaponPage(id, context: context, problem: message)
        }
    }

    // MARK: - A check

    @Sendable func check(_ request: Request, context: WebContext) async throws -> Response {
        try await checkPage(try StockCheck.ID.route(context, "check"), context: context)
    }

    private func checkPage(_ id: StockCheck.ID, context: WebContext, problem: String? = nil) async throws -> Response {
        let check = try await service.check(id, by: context.actor)
        let sites = try await service.sites(by: context.actor)
        let names = Dictionary(sites.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var object: [String: Any] = [
            "id": check.id.description, "site": names[check.site] ?? "?", "started": check.startedAt.minuteText,
            "expected": check.expected.count, "counted": check.counted.count, "containers": check.containers.count,
            "open": check.closedAt == nil,
            "mayManage": context.actor.role.may(.manageStock),
            "recent": check.counted.suffix(20).reversed().map { $0 }, "hasRecent": !check.counted.isEmpty,
        ]
        if let result = check.result {
            object["result"] =
                [
                    "closed": check.closedAt?.minuteText ?? "", "found": result.foundCount, "expected": result.expectedCount,
                    "clean": result.isClean, "hasMissing": !result.missing.isEmpty, "missingCount": result.missing.count,
                    "hasUnexpected": !result.unexpected.isEmpty, "hasElsewhere": !result.wrongPlace.isEmpty,
                    "missing": result.missing.map { ["id": $0.weapon.description, "serial": $0.serialNumber, "make": $0.make] },
                    "unexpected": result.unexpected,
                    "elsewhere": result.wrongPlace.map { other -> [String: Any] in
                        [
                            "id": other.weapon.description, "serial": other.serialNumber, "status": other.status.rawValue,
                            "site": other.site.flatMap { names[$0] } ?? "—",
                        ]
                    },
                ] as [String: Any]
        }
        if let problem { object["problem"] = problem }
        return try renderer.page(
            "stock-check",
            title: "Physical check at \(names[check.site] ?? "a site")",
            section: .stock,
            session: context.session,
            object,
            status: problem == nil ? .ok : .unprocessableContent
        )
    }

    @Sendable func count(_ request: Request, context: WebContext) async throws -> Response {
        let id = try StockCheck.ID.route(context, "check")
        let form = try await WebForm.read(request, context: context)
        func lines(_ name: String) -> [String] {
            (form.values[name]?.first ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        do {
            _ = try await service.recordCount(lines("serials"), containers: lines("containers"), in: id, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/stock/checks/\(id)"])
        } catch DomainError.invalid(let errors) {
            return try await checkPage(id, context: context, problem: errors.map(\.message).joined(separator: "; "))
        }
    }

    @Sendable func close(_ request: Request, context: WebContext) async throws -> Response {
        let id = try StockCheck.ID.route(context, "check")
        _ = try await WebForm.read(request, context: context)
        _ = try await service.closeCheck(id, by: context.actor)
        return Response(status: .seeOther, headers: [.location: "/stock/checks/\(id)"])
    }

    // MARK: - A destruction

    @Sendable func destruction(_ request: Request, context: WebContext) async throws -> Response {
        let id = try DestructionEvent.ID.route(context, "destruction")
        if request.uri.queryParameters.get("print") != nil {
            let (event, weapons) = try await service.certificate(id, by: context.actor)
            return try HTML(templates, "destruction-certificate", DestructionCertificate.object(event, weapons)).response()
        }
        return try await destructionPage(id, context: context)
    }

    private func destructionPage(_ id: DestructionEvent.ID, context: WebContext, problem: String? = nil) async throws -> Response {
        let (event, weapons) = try await service.certificate(id, by: context.actor)
        var object = DestructionCertificate.object(event, weapons)
        let manager = context.actor.role.may(.manageStock)
        object["mayRecord"] = manager && event.status == .planned
        object["mayVerify"] = manager && event.status == .recorded && context.actor.userID != event.recordedBy
        object["recordedBySelf"] = event.status == .recorded && context.actor.userID == event.recordedBy
        object["today"] = CalendarDate(Date()).description
        if let problem { object["problem"] = problem }
        return try renderer.page(
            "stock-destruction",
            title: "Destruction \(event.method.rawValue) at \(event.place)",
            section: .stock,
            session: context.session,
            object,
            status: problem == nil ? .ok : .unprocessableContent
        )
    }

    @Sendable func recordDestruction(_ request: Request, context: WebContext) async throws -> Response {
        let id = try DestructionEvent.ID.route(context, "destruction")
        let form = try await WebForm.read(request, context: context)
        guard let date = form["date"].flatMap({ CalendarDate($0) }) else {
            return try await destructionPage(id, context: context, problem: "Give the date of the destruction (YYYY-MM-DD).")
        }
        let witnesses = (form.values["witnesses"]?.first ?? "").split(whereSeparator: \.isNewline).map(String.init)
        do {
            _ = try await service.recordDestruction(id, on: date, witnesses: witnesses, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/stock/destructions/\(id)"])
        } catch DomainError.invalid(let errors) {
            return try await destructionPage(id, context: context, problem: errors.map(\.message).joined(separator: "; "))
        }
    }

    @Sendable func verifyDestruction(_ request: Request, context: WebContext) async throws -> Response {
        let id = try DestructionEvent.ID.route(context, "destruction")
        let form = try await WebForm.read(request, context: context)
        do {
            _ = try await service.verifyDestruction(id, note: form["verification"] ?? "", by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/stock/destructions/\(id)"])
        } catch DomainError.invalid(let errors) {
            return try await destructionPage(id, context: context, problem: errors.map(\.message).joined(separator: "; "))
        }
    }

}
