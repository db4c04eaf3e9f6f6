import ArmsTraceDomain
import Foundation
import Hummingbird

/// The hit/no-hit search page: the serial as read and what else the officer knows; the ranked candidates with
/// the differing characters marked and explained, and, on the member's own records, the way to a trace request.
///
/// A search is a POST: it notifies the owners of other members' records and goes into the search log, so a
/// reload must not repeat it silently.
struct SearchPage {
    let service: SearchService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("search", use: form)
        pages.post("search", use: search)
    }

    @Sendable func form(_ request: Request, context: WebContext) async throws -> Response {
        try context.actor.require(.search)
        return try page(values: [:], errors: [], result: nil, context: context)
    }

    @Sendable func search(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let fields = ["serial", "make", "model", "calibre", "category", "country_of_manufacture"]
        let values = Dictionary(uniqueKeysWithValues: fields.map { ($0, form[$0] ?? "") })
        var errors: [FieldError] = []
        let category = form["category"].flatMap { text -> WeaponCategory? in
            guard let category = WeaponCategory(rawValue: text) else {
                errors.append(FieldError(field: "category", message: "'\(text)' is not a category"))
                return nil
            }
            return category
        }
        guard errors.isEmpty else { return try page(values: values, errors: errors, result: nil, context: context) }
        let searchRequest = SearchRequest(
            serial: form["serial"] ?? "",
            make: form["make"],
            model: form["model"],
            calibre: form["calibre"],
            category: category,
            countryOfManufacture: form["country_of_manufacture"]?.uppercased()
        )
        do {
            let result = try await service.search(searchRequest, by: context.actor)
            return try page(values: values, errors: [], result: result, context: context)
        } catch DomainError.invalid(let problems) {
            return try page(values: values, errors: problems, result: nil, context: context)
        }
    }

    private func page(values: [String: String], errors: [FieldError], result: SearchResult?, context: WebContext) throws -> Response {
        let member = context.session.user.member
        let mayTrace = context.session.user.role.may(.actOnTraces)
        var object: [String: Any] = [
            "values": values,
            "errors": PageRenderer.fieldMessages(errors),
            "categories": RecordPages.options(WeaponCategory.allCases.map(\.rawValue), selected: values["category"] ?? ""),
        ]
        if let result {
            object["result"] = [
                "hit": result.hit, "total": result.total, "shown": result.candidates.count, "noticesSent": result.noticesSent,
                "notified": result.noticesSent > 0,
                "candidates": result.candidates.enumerated().map { rank, candidate in
                    Self.candidate(candidate, rank: rank + 1, viewer: member, mayTrace: mayTrace)
                },
                "restricted": result.restricted.map { ["owner": $0.owner.rawValue, "reference": $0.reference.description] },
                "hasRestricted": !result.restricted.isEmpty,
                "searchId": result.searchID.description,
            ]
        }
        return try renderer.page(
            "search",
            title: "Search",
            section: .search,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    static func candidate(_ candidate: SearchCandidate, rank: Int, viewer: MemberCode, mayTrace: Bool) -> [String: Any] {
        let record = candidate.record
        let details = record.details
        let own = record.owner == viewer
        let source: String =
            switch candidate.source {
            case .serial: "serial"
            case .pattern: "serial pattern"
            case .marking: "marking \(candidate.marking.map { "“\($0.text)” (\($0.kind.rawValue))" } ?? "")"
            }
        var object: [String: Any] = [
            "rank": rank, "id": record.id.description, "ref": details.externalRef, "owner": record.owner.rawValue, "own": own,
            "category": details.category.words, "make": details.make, "model": details.model ?? "", "calibre": details.calibre ?? "",
            "status": details.status.rawValue,
            "event": [details.event.date?.description, details.event.country].compactMap { $0 }.joined(separator: " "),
            "source": source,
            "distance": candidate.distance == 0 ? "exact" : String(format: "%g edit%@", candidate.distance, candidate.distance == 1 ? "" : "s"),
            "serialHTML": candidate.source == .marking
                ? HTML.escape(details.serialNumber ?? "—") : highlighted(details.serialNumber, candidate.differences),
            "differences": candidate.differences.map(describe),
            "hasDifferences": !candidate.differences.isEmpty,
            "mayTrace": own && mayTrace,
            "check": RecordPages.markingCheck(details.markingCheck),
        ]
        let identification = details.identification
        let canonical = [identification.make.canonical, identification.model?.canonical, identification.calibre?.canonical].compactMap { $0 }
        if !canonical.isEmpty { object["reference"] = canonical.joined(separator: " · ") }
        if !candidate.agreements.isEmpty { object["agreements"] = candidate.agreements.joined(separator: ", ") }
        if !candidate.disagreements.isEmpty { object["disagreements"] = candidate.disagreements.joined(separator: ", ") }
        return object
    }

    /// The stored serial, normalised, with each character that differs from the search in a `<mark>` that says
    /// how (a missing character in the search is marked where it stands; an extra one is shown between
    /// characters, struck through).
    static func highlighted(_ serial: String?, _ differences: [SerialDifference]) -> String {
        guard let serial else { return "—" }
        let characters = Array(SerialNormalizer.normalizedText(serial))
        var marked: [Int: SerialDifference] = [:]
        var extras: [Int: [SerialDifference]] = [:]
        for difference in differences {
            switch difference.kind {
            case .extra: extras[difference.position, default: []].append(difference)
            case .transposition:
                marked[difference.position] = difference
                marked[difference.position + 1] = difference
            default: marked[difference.position] = difference
            }
        }
        var html = ""
        for index in 0...characters.count {
            for extra in extras[index] ?? [] {
                html += "<del title=\"\(HTML.escape(describe(extra)))\">\(HTML.escape(extra.searched ?? ""))</del>"
            }
            guard index < characters.count else { break }
            let character = HTML.escape(String(characters[index]))
            if let difference = marked[index] {
                html += "<mark class=\"\(difference.kind.rawValue)\" title=\"\(HTML.escape(describe(difference)))\">\(character)</mark>"
            } else {
                html += character
            }
        }
        return html
    }

    /// One difference in words, numbered from 1 as people count: "position 3: read O, stored 0 (confusable)".
    static func describe(_ difference: SerialDifference) -> String {
        let position = "position \(difference.position + 1)"
        let searched = difference.searched ?? ""
        let stored = difference.stored ?? ""
        return switch difference.kind {
        case .confusable: "\(position): read \(searched), stored \(stored) (look-alike characters)"
        case .substitution: "\(position): read \(searched), stored \(stored)"
        case .missing: "\(position): \(stored) not in what was read"
        case .extra: "\(position): \(searched) read but not stored"
        case .transposition: "\(position): \(searched) read as \(stored) (swapped)"
        }
    }
}
