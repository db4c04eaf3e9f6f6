import ArmsTraceDomain
import Foundation
import Hummingbird

/// The reference page, for every signed-in role: read a mark against the national marking schemes, look up a
/// make, model and calibre, and browse the schemes and the makers. Reading it changes nothing, so it is a GET.
struct ReferencePage {
    let service: ReferenceService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("reference", use: page)
    }

    @Sendable func page(_ request: Request, context: WebContext) async throws -> Response {
        let query = request.uri.queryParameters
        let mark = query.get("mark").nonEmpty
        let make = query.get("make").nonEmpty
        let model = query.get("model").nonEmpty
        let calibre = query.get("calibre").nonEmpty
        let mayEdit = context.actor.role.may(.editReference)
        var object: [String: Any] = [
            "mayEdit": mayEdit,
            "mark": mark ?? "", "make": make ?? "", "model": model ?? "", "calibre": calibre ?? "",
            "schemes": service.schemes.map { scheme -> [String: Any] in
                [
                    "title": scheme.title, "description": scheme.description, "examples": scheme.examples.joined(separator: " · "),
                    "newVersion": mayEdit && scheme.member == context.actor.member
                        ? "\(scheme.member)/\(scheme.kind.rawValue)/\(scheme.version)" : false,
                    "elements": scheme.elements.map { element -> [String: Any] in
                        let length = element.minLength == element.maxLength ? "\(element.minLength)" : "\(element.minLength)–\(element.maxLength)"
                        return [
                            "kind": element.kind.rawValue, "meaning": element.meaning, "alphabet": element.alphabet.rawValue, "length": length,
                            "values": element.values?.joined(separator: ", ") ?? "", "optional": element.optional,
                        ]
                    },
                ]
            },
            "makers": service.reference.makers.map { maker -> [String: Any] in
                [
                    "name": maker.name, "country": maker.country.isEmpty ? "—" : maker.country,
                    "query": maker.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "",
                    "aliases": (maker.aliases + maker.formerNames + maker.trademarks + maker.codes).joined(separator: ", "),
                    "models": service.reference.models.filter { $0.maker == maker.name }.map(\.name).joined(separator: ", "),
                ]
            },
            "calibres": service.reference.calibres.map { calibre -> [String: Any] in
                [
                    "name": calibre.name, "aliases": calibre.aliases.joined(separator: ", "),
                    "query": calibre.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "",
                ]
            },
            "counts":
                "\(service.reference.makers.count) makers, \(service.reference.models.count) models, \(service.reference.calibres.count) calibres",
        ]
        if let mark {
            do {
                let fits = try service.parse(mark, kind: nil, member: nil)
                object["fits"] = fits.map { fit -> [String: Any] in
                    [
                        "summary": fit.summary, "version": fit.version,
                        "parts": fit.parts.map { ["kind": $0.kind.rawValue, "text": $0.text, "meaning": $0.meaning] },
                    ]
                }
                object["noFit"] = fits.isEmpty
            } catch DomainError.invalid(let problems) {
                object["markError"] = problems.map(\.message).joined(separator: "; ")
            }
        }
        if let make {
            object["identified"] = RecordPages.identification(service.identify(make: make, model: model, calibre: calibre))
        }
        return try renderer.page("reference", title: "Marking schemes and weapon reference", section: .reference, session: context.session, object)
    }
}
