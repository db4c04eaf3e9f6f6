import ArmsTraceDomain
import ArmsTraceSearch
import ArmsTraceStorage
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// The record pages: the list with filters and paging, a record with its history, the entry and edit forms, and
/// the CSV upload with the importer's report.
struct RecordPages {
    let service: RecordService
    let store: any Store
    let exports: RecordExports
    let index: LoadingSerialIndex
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("records", use: list)
        pages.get("records/new", use: newForm)
        pages.get("records/export", use: export)
        pages.post("records/new", use: create)
        pages.get("records/:id", use: show)
        pages.get("records/:id/edit", use: editForm)
        pages.post("records/:id/edit", use: update)
        pages.get("upload", use: uploadForm)
        pages.post("upload", use: upload)
    }

    // MARK: - List and record

    @Sendable func list(_ request: Request, context: WebContext) async throws -> Response {
        let query = try RecordController.query(request)
        let page = try await service.list(query, by: context.actor)
        let parameters = request.uri.queryParameters
        func filter(_ name: String) -> String { parameters.get(name) ?? "" }
        var next: String?
        if let cursor = page.nextCursor {
            var items = ["status", "category", "make", "country", "event_from", "event_to", "owner"].compactMap { name -> String? in
                let value = filter(name)
                return value.isEmpty ? nil : "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            items.append("cursor=\(cursor.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
            next = "/records?" + items.joined(separator: "&")
        }
        var object: [String: Any] = [
            "records": page.items.map { Self.row($0, viewer: context.session.user.member) },
            "empty": page.items.isEmpty,
            "paged": query.cursor != nil,
            "filters": [
                "statuses": Self.options(RecordStatus.allCases.map(\.rawValue), selected: filter("status")),
                "categories": Self.options(WeaponCategory.allCases.map(\.rawValue), selected: filter("category")),
                "make": filter("make"), "country": filter("country"), "event_from": filter("event_from"),
                "event_to": filter("event_to"), "owner": filter("owner"),
            ],
            "mayEdit": context.session.user.role.may(.editRecords),
        ]
        if let next { object["next"] = next }
        return try renderer.page("records", title: "Records", section: .records, session: context.session, object)
    }

    @Sendable func show(_ request: Request, context: WebContext) async throws -> Response {
        let id = try Self.id(context)
        let record = try await service.get(id, by: context.actor)
        let history = try await service.history(id, by: context.actor)
        let member = context.session.user.member
        let details = record.details
        let fields: [(String, String?)] = [
            ("Owner", record.owner.rawValue), ("Reference", details.externalRef), ("Category", details.category.words),
            ("Make", details.make), ("Model", details.model), ("Calibre", details.calibre),
            ("Serial number", details.serialNumber), ("Serial obliterated", details.serialObliterated.rawValue),
            ("Country of manufacture", details.countryOfManufacture), ("Year of manufacture", details.yearOfManufacture.map(String.init)),
            ("Country of last import", details.importCountry), ("Year of import", details.importYear.map(String.init)),
            ("Status", details.status.rawValue), ("Event date", details.event.date?.description), ("Event country", details.event.country),
            ("Place", details.event.place), ("Circumstances", details.event.circumstances),
            ("Legal justification", details.event.legalJustification), ("Criminal context", details.event.criminalContext),
            ("Case reference", details.event.caseReference),
            (
                "Shared with",
                details.sharing.mode == "members" ? details.sharing.memberCodes.map(\.rawValue).joined(separator: ", ") : details.sharing.mode
            ),
            ("Notes", details.notes), ("Version", "\(record.version)"), ("Entered", record.createdAt.minuteText),
            ("Last changed", record.updatedAt.minuteText),
        ]
        let role = context.session.user.role
        var object: [String: Any] = [
            "id": record.id.description,
            "identification": Self.identification(details.identification),
            "check": Self.markingCheck(details.markingCheck),
            "fields": fields.compactMap { label, value in value.map { ["label": label, "value": $0] } },
            "markings": details.markings.map { ["kind": $0.kind.rawValue, "text": $0.text, "location": $0.location ?? ""] },
            "hasMarkings": !details.markings.isEmpty,
            "history": history.reversed().map { entry -> [String: Any] in
                [
                    "version": entry.version, "action": entry.action.rawValue, "when": entry.recordedAt.minuteText,
                    "who": "\(entry.member.rawValue) via \(entry.channel.rawValue)",
                    "changes": entry.changes.map { ["field": $0.field, "from": $0.from?.text ?? "—", "to": $0.to?.text ?? "—"] },
                    "hasChanges": !entry.changes.isEmpty,
                ]
            },
            "mayEdit": record.owner == member && role.may(.editRecords),
            "mayTrace": record.owner == member && role.may(.actOnTraces),
        ]
        if request.uri.queryParameters.get("saved") != nil { object["flash"] = "Saved." }
        return try renderer.page("record", title: "Record \(details.externalRef)", section: .records, session: context.session, object)
    }

    // MARK: - Entry and edit

    @Sendable func newForm(_ request: Request, context: WebContext) async throws -> Response {
        try context.actor.require(.editRecords)
        return try form(values: ["serial_obliterated": "no", "sharing": "all"], errors: [], record: nil, context: context)
    }

    @Sendable func create(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let values = RecordForm.values(form)
        do {
            let record = try await service.create(try Self.checked(values, owner: context.session.user.member), by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/records/\(record.id)?saved=1"])
        } catch DomainError.invalid(let errors) {
            return try self.form(values: values, errors: errors, record: nil, context: context)
        } catch DomainError.conflict(let message) {
            return try self.form(values: values, errors: [FieldError(field: "external_ref", message: message)], record: nil, context: context)
        }
    }

    @Sendable func editForm(_ request: Request, context: WebContext) async throws -> Response {
        let record = try await service.get(try Self.id(context), by: context.actor)
        try record.authorizeChange(by: context.actor)
        try context.actor.require(.editRecords)
        return try form(values: RecordForm.values(record.details), errors: [], record: record, context: context)
    }

    @Sendable func update(_ request: Request, context: WebContext) async throws -> Response {
        let id = try Self.id(context)
        let form = try await WebForm.read(request, context: context)
        let values = RecordForm.values(form)
        let record = try await service.get(id, by: context.actor)
        do {
            let input = try Self.checked(values, owner: context.session.user.member)
            _ = try await service.update(id, with: input, expectedVersion: form["version"].flatMap(Int.init), by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/records/\(id)?saved=1"])
        } catch DomainError.invalid(let errors) {
            return try self.form(values: values, errors: errors, record: record, context: context)
        } catch DomainError.conflict(let message) {
            return try self.form(values: values, errors: [FieldError(field: "form", message: message)], record: record, context: context)
        }
    }

    /// The input of a posted form, or every problem with it: the form's own (numbers) and the validator's together.
    private static func checked(_ values: [String: String], owner: MemberCode) throws -> WeaponRecordInput {
        let (input, problems) = RecordForm.input(values)
        guard problems.isEmpty else {
            var all = problems
            do { _ = try RecordValidator(owner: owner).validate(input) } catch DomainError.invalid(let more) { all += more }
            throw DomainError.invalid(all)
        }
        return input
    }

    private func form(values: [String: String], errors: [FieldError], record: WeaponRecord?, context: WebContext) throws -> Response {
        try renderer.page(
            "record-form",
            title: record.map { "Edit record \($0.details.externalRef)" } ?? "New record",
            section: .records,
            session: context.session,
            [
                "action": record.map { "/records/\($0.id)/edit" } ?? "/records/new",
                "version": record.map { "\($0.version)" } ?? "",
                "groups": RecordForm.render(values: values, errors: errors),
                "errors": errors.map { error in
                    let anchor = RecordForm.inputName(error.field)
                    return ["anchor": anchor, "field": error.field, "message": RecordForm.shortened(error.message, for: anchor)]
                },
                "hasErrors": !errors.isEmpty,
                "errorCount": errors.count,
            ],
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    // MARK: - Upload and export

    /// The member's own records as a download, CSV or JSON, as the API gives them; a `format` that is neither is
    /// a 400 page that says so, as the API answers it.
    @Sendable func export(_ request: Request, context: WebContext) async throws -> Response {
        try await exports.response(to: request, by: context.actor)
    }

    @Sendable func uploadForm(_ request: Request, context: WebContext) async throws -> Response {
        try context.actor.require(.editRecords)
        return try uploadPage([:], context: context, status: .ok)
    }

    /// The upload page: the form and the format, with an error or a report when there is one.
    private func uploadPage(_ values: [String: Any], context: WebContext, status: HTTPResponse.Status) throws -> Response {
        var object: [String: Any] = [
            "columns": RecordCSV.Column.allCases.map(\.rawValue).joined(separator: ", "),
            "required": RecordCSV.requiredColumns.map(\.rawValue).joined(separator: ", "),
            "limit": "\(WebForm.maxBodySize >> 20) MiB",
        ]
        object.merge(values) { $1 }
        return try renderer.page("upload", title: "Upload records (CSV)", section: .upload, session: context.session, object, status: status)
    }

    /// Imports the uploaded file all or nothing, as `armstrace import` does, and shows the report: what was
    /// created, changed and left alone, or every problem by line and column, with nothing stored.
    @Sendable func upload(_ request: Request, context: WebContext) async throws -> Response {
        try context.actor.require(.editRecords)
        let form = try await WebForm.read(request, context: context)
        guard let file = form.files["file"], file.content.readableBytes > 0 else {
            return try uploadPage(["error": "Choose a CSV file to upload."], context: context, status: .unprocessableContent)
        }
        let report = try await store.importRecords(
            by: context.actor,
            from: .bytes(Array(file.content.readableBytesView)),
            options: ImportOptions(dryRun: form["dry_run"] != nil)
        )
        if report.accepted && !report.dryRun { try await index.catchUp(from: store.repositories.searches) }
        let summary: [String: Any] = [
            "file": file.name, "rows": report.rows, "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "accepted": report.accepted, "dryRun": report.dryRun, "problemCount": report.problemCount,
            "problems": report.problems.map { ["line": $0.line, "column": $0.column ?? "—", "reason": $0.reason] },
            "more": report.problemCount > report.problems.count,
        ]
        return try uploadPage(["report": summary], context: context, status: report.accepted ? .ok : .unprocessableContent)
    }

    // MARK: - Helpers

    static func id(_ context: WebContext) throws -> WeaponRecord.ID {
        let text = context.parameters.get("id") ?? ""
        guard let id = WeaponRecord.ID(text) else { throw DomainError.notFound(entity: "record", id: text) }
        return id
    }

    /// A record as a row of a list.
    static func row(_ record: WeaponRecord, viewer: MemberCode) -> [String: Any] {
        let details = record.details
        return [
            "id": record.id.description, "ref": details.externalRef, "owner": record.owner.rawValue, "own": record.owner == viewer,
            "category": details.category.words, "make": details.make, "model": details.model ?? "", "calibre": details.calibre ?? "",
            "serial": details.serialNumber ?? "(obliterated)", "status": details.status.rawValue,
            "eventDate": details.event.date?.description ?? "", "eventCountry": details.event.country ?? "",
        ]
    }

    /// How the reference reads make, model and calibre, for a page: each field with what was typed, the
    /// canonical name, and whether the reference knows it.
    static func identification(_ identification: Identification) -> [String: Any] {
        let names: [(String, Identification.Name?)] = [
            ("Make", identification.make), ("Model", identification.model), ("Calibre", identification.calibre),
        ]
        var object: [String: Any] = [
            "names": names.compactMap { label, name in
                name.map { name -> [String: Any] in
                    [
                        "label": label, "typed": name.typed, "canonical": name.canonical ?? "", "known": name.known,
                        "same": name.canonical == name.typed,
                    ]
                }
            },
            "allKnown": identification.unknown.isEmpty,
        ]
        if let country = identification.makerCountry { object["makerCountry"] = country }
        return object
    }

    /// The ITI marking check, for a page.
    static func markingCheck(_ check: MarkingCheck) -> [String: Any] {
        [
            "complete": check.complete, "missing": check.missing, "flags": check.flags, "readings": check.readings,
            "hasFlags": !check.flags.isEmpty, "hasReadings": !check.readings.isEmpty,
        ]
    }

    static func options(_ values: [String], selected: String) -> [[String: Any]] {
        values.map { ["value": $0, "label": $0.replacingOccurrences(of: "_", with: " "), "selected": $0 == selected] }
    }
}

extension WeaponCategory {
    /// The category in words: "assault rifle".
    var words: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

extension JSONValue {
    /// A value as a history line shows it.
    var text: String {
        switch self {
        case .string(let string): string
        case .null: "—"
        default: description
        }
    }
}
