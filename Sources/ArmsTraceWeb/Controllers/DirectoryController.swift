import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/directory`: members' national coordination agencies and points of contact. Every role reads; a member's
/// admins keep its own entries.
struct DirectoryController {
    let service: DirectoryService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("directory", use: list)
        api.post("directory", use: add)
        api.put("directory/:id", use: update)
        api.post("directory/:id/confirm", use: confirm)
        api.delete("directory/:id", use: remove)
    }

    struct Contacts: ResponseEncodable {
        var contacts: [ContactView]
    }

    /// An entry with whether it went unconfirmed for more than a year.
    struct ContactView: Encodable, Sendable {
        var contact: PointOfContact
        var stale: Bool

        init(_ contact: PointOfContact) {
            self.contact = contact
            stale = contact.stale(at: Date())
        }

        private enum CodingKeys: String, CodingKey { case stale }

        func encode(to encoder: any Encoder) throws {
            try contact.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(stale, forKey: .stale)
        }
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Contacts {
        let member = try request.uri.queryParameters.get("member").nonEmpty.map { text in
            guard let code = MemberCode(text.uppercased()) else { throw APIError.badParameter("member", "'\(text)' is not a member code") }
            return code
        }
        return Contacts(contacts: try await service.contacts(member: member, by: context.actor).map(ContactView.init))
    }

    @Sendable func add(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let input = try await request.decodeJSON(as: PointOfContactInput.self, context: context)
        let contact = try await service.add(input, by: context.actor)
        var response = try context.responseEncoder.encode(JSONBody(ContactView(contact)), from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/directory?member=\(contact.member)"
        return response
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<ContactView> {
        let id = try PointOfContact.ID.route(context, "contact")
        let input = try await request.decodeJSON(as: PointOfContactInput.self, context: context)
        return JSONBody(ContactView(try await service.update(id, with: input, by: context.actor)))
    }

    @Sendable func confirm(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<ContactView> {
        JSONBody(ContactView(try await service.confirm(try PointOfContact.ID.route(context, "contact"), by: context.actor)))
    }

    @Sendable func remove(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await service.remove(try PointOfContact.ID.route(context, "contact"), by: context.actor)
        return Response(status: .noContent)
    }
}
