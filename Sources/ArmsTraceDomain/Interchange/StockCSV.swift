public import Foundation

/// An existing inventory as CSV, for ``StockpileService/importInventory(csv:dryRun:by:)``: a header row naming the
/// columns, then one weapon a row. Columns: `serial_number`, `category`, `make` and `site` (the site's name) are
/// required; `model`, `calibre`, `condition`, `status` (`in_store` or `in_service`), `state_mark` (the text of its
/// state-ownership mark), `other_marks` (further marks, separated by `;`) and `container` (the seal of the sealed
/// container it is packed in) are optional. Problems are named by line
/// and column, as the registry's import names them (``RecordCSV/Problem``).
public enum StockCSV {
    public static let required = ["serial_number", "category", "make", "site"]
    public static let optional = ["model", "calibre", "condition", "status", "state_mark", "other_marks", "container"]

    /// Reads the file's rows into weapon inputs with their lines, or every problem found.
    /// - Parameter sites: the member's sites by name.
    /// - Throws: ``RecordCSV/ProblemList`` with every problem, line and column; nothing is returned unless the whole
    ///   file is good.
    public static func read(_ bytes: [UInt8], sites: [String: StockSite.ID], owner: MemberCode, at now: Date) throws -> [StockWeapon] {
        var parser = CSVParser()
        var header: [String]?
        var problems: [RecordCSV.Problem] = []
        var weapons: [StockWeapon] = []
        var seen: [String: Int] = [:]
        func row(_ row: CSVParser.Row) {
            guard let columns = header else {
                let names = row.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                for name in required where !names.contains(name) {
                    problems.append(RecordCSV.Problem(line: row.line, column: name, reason: "the header lacks this required column"))
                }
                for name in names where !(required + optional).contains(name) {
                    problems.append(
                        RecordCSV.Problem(
                            line: row.line,
                            column: name,
                            reason: "unknown column; known: " + (required + optional).joined(separator: ", ")
                        )
                    )
                }
                header = names
                return
            }
            if row.fields.count == 1 && row.fields[0].isEmpty { return }
            guard row.fields.count == columns.count else {
                problems.append(
                    RecordCSV.Problem(line: row.line, column: nil, reason: "has \(row.fields.count) fields; the header has \(columns.count)")
                )
                return
            }
            var value: [String: String] = [:]
            for (name, field) in zip(columns, row.fields) { value[name] = field.trimmingCharacters(in: .whitespaces) }
            func nonEmpty(_ name: String) -> String? { value[name].flatMap { $0.isEmpty ? nil : $0 } }
            var markings: [Marking] = []
            if let mark = nonEmpty("state_mark") { markings.append(Marking(kind: .state, text: mark)) }
            for mark in (nonEmpty("other_marks") ?? "").split(separator: ";") where !mark.trimmingCharacters(in: .whitespaces).isEmpty {
                markings.append(Marking(kind: .other, text: mark.trimmingCharacters(in: .whitespaces)))
            }
            let siteName = nonEmpty("site") ?? ""
            guard let site = sites[siteName] ?? sites.first(where: { $0.key.lowercased() == siteName.lowercased() })?.value else {
                problems.append(
                    RecordCSV.Problem(
                        line: row.line,
                        column: "site",
                        reason: siteName.isEmpty ? "is required" : "no site of the member is named '\(siteName)'"
                    )
                )
                return
            }
            let input = StockWeaponInput(
                serialNumber: value["serial_number"] ?? "",
                category: value["category"] ?? "",
                make: value["make"] ?? "",
                model: nonEmpty("model"),
                calibre: nonEmpty("calibre"),
                markings: markings,
                condition: nonEmpty("condition"),
                status: nonEmpty("status"),
                site: site.description,
                container: nonEmpty("container")
            )
            do {
                let weapon = try input.validated(owner: owner, at: now)
                let key = weapon.make.lowercased() + "\u{0}" + weapon.serialNumber
                if let first = seen[key] {
                    problems.append(RecordCSV.Problem(line: row.line, column: "serial_number", reason: "the same make and serial as line \(first)"))
                } else {
                    seen[key] = row.line
                    weapons.append(weapon)
                }
            } catch DomainError.invalid(let errors) {
                problems += RecordCSV.problems(line: row.line, errors)
            } catch {
                problems.append(RecordCSV.Problem(line: row.line, column: nil, reason: "\(error)"))
            }
        }
        do {
            try parser.parse(bytes, row)
            try parser.finish(row)
        } catch let error as CSVParser.SyntaxError {
            problems.append(RecordCSV.Problem(line: error.line, column: nil, reason: error.reason))
        }
        if header == nil { problems.append(RecordCSV.Problem(line: 1, column: nil, reason: "the file is empty; it needs a header row")) }
        if !problems.isEmpty { throw RecordCSV.ProblemList(problems: problems) }
        return weapons
    }
}
