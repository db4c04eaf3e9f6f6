import ArmsTraceDomain
import Foundation
import Hummingbird

/// The page where admins publish their member's marking schemes and edit the make, model and calibre reference
/// (``Permission/editReference``). Each form posts to its own path and comes back to this page: with a notice when
/// saved, with each problem next to its field and what was typed kept when not.
struct ReferenceEditPage {
    let service: ReferenceService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("reference/edit", use: page)
        pages.post("reference/makers", use: saveMaker)
        pages.post("reference/models", use: saveModel)
        pages.post("reference/calibres", use: saveCalibre)
        pages.post("reference/schemes", use: publishScheme)
    }

    /// Which form a submission came from, with what was typed and what was wrong.
    struct Submission {
        var form: String
        var values: [String: String]
        var errors: [FieldError]
    }

    @Sendable func page(_ request: Request, context: WebContext) async throws -> Response {
        try context.actor.require(.editReference)
        let query = request.uri.queryParameters
        var values: [String: String] = [:]
        let reference = service.reference
        if let name = query.get("maker").nonEmpty, let maker = reference.maker(name) {
            values = [
                "name": maker.name, "country": maker.country, "aliases": Self.list(maker.aliases), "former_names": Self.list(maker.formerNames),
                "trademarks": Self.list(maker.trademarks), "codes": Self.list(maker.codes),
            ]
        }
        if let name = query.get("calibre").nonEmpty, let calibre = reference.calibre(name) {
            values = ["calibre_name": calibre.name, "calibre_aliases": Self.list(calibre.aliases)]
        }
        if let name = query.get("scheme").nonEmpty {
            let parts = name.split(separator: "/").map(String.init)
            if parts.count == 3, let scheme = service.schemes.first(where: { [$0.member.rawValue, $0.kind.rawValue, "\($0.version)"] == parts }) {
                values = ["scheme": Self.draftJSON(scheme)]
            }
        }
        return try render(context: context, values: values)
    }

    @Sendable func saveMaker(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let maker = WeaponReference.Maker(
            form["name"] ?? "",
            country: form["country"] ?? "",
            aliases: Self.names(form["aliases"]),
            formerNames: Self.names(form["former_names"]),
            trademarks: Self.names(form["trademarks"]),
            codes: Self.names(form["codes"])
        )
        return try await save(.maker(maker), form: form, named: "maker", context: context)
    }

    @Sendable func saveModel(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        guard let category = form["category"].flatMap(WeaponCategory.init(rawValue:)) else {
            return try render(
                context: context,
                submission: Self.submission("model", form, [FieldError(field: "category", message: "choose a category")])
            )
        }
        let model = WeaponReference.Model(
            form["model_maker"] ?? "",
            form["model_name"] ?? "",
            aliases: Self.names(form["model_aliases"]),
            category: category,
            calibres: Self.names(form["model_calibres"]),
            serialFormats: Self.names(form["model_serial_formats"])
        )
        return try await save(.model(model), form: form, named: "model", context: context)
    }

    @Sendable func saveCalibre(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let calibre = WeaponReference.Calibre(form["calibre_name"] ?? "", aliases: Self.names(form["calibre_aliases"]))
        return try await save(.calibre(calibre), form: form, named: "calibre", context: context)
    }

    @Sendable func publishScheme(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let text = form["scheme"] ?? ""
        let draft: SchemeDraft
        do {
            draft = try APIJSON.decoder.decode(SchemeDraft.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            let problem = APIError.badJSON(error).message
            return try render(context: context, submission: Self.submission("scheme", form, [FieldError(field: "scheme", message: problem)]))
        } catch {
            return try render(context: context, submission: Self.submission("scheme", form, [FieldError(field: "scheme", message: "is not JSON")]))
        }
        do {
            let scheme = try await service.publish(draft, by: context.actor)
            return try render(context: context, flash: "Published the \(scheme.title).")
        } catch DomainError.invalid(let errors) {
            return try render(context: context, submission: Self.submission("scheme", form, errors))
        }
    }

    // MARK: - Rendering

    private func save(_ item: ReferenceEntry.Item, form: WebForm, named kind: String, context: WebContext) async throws -> Response {
        do {
            let entry = try await service.save(item, by: context.actor)
            return try render(context: context, flash: "Saved the \(entry.kind.rawValue) \(entry.name); it is in force for every member now.")
        } catch DomainError.invalid(let errors) {
            // The model's and calibre's inputs carry a prefix, so that one page holds all three forms.
            let prefixed = kind == "maker" ? errors : errors.map { FieldError(field: "\(kind)_\($0.field)", message: $0.message) }
            return try render(context: context, submission: Self.submission(kind, form, prefixed))
        }
    }

    private func render(context: WebContext, values: [String: String] = [:], submission: Submission? = nil, flash: String? = nil) throws -> Response {
        let snapshot = service.catalog.snapshot
        let errors = submission?.errors ?? []
        var object: [String: Any] = [
            "values": submission?.values ?? values,
            "errors": Self.messages(errors, form: submission?.form),
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message, "input": Self.input(of: $0, form: submission?.form)] },
            "categories": WeaponCategory.allCases.map { category in
                ["code": category.rawValue, "selected": submission?.values["category"] == category.rawValue]
            },
            "member": context.actor.member.rawValue,
            "isState": Countries.contains(context.actor.member.rawValue),
            "ownSchemes": snapshot.schemes.filter { $0.member == context.actor.member }.sorted {
                ($0.kind.rawValue, $0.version) < ($1.kind.rawValue, $1.version)
            }.map { scheme in
                ["title": scheme.title, "key": "\(scheme.member)/\(scheme.kind.rawValue)/\(scheme.version)"]
            },
            "changes": snapshot.contributions.entries.reversed().map { entry in
                ["kind": entry.kind.rawValue, "name": entry.name, "member": entry.member.rawValue, "at": entry.changedAt.minuteText]
            },
        ]
        if let flash { object["flash"] = flash }
        return try renderer.page(
            "reference-edit",
            title: "Edit the reference",
            section: .reference,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    /// The input a problem belongs to: a list's ("aliases[2]") is its box, a scheme's the JSON it is in.
    static func input(of error: FieldError, form: String?) -> String {
        form == "scheme" ? "scheme" : String(error.field.prefix { $0 != "[" })
    }

    /// Messages by input (``input(of:form:)``), several joined.
    static func messages(_ errors: [FieldError], form: String?) -> [String: String] {
        var messages: [String: String] = [:]
        for error in errors {
            let input = input(of: error, form: form)
            let message = form == "scheme" && error.field != "scheme" ? "\(error.field): \(error.message)" : error.message
            messages[input] = messages[input].map { "\($0); \(message)" } ?? message
        }
        return messages
    }

    private static func submission(_ form: String, _ posted: WebForm, _ errors: [FieldError]) -> Submission {
        let names = [
            "name", "country", "aliases", "former_names", "trademarks", "codes", "model_maker", "model_name", "model_aliases", "category",
            "model_calibres", "model_serial_formats", "calibre_name", "calibre_aliases", "scheme",
        ]
        var values: [String: String] = [:]
        for name in names { values[name] = posted.values[name]?.first ?? "" }
        return Submission(form: form, values: values, errors: errors)
    }

    /// Names typed one to a line or separated by semicolons (commas belong to names: "Sturm, Ruger & Co.").
    static func names(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0.isNewline || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func list(_ names: [String]) -> String { names.joined(separator: "\n") }

    /// A published scheme as the draft of its next version, in the exchange format.
    static func draftJSON(_ scheme: MarkingScheme) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var draft = scheme
        draft.version = scheme.version + 1
        return (try? encoder.encode(draft)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
