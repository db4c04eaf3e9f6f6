import Foundation

/// Collects the problems of a form or JSON body field by field, so that one answer names them all.
struct InputCheck {
    private(set) var problems: [FieldError] = []

    mutating func fail(_ field: String, _ message: String) {
        problems.append(FieldError(field: field, message: message))
    }

    /// Trimmed text, `nil` when empty; a required field left empty and a text past `limit` are problems.
    mutating func text(_ value: String?, _ field: String, required: Bool = false, limit: Int = 200) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            if required { fail(field, "is required") }
            return nil
        }
        if trimmed.exceedsLength(limit) { fail(field, "must be at most \(limit) characters") }
        if trimmed.containsControlCharacter { fail(field, "holds a control character") }
        return trimmed
    }

    /// One of an enumeration's codes.
    mutating func choice<Value: RawRepresentable & CaseIterable>(_ value: String?, _ field: String, required: Bool = true) -> Value?
    where Value.RawValue == String {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            if required { fail(field, "is required: one of " + Value.allCases.map(\.rawValue).joined(separator: ", ")) }
            return nil
        }
        guard let choice = Value(rawValue: value) else {
            fail(field, "'\(value)' is not one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return choice
    }

    /// A list of an enumeration's codes, each named by its index when wrong, without repeats.
    mutating func choices<Value: RawRepresentable & CaseIterable & Equatable>(
        _ values: [String]?,
        _ field: String,
        required: Bool = false
    )
        -> [Value]
    where Value.RawValue == String {
        var chosen: [Value] = []
        for (index, value) in (values ?? []).enumerated() {
            if let choice: Value = self.choice(value, "\(field)[\(index)]"), !chosen.contains(choice) { chosen.append(choice) }
        }
        if required && chosen.isEmpty && (values ?? []).isEmpty {
            fail(field, "name at least one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return chosen
    }

    /// A date written `YYYY-MM-DD`.
    mutating func date(_ value: String?, _ field: String, required: Bool = false) -> CalendarDate? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            if required { fail(field, "is required (YYYY-MM-DD)") }
            return nil
        }
        guard let date = CalendarDate(value) else {
            fail(field, "'\(value)' is not a date (YYYY-MM-DD)")
            return nil
        }
        return date
    }

    /// A period whose end is not before its start.
    mutating func period(_ start: String?, _ end: String?, _ field: String, required: Bool = false) -> (CalendarDate?, CalendarDate?) {
        let from = date(start, "\(field)_start", required: required)
        let to = date(end, "\(field)_end", required: required)
        if let from, let to, to < from { fail("\(field)_end", "\(to) is before the start, \(from)") }
        return (from, to)
    }

    /// A whole number within `range`.
    mutating func number(_ value: Int?, _ field: String, in range: ClosedRange<Int>) -> Int? {
        guard let value else { return nil }
        if !range.contains(value) { fail(field, "must be from \(range.lowerBound) to \(range.upperBound), got \(value)") }
        return value
    }

    /// Throws every problem found, if any.
    func finish() throws {
        if !problems.isEmpty { throw DomainError.invalid(problems) }
    }
}

extension Array where Element: Equatable {
    /// The elements in order, each once.
    var withoutRepeats: [Element] {
        reduce(into: []) { kept, element in if !kept.contains(element) { kept.append(element) } }
    }
}
