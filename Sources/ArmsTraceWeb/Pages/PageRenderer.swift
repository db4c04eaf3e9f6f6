import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the pages behind sign-in inside the common layout (`layout.mustache`): the site's landmarks, the
/// navigation the user's role may use, who is signed in, and the sign-out form with the session's CSRF token.
struct PageRenderer: Sendable {
    let templates: MustacheLibrary

    /// The sections of the navigation, each shown only to roles with its permission.
    enum Section: String, CaseIterable {
        case dashboard, records, upload, search, traces, notifications, statistics, stock, reference, directory, assistance, training, legal, report
        case settings, audit, account

        var label: String {
            switch self {
            case .upload: "Upload CSV"
            case .legal: "Legal assistance"
            case .report: "National report"
            default: rawValue.prefix(1).uppercased() + rawValue.dropFirst()
            }
        }

        var permission: Permission? {
            switch self {
            case .dashboard, .records, .notifications: .readRecords
            case .upload: .editRecords
            case .search: .search
            case .traces: .readTraces
            case .statistics: .readStatistics
            case .stock: .readStock
            case .reference, .directory: nil
            case .assistance, .training, .report: .readCooperation
            case .legal: .legalAssistance
            case .settings: .manageMember
            case .audit: .readAudit
            case .account: nil
            }
        }
    }

    /// A page in the layout.
    /// - Parameters:
    ///   - template: the page's template, which fills the layout's `main` block.
    ///   - object: the page's values; the layout's are added to them.
    func page(
        _ template: String,
        title: String,
        section: Section?,
        session: WebSession,
        _ object: [String: Any] = [:],
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var values = object
        let user = session.user
        values["title"] = "\(title) · ArmsTrace"
        values["heading"] = title
        values["user"] = ["name": user.name, "member": user.member.rawValue, "role": user.role.rawValue]
        values["csrf"] = session.csrfToken
        values["nav"] = Section.allCases.filter { $0.permission.map(user.role.may) ?? true }.map { item -> [String: Any] in
            ["href": "/\(item.rawValue)", "label": item.label, "current": item == section]
        }
        values["hasNav"] = true
        return try HTML(templates, template, values, status: status).response()
    }

    /// Field errors by the name of the input they belong to (``RecordForm/inputName(_:)``), for messages next to
    /// the inputs; several on one input are joined.
    static func fieldMessages(_ errors: [FieldError]) -> [String: String] {
        var messages: [String: String] = [:]
        for error in errors {
            let name = RecordForm.inputName(error.field)
            messages[name] = messages[name].map { "\($0); \(error.message)" } ?? error.message
        }
        return messages
    }

    /// The page of an error, written for the person who met it.
    func error(_ error: APIError, session: WebSession?) throws -> Response {
        let title =
            switch error.status.code {
            case 404: "Not found"
            case 403: "Not allowed"
            case 409: "Conflict"
            case 429: "Limit reached"
            case 400, 422: "Cannot be read"
            case 503: "Not available just now"
            default: "Something went wrong"
            }
        let object: [String: Any] = [
            "message": error.message, "fields": error.fields.map { ["field": $0.field, "message": $0.message] },
            "hasFields": !error.fields.isEmpty,
        ]
        guard let session else {
            var values = object
            values["title"] = "\(title) · ArmsTrace"
            values["heading"] = title
            return try HTML(templates, "error", values, status: error.status).response()
        }
        return try page("error", title: title, section: nil, session: session, object, status: error.status)
    }
}
