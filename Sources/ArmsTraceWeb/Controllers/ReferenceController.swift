import ArmsTraceDomain
import Hummingbird

/// `/api/v1/marking-schemes`, `/api/v1/markings/parse`, `/api/v1/reference…`: the shared reference data, read by
/// any signed-in role; schemes published and the reference edited by admins (``Permission/editReference``).
struct ReferenceController {
    let service: ReferenceService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("marking-schemes", use: schemes)
        api.post("marking-schemes", use: publish)
        api.post("markings/parse", use: parse)
        api.get("reference", use: reference)
        api.get("reference/identify", use: identify)
        api.post("reference/makers") { request, context in
            try await save(request, context) { .maker(try await request.decodeJSON(as: WeaponReference.Maker.self, context: context)) }
        }
        api.post("reference/models") { request, context in
            try await save(request, context) { .model(try await request.decodeJSON(as: WeaponReference.Model.self, context: context)) }
        }
        api.post("reference/calibres") { request, context in
            try await save(request, context) { .calibre(try await request.decodeJSON(as: WeaponReference.Calibre.self, context: context)) }
        }
    }

    @Sendable func publish(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let draft = try await request.decodeJSON(as: SchemeDraft.self, context: context)
        let scheme = try await service.publish(draft, by: context.actor)
        var response = try context.responseEncoder.encode(JSONBody(scheme), from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/marking-schemes?country=\(scheme.member)&kind=\(scheme.kind.rawValue)"
        return response
    }

    /// The reference in force, and the entries members wrote into it.
    struct Reference: ResponseEncodable {
        var makers: [WeaponReference.Maker]
        var models: [WeaponReference.Model]
        var calibres: [WeaponReference.Calibre]
        var changes: [ReferenceEntry]
    }

    @Sendable func reference(_ request: Request, context: AuthenticatedContext) async throws -> Reference {
        let snapshot = service.catalog.snapshot
        return Reference(
            makers: snapshot.reference.makers,
            models: snapshot.reference.models,
            calibres: snapshot.reference.calibres,
            changes: snapshot.contributions.entries
        )
    }

    func save(
        _ request: Request,
        _ context: AuthenticatedContext,
        item: () async throws -> ReferenceEntry.Item
    ) async throws -> Response {
        // The role is checked before the body is read, so a forbidden caller learns nothing of the input's rules.
        try context.actor.require(.editReference)
        let entry = try await service.save(try await item(), by: context.actor)
        return try context.responseEncoder.encode(JSONBody(entry), from: request, context: context)
    }

    struct Schemes: ResponseEncodable {
        var schemes: [MarkingScheme]
    }

    @Sendable func schemes(_ request: Request, context: AuthenticatedContext) async throws -> Schemes {
        let query = request.uri.queryParameters
        return Schemes(schemes: try service.schemes(kind: query.get("kind").nonEmpty, member: query.get("country").nonEmpty))
    }

    struct ParseInput: Decodable {
        var mark: String
        var kind: String?
        var country: String?
    }

    struct Fits: ResponseEncodable {
        var mark: String
        var fits: [MarkingParse]
    }

    @Sendable func parse(_ request: Request, context: AuthenticatedContext) async throws -> Fits {
        let input = try await request.decodeJSON(as: ParseInput.self, context: context)
        return Fits(mark: input.mark, fits: try service.parse(input.mark, kind: input.kind, member: input.country))
    }

    struct Identified: ResponseEncodable {
        var identification: Identification
    }

    @Sendable func identify(_ request: Request, context: AuthenticatedContext) async throws -> Identified {
        let query = request.uri.queryParameters
        guard let make = query.get("make").nonEmpty else { throw APIError.badParameter("make", "is required") }
        return Identified(identification: service.identify(make: make, model: query.get("model").nonEmpty, calibre: query.get("calibre").nonEmpty))
    }
}

extension Optional where Wrapped == String {
    /// The text, or `nil` when absent or empty.
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }

    /// The value of the query parameter `name`, `nil` when absent; an empty value is refused, as no typed parameter
    /// (a date, an ID, true or false) can be empty.
    func present(_ name: String) throws -> String? {
        if self?.isEmpty == true { throw APIError.badParameter(name, "is empty; give a value or leave the parameter out") }
        return self
    }

    /// The query parameter `name` as a year, `nil` when absent or empty. A whole number too large for any year breaks
    /// a rule (422, as a year out of range does); text that is no whole number is malformed (400).
    func year(_ name: String) throws -> Int? {
        guard let text = nonEmpty else { return nil }
        if let year = Int(text) { return year }
        let digits = text.trimmingPrefix("-")
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw APIError.badParameter(name, "'\(text)' is not a year")
        }
        throw DomainError.invalid(field: name, "'\(text)' is not a plausible year")
    }
}
