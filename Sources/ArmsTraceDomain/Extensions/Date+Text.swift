public import Foundation

extension Date {
    /// The time to the minute in UTC, for people: "2026-11-29 14:05 UTC".
    public var minuteText: String {
        let parts = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute], from: self)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }
}

extension Date {
    /// The month in UTC, as tallies name it: "2026-11".
    public var monthText: String {
        let parts = Calendar.utc.dateComponents([.year, .month], from: self)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }
}

extension Date {
    /// The instant cut to whole milliseconds, as both stores keep instants: what a use case stamps its changes with,
    /// so that what it returns equals what is read back.
    public var wholeMilliseconds: Date { Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000) }
}
