import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// `/api/v1/stock/…`: the member's stockpile (PoA III 6, 8, 14): sites, weapons received one by one, their
/// movements, physical checks and losses. Another member's stock answers 404.
struct StockController {
    let service: StockpileService
    let templates: MustacheLibrary

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("stock/sites", use: sites)
        api.post("stock/sites", use: createSite)
        api.get("stock/weapons", use: weapons)
        api.post("stock/weapons", use: receive)
        api.get("stock/weapons/:id", use: weapon)
        api.get("stock/weapons/:id/movements", use: movements)
        api.post("stock/weapons/:id/:step", use: step)
        api.post("stock/checks", use: startCheck)
        api.get("stock/checks/:id", use: check)
        api.post("stock/checks/:id/counts", use: count)
        api.post("stock/checks/:id/close", use: close)
        api.get("stock/report", use: report)
        api.get("stock/ammunition", use: ammunition)
        api.post("stock/ammunition", use: receiveAmmunition)
        api.post("stock/ammunition/:id/change", use: changeAmmunition)
        api.get("stock/destructions", use: destructions)
        api.post("stock/destructions", use: planDestruction)
        api.get("stock/destructions/:id", use: destruction)
        api.post("stock/destructions/:id/record", use: recordDestruction)
        api.post("stock/destructions/:id/verify", use: verifyDestruction)
        api.get("stock/destructions/:id/certificate", use: certificate)
    }

    struct Sites: ResponseEncodable {
        var sites: [SiteView]
    }

    /// A site with when its next check is due and whether that is past.
    struct SiteView: Encodable, Sendable {
        var site: StockSite
        var checkDue: Date
        var checkOverdue: Bool

        init(_ site: StockSite, at now: Date) {
            self.site = site
            checkDue = site.checkDue
            checkOverdue = site.checkOverdue(at: now)
        }

        private enum CodingKeys: String, CodingKey { case checkDue, checkOverdue }

        func encode(to encoder: any Encoder) throws {
            try site.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(checkDue, forKey: .checkDue)
            try container.encode(checkOverdue, forKey: .checkOverdue)
        }
    }

    /// A weapon with whether its transfer is overdue.
    struct WeaponView: Encodable, Sendable {
        var weapon: StockWeapon
        var transitOverdue: Bool

        init(_ weapon: StockWeapon, at now: Date) {
            self.weapon = weapon
            transitOverdue = weapon.transitOverdue(at: now)
        }

        private enum CodingKeys: String, CodingKey { case transitOverdue }

        func encode(to encoder: any Encoder) throws {
            try weapon.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(transitOverdue, forKey: .transitOverdue)
        }
    }

    @Sendable func sites(_ request: Request, context: AuthenticatedContext) async throws -> Sites {
        let now = Date()
        return Sites(sites: try await service.sites(by: context.actor).map { SiteView($0, at: now) })
    }

    @Sendable func createSite(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: StockSiteInput.self, context: context)
        let site = try await service.createSite(input, by: context.actor)
        return try created(SiteView(site, at: Date()), at: "/api/v1/stock/sites", request, context)
    }

    @Sendable func weapons(_ request: Request, context: AuthenticatedContext) async throws -> CursorPage<WeaponView> {
        let query = request.uri.queryParameters
        let site = try query.get("site").present("site").map { text in
            guard let id = StockSite.ID(text) else { throw APIError.badParameter("site", "'\(text)' is not a site ID") }
            return id
        }
        let status = try query.get("status").nonEmpty.map { text in
            guard let status = StockWeapon.Status(rawValue: text) else {
                throw APIError.badParameter("status", "one of: " + StockWeapon.Status.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return status
        }
        let limit = try query.get("limit").nonEmpty.map { text in
            guard let limit = Int(text) else { throw APIError.badParameter("limit", "must be a whole number") }
            return limit
        }
        let page = try await service.weapons(site: site, status: status, limit: limit ?? 100, cursor: query.get("cursor").nonEmpty, by: context.actor)
        let now = Date()
        return CursorPage(itemsKey: "weapons", items: page.items.map { WeaponView($0, at: now) }, nextCursor: page.nextCursor)
    }

    struct ReceiveInput: Decodable {
        var weapons: [StockWeaponInput]
    }

    struct Received: Encodable, Sendable {
        var weapons: [StockWeapon]
    }

    @Sendable func receive(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: ReceiveInput.self, context: context)
        let weapons = try await service.receive(input.weapons, by: context.actor)
        return try created(Received(weapons: weapons), at: "/api/v1/stock/weapons", request, context)
    }

    @Sendable func weapon(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<WeaponView> {
        JSONBody(WeaponView(try await service.weapon(try StockWeapon.ID.route(context, "weapon"), by: context.actor), at: Date()))
    }

    struct Movements: ResponseEncodable {
        var movements: [StockMovement]
    }

    @Sendable func movements(_ request: Request, context: AuthenticatedContext) async throws -> Movements {
        Movements(movements: try await service.movements(of: try StockWeapon.ID.route(context, "weapon"), by: context.actor))
    }

    /// The body of a step: what each step reads.
    struct StepInput: Decodable {
        var holder: String?
        var document: String?
        var to: String?
        var reason: String?
        var stolen: Bool?
        var date: CalendarDate?
        var place: String?
        var circumstances: String?
        var sharing: WeaponRecordInput.SharingInput?

        /// The shared record's sharing: `all` (the default), `owner`, or a list of member codes.
        func sharingChosen() throws -> Sharing {
            switch sharing {
            case nil: return .all
            case .word(let word) where word.lowercased() == "all": return .all
            case .word(let word) where word.lowercased() == "owner": return .owner
            case .word(let word): throw DomainError.invalid(field: "sharing", "'\(word)' must be all, owner, or a list of member codes")
            case .members(let codes):
                let members = try codes.map { text in
                    guard let code = MemberCode(text.uppercased()) else {
                        throw DomainError.invalid(field: "sharing", "'\(text)' is not a member code")
                    }
                    return code
                }
                return .members(Array(Set(members)).sorted { $0.rawValue < $1.rawValue })
            }
        }
    }

    /// The steps, by the last part of their path.
    static let steps = ["issue", "return", "dispatch", "receive", "surplus", "loss"]

    @Sendable func step(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<WeaponView> {
        let name = context.parameters.get("step") ?? ""
        guard Self.steps.contains(name) else { throw DomainError.notFound(entity: "step", id: name) }
        let id = try StockWeapon.ID.route(context, "weapon")
        try context.actor.require(.manageStock)
        let input = try await request.decodeJSON(as: StepInput.self, context: context)
        let step: StockStep
        switch name {
        case "issue": step = .issue(holder: input.holder ?? "", document: input.document ?? "")
        case "return": step = .return(document: input.document ?? "")
        case "dispatch":
            guard let text = input.to, let site = StockSite.ID(text) else {
                throw DomainError.invalid(field: "to", "the ID of the receiving site is required")
            }
            step = .dispatch(to: site, document: input.document ?? "")
        case "receive": step = .receive(document: input.document ?? "")
        case "surplus": step = .designateSurplus(reason: input.reason ?? "")
        default:
            guard let date = input.date else { throw DomainError.invalid(field: "date", "the date of the loss or theft is required (YYYY-MM-DD)") }
            step = .reportLoss(
                StockLoss(
                    stolen: input.stolen ?? false,
                    date: date,
                    place: input.place ?? "",
                    circumstances: input.circumstances ?? "",
                    sharing: try input.sharingChosen()
                )
            )
        }
        return JSONBody(WeaponView(try await service.apply(step, to: id, by: context.actor), at: Date()))
    }

    struct CheckInput: Decodable {
        var site: String
    }

    @Sendable func startCheck(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: CheckInput.self, context: context)
        guard let site = StockSite.ID(input.site) else { throw DomainError.invalid(field: "site", "'\(input.site)' is not a site ID") }
        let check = try await service.startCheck(site: site, by: context.actor)
        return try created(check, at: "/api/v1/stock/checks/\(check.id)", request, context)
    }

    @Sendable func check(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<StockCheck> {
        JSONBody(try await service.check(try StockCheck.ID.route(context, "check"), by: context.actor))
    }

    struct CountInput: Decodable {
        var serials: [String]?
        var containers: [String]?
    }

    @Sendable func count(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<StockCheck> {
        let id = try StockCheck.ID.route(context, "check")
        let input = try await request.decodeJSON(as: CountInput.self, context: context)
        return JSONBody(try await service.recordCount(input.serials ?? [], containers: input.containers ?? [], in: id, by: context.actor))
    }

    @Sendable func close(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<StockCheck> {
        JSONBody(try await service.closeCheck(try StockCheck.ID.route(context, "check"), by: context.actor))
    }

    /// `?from=&to=` (days, both included); by default this year to today.
    @Sendable func report(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<StockReport> {
        let query = request.uri.queryParameters
        let (from, to) = try Self.period(try query.get("from").present("from"), try query.get("to").present("to"))
        return JSONBody(try await service.report(from: from, to: to, by: context.actor))
    }

    /// A report's period from its query parameters: this year to today when absent.
    static func period(_ from: String?, _ to: String?) throws -> (CalendarDate, CalendarDate) {
        let today = CalendarDate.today
        func day(_ text: String?, _ name: String, _ fallback: CalendarDate) throws -> CalendarDate {
            guard let text = text.nonEmpty else { return fallback }
            guard let date = CalendarDate(text) else { throw APIError.badParameter(name, "'\(text)' is not a date (YYYY-MM-DD)") }
            return date
        }
        return (try day(from, "from", CalendarDate(year: today.year, month: 1, day: 1)!), try day(to, "to", today))
    }

    // MARK: - Ammunition

    struct Lots: ResponseEncodable {
        var lots: [LotView]
    }

    /// A lot with whether it is past its expiry today.
    struct LotView: Encodable, Sendable {
        var lot: AmmunitionLot
        var expired: Bool

        init(_ lot: AmmunitionLot) {
            self.lot = lot
            expired = lot.expired(on: .today)
        }

        private enum CodingKeys: String, CodingKey { case expired }

        func encode(to encoder: any Encoder) throws {
            try lot.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(expired, forKey: .expired)
        }
    }

    @Sendable func ammunition(_ request: Request, context: AuthenticatedContext) async throws -> Lots {
        Lots(lots: try await service.ammunition(by: context.actor).map(LotView.init))
    }

    @Sendable func receiveAmmunition(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: AmmunitionLotInput.self, context: context)
        let lot = try await service.receive(input, by: context.actor)
        return try created(LotView(lot), at: "/api/v1/stock/ammunition", request, context)
    }

    struct ChangeInput: Decodable {
        var quantity: Int
        var reason: String
    }

    @Sendable func changeAmmunition(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<LotView> {
        let id = try AmmunitionLot.ID.route(context, "lot")
        try context.actor.require(.manageStock)
        let input = try await request.decodeJSON(as: ChangeInput.self, context: context)
        return JSONBody(LotView(try await service.change(id, by: input.quantity, reason: input.reason, by: context.actor)))
    }

    // MARK: - Destruction

    struct Destructions: ResponseEncodable {
        var destructions: [DestructionEvent]
    }

    @Sendable func destructions(_ request: Request, context: AuthenticatedContext) async throws -> Destructions {
        Destructions(destructions: try await service.destructions(by: context.actor))
    }

    @Sendable func planDestruction(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: DestructionInput.self, context: context)
        let event = try await service.planDestruction(input, by: context.actor)
        return try created(event, at: "/api/v1/stock/destructions/\(event.id)", request, context)
    }

    @Sendable func destruction(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<DestructionEvent> {
        JSONBody(try await service.destruction(try DestructionEvent.ID.route(context, "destruction"), by: context.actor))
    }

    struct RecordInput: Decodable {
        var date: CalendarDate
        var witnesses: [String]
    }

    @Sendable func recordDestruction(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<DestructionEvent> {
        let id = try DestructionEvent.ID.route(context, "destruction")
        try context.actor.require(.manageStock)
        let input = try await request.decodeJSON(as: RecordInput.self, context: context)
        return JSONBody(try await service.recordDestruction(id, on: input.date, witnesses: input.witnesses, by: context.actor))
    }

    struct VerifyInput: Decodable {
        var verification: String
    }

    @Sendable func verifyDestruction(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<DestructionEvent> {
        let id = try DestructionEvent.ID.route(context, "destruction")
        try context.actor.require(.manageStock)
        let input = try await request.decodeJSON(as: VerifyInput.self, context: context)
        return JSONBody(try await service.verifyDestruction(id, note: input.verification, by: context.actor))
    }

    /// The destruction certificate: the event, its witnesses and verification, and every serial it destroyed.
    @Sendable func certificate(_ request: Request, context: AuthenticatedContext) async throws -> HTML {
        let (event, weapons) = try await service.certificate(try DestructionEvent.ID.route(context, "destruction"), by: context.actor)
        let object = DestructionCertificate.object(event, weapons)
        return try HTML(templates, "destruction-certificate", object)
    }
}
