import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/records`: create, read, update and list weapon records, read a record's history, and export the
/// member's own records.
///
/// A member sees its own records and those shared with it; any other record answers 404, exactly as a record that
/// does not exist.
struct RecordController {
    let service: RecordService
    let exports: RecordExports

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get(use: list)
        group.post(use: create)
        group.get("export", use: export)
        group.get(":id", use: get)
        group.put(":id", use: update)
        group.get(":id/history", use: history)
    }

    /// A record's history: `{"record_id": ..., "entries": [...]}`.
    struct History: ResponseEncodable {
        var recordId: WeaponRecord.ID
        var entries: [RecordHistoryEntry]
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> CursorPage<WeaponRecord> {
        let query = try Self.query(request)
        let page = try await service.list(query, by: context.actor)
        return CursorPage("records", page)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: WeaponRecordInput.self, context: context)
        let record = try await service.create(input, by: context.actor)
        var response = try context.responseEncoder.encode(record, from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/records/\(record.id)"
        response.headers[.eTag] = Self.eTag(record)
        return response
    }

    @Sendable func get(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let record = try await service.get(try Self.id(context), by: context.actor)
        var response = try context.responseEncoder.encode(record, from: request, context: context)
        response.headers[.eTag] = Self.eTag(record)
        return response
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try Self.id(context)
        let expectedVersion = try request.headers[.ifMatch].map(Self.version(fromETag:))
        let input = try await request.decodeJSON(as: WeaponRecordInput.self, context: context)
        let record = try await service.update(id, with: input, expectedVersion: expectedVersion, by: context.actor)
        var response = try context.responseEncoder.encode(record, from: request, context: context)
        response.headers[.eTag] = Self.eTag(record)
        return response
    }

    /// The member's own records as CSV (`?format=csv`, the default; the import's format) or JSON.
    @Sendable func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await exports.response(to: request, by: context.actor)
    }

    @Sendable func history(_ request: Request, context: AuthenticatedContext) async throws -> History {
        let id = try Self.id(context)
        return History(recordId: id, entries: try await service.history(id, by: context.actor))
    }

    // MARK: - Parameters

    private static func id(_ context: AuthenticatedContext) throws -> WeaponRecord.ID {
        let text = context.parameters.get("id") ?? ""
        guard let id = WeaponRecord.ID(text) else { throw APIError.badParameter("id", "'\(text)' is not a record ID") }
        return id
    }

    /// A record's ETag is its version: `"v3"`.
    private static func eTag(_ record: WeaponRecord) -> String { "\"v\(record.version)\"" }

    /// The version an `If-Match` names: `"v3"` as sent back, or as a client may hand-write it (`W/"v3"`, `v3`, `3`).
    private static func version(fromETag text: String) throws -> Int {
        var tag = Substring(text.trimmingCharacters(in: .whitespaces))
        if tag.hasPrefix("W/") { tag = tag.dropFirst(2) }
        if tag.hasPrefix("\""), tag.hasSuffix("\""), tag.count >= 2 { tag = tag.dropFirst().dropLast() }
        if tag.hasPrefix("v") { tag = tag.dropFirst() }
        guard !tag.isEmpty, tag.count <= 18, tag.allSatisfy { $0.isASCII && $0.isNumber }, let version = Int(tag) else {
            throw APIError.badParameter("If-Match", "'\(text)' is not an ETag of this API, such as \"v3\"")
        }
        return version
    }

    static func query(_ request: Request) throws -> RecordQuery {
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? {
            parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        func parse<T>(_ name: String, _ expected: String, _ transform: (String) -> T?) throws -> T? {
            guard let text = try parameters.get(name).present(name) else { return nil }
            guard let parsed = transform(text) else { throw APIError.badParameter(name, "'\(text)' is not \(expected)") }
            return parsed
        }
        let (limit, cursor) = try request.pageParameters()
        let statuses = RecordStatus.allCases.map(\.rawValue).joined(separator: ", ")
        let categories = WeaponCategory.allCases.map(\.rawValue).joined(separator: ", ")
        return RecordQuery(
            status: try parse("status", "one of: \(statuses)", RecordStatus.init(rawValue:)),
            category: try parse("category", "one of: \(categories)", WeaponCategory.init(rawValue:)),
            make: value("make"),
            country: try parameters.get("country").present("country").map { text in
                // Three letters are well formed (the document's pattern); one no country is assigned is a rule broken.
                guard text.utf8.count == 3, text.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                    throw APIError.badParameter("country", "'\(text)' is not an ISO 3166-1 alpha-3 country code")
                }
                guard Countries.contains(text.uppercased()) else {
                    throw DomainError.invalid(field: "country", "'\(text)' is not an assigned ISO 3166-1 alpha-3 country code")
                }
                return text.uppercased()
            },
            eventFrom: try parse("event_from", "a date as YYYY-MM-DD") { CalendarDate($0) },
            eventTo: try parse("event_to", "a date as YYYY-MM-DD") { CalendarDate($0) },
            owner: try parse("owner", "a member code") { MemberCode($0.uppercased()) },
            limit: limit,
            cursor: cursor
        )
    }
}
