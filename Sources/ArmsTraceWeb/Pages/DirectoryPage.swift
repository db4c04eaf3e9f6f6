import ArmsTraceDomain
import Foundation
import Hummingbird

/// The directory page: every member's agencies and points of contact, with when each was last confirmed; the
/// member's admins add, confirm and remove their own.
struct DirectoryPage {
    let service: DirectoryService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("directory", use: page)
        pages.post("directory", use: add)
        pages.post("directory/:id/confirm", use: confirm)
        pages.post("directory/:id/remove", use: remove)
    }

    @Sendable func page(_ request: Request, context: WebContext) async throws -> Response {
        try await render(context: context, filter: request.uri.queryParameters.get("member").nonEmpty)
    }

    private func render(
        context: WebContext,
        filter: String? = nil,
        errors: [FieldError] = [],
        typed: [String: String] = [:],
        flash: String? = nil
    )
        async throws -> Response
    {
        let member = filter.flatMap { MemberCode($0.uppercased()) }
        let contacts = try await service.contacts(member: member, by: context.actor)
        let now = Date()
        let mayEdit = context.actor.role.may(.manageMember)
        var object: [String: Any] = [
            "filter": filter ?? "",
            "contacts": contacts.map { contact -> [String: Any] in
                var row: [String: Any] = [
                    "id": contact.id.description, "member": contact.member.rawValue,
                    "memberName": Countries.name(of: contact.member.rawValue) ?? contact.member.rawValue, "role": contact.role.words,
                    "agency": contact.agency, "name": contact.name, "languages": contact.languages.joined(separator: ", "),
                    "reach": [contact.email, contact.phone, contact.address].compactMap { $0 }.joined(separator: " · "),
                    "confirmed": contact.confirmedAt.minuteText, "stale": contact.stale(at: now),
                    "own": mayEdit && contact.member == context.actor.member,
                ]
                // A section over an empty string still opens, and a missing key is looked up in the layout (whose `title` is
                // the page's): only a title that is there is given, under a name of its own.
                if let title = contact.title { row["postTitle"] = title }
                return row
            },
            "mayEdit": mayEdit,
            "roles": PointOfContact.Role.allCases.map { ["code": $0.rawValue, "words": $0.words, "selected": typed["role"] == $0.rawValue] },
            "values": typed,
            "errors": PageRenderer.fieldMessages(errors),
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        if let flash { object["flash"] = flash }
        return try renderer.page(
            "directory",
            title: "Points of contact",
            section: .directory,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func add(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let names = ["role", "agency", "name", "title", "languages", "email", "phone", "address"]
        let typed = Dictionary(uniqueKeysWithValues: names.map { ($0, form[$0] ?? "") })
        let input = PointOfContactInput(
            role: form["role"] ?? "",
            agency: form["agency"] ?? "",
            name: form["name"] ?? "",
            title: form["title"],
            languages: (form["languages"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init),
            email: form["email"],
            phone: form["phone"],
            address: form["address"]
        )
        do {
            let contact = try await service.add(input, by: context.actor)
            return try await render(context: context, flash: "Added \(contact.name) as \(contact.role.words).")
        } catch DomainError.invalid(let errors) {
            return try await render(context: context, errors: errors, typed: typed)
        }
    }

    @Sendable func confirm(_ request: Request, context: WebContext) async throws -> Response {
        _ = try await WebForm.read(request, context: context)
        let contact = try await service.confirm(try PointOfContact.ID.route(context, "contact"), by: context.actor)
        return try await render(context: context, flash: "\(contact.name) confirmed as current.")
    }

    @Sendable func remove(_ request: Request, context: WebContext) async throws -> Response {
        _ = try await WebForm.read(request, context: context)
        try await service.remove(try PointOfContact.ID.route(context, "contact"), by: context.actor)
        return try await render(context: context, flash: "Removed.")
    }
}
