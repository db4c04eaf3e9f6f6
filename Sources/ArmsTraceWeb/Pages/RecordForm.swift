import ArmsTraceDomain
import Foundation

/// The record entry form: its fields as the template draws them (label, input kind, options, value and the error
/// next to it), read back into a ``WeaponRecordInput``. Field names follow the validator's, so each error lands on
/// its field: `markings[1].text` is the input `markings_1_text`.
struct RecordForm {
    /// How many marking rows the form offers.
    static let markingRows = 3

    struct Field {
        var name: String
        var label: String
        var kind: Kind = .text
        var hint: String? = nil
        var required = false
        var options: [String] = []
        var width: String? = nil

        enum Kind { case text, number, date, select, textarea }
    }

    struct Group {
        var legend: String
        var fields: [Field]
    }

    static var groups: [Group] {
        var markings: [Field] = []
        for row in 0..<markingRows {
            markings += [
                Field(
                    name: "markings_\(row)_kind",
                    label: "Marking \(row + 1): kind",
                    kind: .select,
                    options: [""] + MarkingKind.allCases.map(\.rawValue)
                ),
                Field(name: "markings_\(row)_text", label: "Marking \(row + 1): text as read", hint: "exactly as read, e.g. 'KEN 2019'"),
                Field(name: "markings_\(row)_location", label: "Marking \(row + 1): location", hint: "e.g. receiver, slide"),
            ]
        }
        return [
            Group(
                legend: "Weapon",
                fields: [
                    Field(name: "external_ref", label: "Your reference", hint: "your member's own case or exhibit number", required: true),
                    Field(
                        name: "category",
                        label: "Category",
                        kind: .select,
                        required: true,
                        options: [""] + WeaponCategory.allCases.map(\.rawValue)
                    ),
                    Field(name: "make", label: "Make", required: true),
                    Field(name: "model", label: "Model"),
                    Field(name: "calibre", label: "Calibre", hint: "e.g. 7.62x39mm"),
                    Field(name: "serial_number", label: "Serial number", hint: "as read; leave empty if obliterated"),
                    Field(
                        name: "serial_obliterated",
                        label: "Serial obliterated",
                        kind: .select,
                        options: SerialObliteration.allCases.map(\.rawValue)
                    ),
                    Field(name: "country_of_manufacture", label: "Country of manufacture", hint: "ISO 3166-1 alpha-3, e.g. CHN", width: "short"),
                    Field(name: "year_of_manufacture", label: "Year of manufacture", kind: .number, width: "short"),
                    Field(name: "import_country", label: "Country of last import", hint: "alpha-3", width: "short"),
                    Field(name: "import_year", label: "Year of import", kind: .number, width: "short"),
                    Field(name: "status", label: "Status", kind: .select, required: true, options: [""] + RecordStatus.allCases.map(\.rawValue)),
                ]
            ),
            Group(legend: "Markings", fields: markings),
            Group(
                legend: "Event",
                fields: [
                    Field(name: "event_date", label: "Date", kind: .date),
                    Field(name: "event_country", label: "Country", hint: "alpha-3", width: "short"),
                    Field(name: "event_place", label: "Place"),
                    Field(name: "event_circumstances", label: "Circumstances", kind: .textarea),
                    Field(name: "event_legal_justification", label: "Legal justification"),
                    Field(name: "event_criminal_context", label: "Criminal context"),
                    Field(name: "event_case_reference", label: "Case reference"),
                ]
            ),
            Group(
                legend: "Sharing and notes",
                fields: [
                    Field(
                        name: "sharing",
                        label: "Who may see this record",
                        kind: .select,
                        hint: "all members, only your member, or the members listed below",
                        options: ["all", "owner", "members"]
                    ),
                    Field(name: "sharing_members", label: "Members to share with", hint: "codes separated by commas, e.g. UGA, TZA"),
                    Field(name: "notes", label: "Notes", kind: .textarea),
                ]
            ),
        ]
    }

    /// The form's values as the form shows them, from a stored record.
    static func values(_ details: WeaponRecord.Details) -> [String: String] {
        var values: [String: String] = [
            "external_ref": details.externalRef, "category": details.category.rawValue, "make": details.make,
            "model": details.model ?? "", "calibre": details.calibre ?? "", "serial_number": details.serialNumber ?? "",
            "serial_obliterated": details.serialObliterated.rawValue, "country_of_manufacture": details.countryOfManufacture ?? "",
            "year_of_manufacture": details.yearOfManufacture.map(String.init) ?? "", "import_country": details.importCountry ?? "",
            "import_year": details.importYear.map(String.init) ?? "", "status": details.status.rawValue,
            "event_date": details.event.date?.description ?? "", "event_country": details.event.country ?? "",
            "event_place": details.event.place ?? "", "event_circumstances": details.event.circumstances ?? "",
            "event_legal_justification": details.event.legalJustification ?? "", "event_criminal_context": details.event.criminalContext ?? "",
            "event_case_reference": details.event.caseReference ?? "", "sharing": details.sharing.mode,
            "sharing_members": details.sharing.memberCodes.map(\.rawValue).joined(separator: ", "), "notes": details.notes ?? "",
        ]
        for (row, marking) in details.markings.prefix(markingRows).enumerated() {
            values["markings_\(row)_kind"] = marking.kind.rawValue
            values["markings_\(row)_text"] = marking.text
            values["markings_\(row)_location"] = marking.location ?? ""
        }
        return values
    }

    /// The values a posted form holds.
    static func values(_ form: WebForm) -> [String: String] {
        var values: [String: String] = [:]
        for group in groups { for field in group.fields { values[field.name] = form[field.name] ?? "" } }
        return values
    }

    /// Reads the posted values into the input the record service takes; numbers that are not numbers are
    /// problems of their own, reported with the validator's.
    static func input(_ values: [String: String]) -> (WeaponRecordInput, [FieldError]) {
        func value(_ name: String) -> String? { values[name].flatMap { $0.isEmpty ? nil : $0 } }
        var problems: [FieldError] = []
        func year(_ name: String) -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text) else {
                problems.append(FieldError(field: name, message: "must be a year in digits, e.g. 2019"))
                return nil
            }
            return number
        }
        let markings = (0..<markingRows).compactMap { row -> WeaponRecordInput.MarkingInput? in
            let kind = value("markings_\(row)_kind")
            let text = value("markings_\(row)_text")
            let location = value("markings_\(row)_location")
            if kind == nil && text == nil && location == nil { return nil }
            return WeaponRecordInput.MarkingInput(kind: kind, text: text, location: location)
        }
        let sharing: WeaponRecordInput.SharingInput? =
            switch value("sharing") {
            case "members":
                .members((value("sharing_members") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() })
            case let word?: .word(word)
            case nil: nil
            }
        let input = WeaponRecordInput(
            externalRef: value("external_ref"),
            category: value("category"),
            make: value("make"),
            model: value("model"),
            calibre: value("calibre"),
            serialNumber: value("serial_number"),
            serialObliterated: value("serial_obliterated"),
            markings: markings,
            countryOfManufacture: value("country_of_manufacture")?.uppercased(),
            yearOfManufacture: year("year_of_manufacture"),
            importCountry: value("import_country")?.uppercased(),
            importYear: year("import_year"),
            status: value("status"),
            event: WeaponRecordInput.EventInput(
                date: value("event_date"),
                country: value("event_country")?.uppercased(),
                place: value("event_place"),
                circumstances: value("event_circumstances"),
                legalJustification: value("event_legal_justification"),
                criminalContext: value("event_criminal_context"),
                caseReference: value("event_case_reference")
            ),
            sharing: sharing,
            notes: value("notes")
        )
        return (input, problems)
    }

    /// The input name a validator field names: `markings[1].text` → `markings_1_text`, `event.date` → `event_date`.
    static func inputName(_ field: String) -> String {
        field.replacingOccurrences(of: "[", with: "_").replacingOccurrences(of: "]", with: "").replacingOccurrences(of: ".", with: "_")
    }

    /// A message as a form shows it: a list field's "one of: …" is left out, since its options are in front of the
    /// reader.
    static func shortened(_ message: String, for input: String) -> String {
        let isList = groups.contains { $0.fields.contains { $0.name == input && $0.kind == .select } }
        guard isList, let range = message.range(of: "; one of: ") else { return message }
        return String(message[..<range.lowerBound])
    }

    /// The groups with values and errors, for the template.
    static func render(values: [String: String], errors: [FieldError]) -> [[String: Any]] {
        let messages = PageRenderer.fieldMessages(
            errors.map { FieldError(field: $0.field, message: shortened($0.message, for: inputName($0.field))) }
        )
        return groups.map { group in
            [
                "legend": group.legend,
                "fields": group.fields.map { field -> [String: Any] in
                    let value = values[field.name] ?? ""
                    var object: [String: Any] = [
                        "name": field.name, "label": field.label, "value": value, "required": field.required,
                        "isSelect": field.kind == .select, "isTextarea": field.kind == .textarea,
                        "isInput": field.kind != .select && field.kind != .textarea,
                        "type": field.kind == .date ? "date" : field.kind == .number ? "number" : "text",
                        "options": field.options.map {
                            ["value": $0, "label": $0.isEmpty ? "—" : $0.replacingOccurrences(of: "_", with: " "), "selected": $0 == value]
                        },
                    ]
                    if let hint = field.hint { object["hint"] = hint }
                    if let width = field.width { object["width"] = width }
                    if let message = messages[field.name] { object["error"] = message }
                    return object
                },
            ]
        }
    }
}
