public import Foundation

/// A value of a table's column in the form both engines share: how ``Store/tableRows(_:after:limit:)`` hands rows
/// from one store to another, and what the copy's checksum is computed over.
///
/// Instants are whole milliseconds since 1970 in UTC (SQLite keeps them to the millisecond); booleans are 0 or 1;
/// UUIDs, dates and JSON are their text.
public enum StoreValue: Sendable, Hashable {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
    case blob(Data)
}

/// A table as the copy sees it: its columns with their kind, and the columns that order its rows.
public struct StoreTable: Sendable {
    /// What a column holds, whatever type each engine gives it.
    public enum Kind: Sendable {
        case text, integer, real, blob, boolean, uuid, timestamp, date, json
    }

    public var name: String
    public var columns: [(name: String, kind: Kind)]
    /// The columns whose values identify a row and order the copy; a prefix of `columns`.
    public var key: [String]

    init(_ name: String, key: [String], _ columns: [(String, Kind)]) {
        self.name = name
        self.columns = columns.map { (name: $0.0, kind: $0.1) }
        self.key = key
    }

    /// The kind of a column.
    func kind(of column: String) -> Kind { columns.first { $0.name == column }!.kind }

    /// Every table of the schema in an order that satisfies the foreign keys: what `armstrace copy` moves.
    public static let all: [StoreTable] = [
        StoreTable("member", key: ["code"], [("code", .text), ("kind", .text), ("name", .text), ("created_at", .timestamp)]),
        StoreTable(
            "app_user",
            key: ["id"],
            [
                ("id", .uuid), ("member_code", .text), ("name", .text), ("role", .text), ("created_at", .timestamp), ("login", .text),
                ("password_hash", .text), ("totp_secret", .blob),
            ]
        ),
        StoreTable(
            "api_token",
            key: ["id"],
            [
                ("id", .uuid), ("user_id", .uuid), ("name", .text), ("token_hash", .blob), ("created_at", .timestamp),
                ("expires_at", .timestamp), ("revoked_at", .timestamp),
            ]
        ),
        StoreTable(
            "weapon_record",
            key: ["id"],
            [
                ("id", .uuid), ("owner_code", .text), ("version", .integer), ("external_ref", .text), ("category", .text), ("make", .text),
                ("model", .text), ("calibre", .text), ("serial_number", .text), ("serial_obliterated", .text), ("markings", .json),
                ("country_of_manufacture", .text), ("year_of_manufacture", .integer), ("import_country", .text),
                ("import_year", .integer), ("status", .text), ("event_date", .date), ("event_country", .text), ("event_place", .text),
                ("event_circumstances", .text), ("event_legal_justification", .text), ("event_criminal_context", .text),
                ("event_case_reference", .text), ("sharing_mode", .text), ("notes", .text), ("details_hash", .blob),
                ("created_at", .timestamp), ("updated_at", .timestamp),
            ]
        ),
        StoreTable("weapon_record_share", key: ["record_id", "member_code"], [("record_id", .uuid), ("member_code", .text)]),
        StoreTable(
            "weapon_record_history",
            key: ["record_id", "version"],
            [
                ("record_id", .uuid), ("version", .integer), ("action", .text), ("recorded_at", .timestamp), ("user_id", .uuid),
                ("member_code", .text), ("channel", .text), ("previous_details", .json),
            ]
        ),
        StoreTable(
            "search_log",
            key: ["id"],
            [
                ("id", .uuid), ("searched_at", .timestamp), ("user_id", .uuid), ("member_code", .text), ("channel", .text),
                ("request", .json), ("candidate_count", .integer),
            ]
        ),
        StoreTable("search_usage", key: ["member_code", "day"], [("member_code", .text), ("day", .date), ("searches", .integer)]),
        StoreTable(
            "hit_notice",
            key: ["id"],
            [
                ("id", .uuid), ("recipient_code", .text), ("record_id", .uuid), ("search_id", .uuid), ("source", .text),
                ("distance", .real), ("restricted", .boolean),
            ]
        ),
        StoreTable(
            "hit_release",
            key: ["notice_id"],
            [("notice_id", .uuid), ("record_id", .uuid), ("released_to", .text), ("released_by", .uuid), ("released_at", .timestamp)]
        ),
        StoreTable(
            "trace_deadline_policy",
            key: ["member_code"],
            [
                ("member_code", .text), ("urgent_acknowledge_hours", .integer), ("urgent_answer_hours", .integer),
                ("routine_acknowledge_hours", .integer), ("routine_answer_hours", .integer), ("updated_at", .timestamp),
            ]
        ),
        StoreTable(
            "trace_request",
            key: ["id"],
            [
                ("id", .uuid), ("requester_code", .text), ("requested_code", .text), ("record_id", .uuid), ("status", .text),
                ("priority", .text), ("version", .integer), ("particulars", .json), ("weapon", .json), ("acknowledge_by", .timestamp),
                ("answer_by", .timestamp), ("created_at", .timestamp), ("sent_at", .timestamp), ("acknowledged_at", .timestamp),
                ("information_requested_at", .timestamp), ("answered_at", .timestamp), ("ended_at", .timestamp),
                ("delay_ground", .text), ("delay_expected_by", .timestamp), ("delay_explanation", .text), ("decline_ground", .text),
                ("decline_explanation", .text), ("answer", .json), ("origin_established", .boolean), ("outcome_remarks", .text),
            ]
        ),
        StoreTable(
            "trace_event",
            key: ["id"],
            [
                ("id", .uuid), ("request_id", .uuid), ("at", .timestamp), ("member_code", .text), ("user_id", .uuid), ("channel", .text),
                ("kind", .text), ("status", .text), ("text", .text), ("ground", .text), ("expected_by", .timestamp),
                ("origin_established", .boolean),
            ]
        ),
        StoreTable(
            "trace_attachment",
            key: ["id"],
            [
                ("id", .uuid), ("request_id", .uuid), ("event_id", .uuid), ("name", .text), ("content_type", .text), ("size", .integer),
                ("sha256", .blob), ("content", .blob),
            ]
        ),
        StoreTable(
            "trace_deadline_passed",
            key: ["request_id", "deadline", "due_at"],
            [("request_id", .uuid), ("deadline", .text), ("due_at", .timestamp), ("noticed_at", .timestamp)]
        ),
        StoreTable(
            "trace_notice",
            key: ["id"],
            [
                ("id", .uuid), ("recipient_code", .text), ("request_id", .uuid), ("deadline", .text), ("due_at", .timestamp),
                ("created_at", .timestamp),
            ]
        ),
        StoreTable(
            "audit_log",
            key: ["sequence"],
            [
                ("sequence", .integer), ("at", .text), ("member_code", .text), ("user_id", .text), ("channel", .text), ("action", .text),
                ("subject", .text), ("concerns_code", .text), ("detail", .text), ("previous_hash", .blob), ("hash", .blob),
            ]
        ),
        StoreTable(
            "audit_head",
            key: ["sequence"],
            [("sequence", .integer), ("hash", .blob), ("signed_at", .text), ("public_key", .blob), ("signature", .blob)]
        ),
        StoreTable(
            "member_settings",
            key: ["member_code"],
            [("member_code", .text), ("searches_per_day", .integer), ("maximum_candidates", .integer), ("updated_at", .timestamp)]
        ),
        StoreTable(
            "web_session",
            key: ["token_hash"],
            [
                ("token_hash", .blob), ("user_id", .uuid), ("csrf_token", .text), ("address", .text), ("created_at", .timestamp),
                ("expires_at", .timestamp), ("ended_at", .timestamp),
            ]
        ),
        StoreTable(
            "sign_in_attempt",
            key: ["id"],
            [("id", .integer), ("login", .text), ("address", .text), ("at", .timestamp), ("succeeded", .boolean)]
        ),
        StoreTable(
            "marking_scheme",
            key: ["member_code", "kind", "version"],
            [
                ("member_code", .text), ("kind", .text), ("version", .integer), ("effective_from", .date), ("definition", .json),
                ("published_at", .timestamp), ("published_by", .uuid),
            ]
        ),
        StoreTable(
            "reference_entry",
            key: ["kind", "key"],
            [
                ("kind", .text), ("key", .text), ("definition", .json), ("member_code", .text), ("changed_at", .timestamp),
                ("changed_by", .uuid),
            ]
        ),
        StoreTable(
            "stock_site",
            key: ["id"],
            [
                ("id", .uuid), ("owner_code", .text), ("name", .text), ("kind", .text), ("custodian", .text), ("security_level", .text),
                ("check_interval_days", .integer), ("last_checked_at", .timestamp), ("created_at", .timestamp),
            ]
        ),
        StoreTable(
            "stock_weapon",
            key: ["id"],
            [
                ("id", .uuid), ("owner_code", .text), ("version", .integer), ("serial_number", .text), ("serial_key", .text),
                ("category", .text), ("make", .text), ("model", .text), ("calibre", .text), ("markings", .json), ("condition", .text),
                ("status", .text), ("site_id", .uuid), ("holder", .text), ("transit", .json), ("surplus_reason", .text),
                ("loss_record_id", .uuid), ("created_at", .timestamp), ("updated_at", .timestamp), ("container", .text),
            ]
        ),
        StoreTable(
            "stock_movement",
            key: ["sequence"],
            [
                ("sequence", .integer), ("weapon_id", .uuid), ("kind", .text), ("at", .timestamp), ("member_code", .text), ("user_id", .uuid),
                ("from_site", .uuid), ("to_site", .uuid), ("holder", .text), ("document", .text), ("detail", .text),
            ]
        ),
        StoreTable(
            "stock_check",
            key: ["id"],
            [
                ("id", .uuid), ("owner_code", .text), ("site_id", .uuid), ("started_at", .timestamp), ("expected", .json),
                ("closed_at", .timestamp), ("result", .json),
            ]
        ),
        StoreTable(
            "stock_check_count",
            key: ["check_id", "sequence"],
            [("check_id", .uuid), ("sequence", .integer), ("serial", .text), ("counted_at", .timestamp), ("user_id", .uuid)]
        ),
        StoreTable(
            "point_of_contact",
            key: ["id"],
            [
                ("id", .uuid), ("member_code", .text), ("role", .text), ("agency", .text), ("name", .text), ("title", .text),
                ("languages", .json), ("email", .text), ("phone", .text), ("address", .text), ("updated_at", .timestamp),
                ("confirmed_at", .timestamp),
            ]
        ),
        StoreTable(
            "cooperation_document",
            key: ["id"],
            [
                ("id", .uuid), ("kind", .text), ("owner_code", .text), ("version", .integer), ("body", .json), ("created_at", .timestamp),
                ("updated_at", .timestamp),
            ]
        ),
        StoreTable(
            "idempotency_key",
            key: ["member_code", "key"],
            [
                ("member_code", .text), ("key", .text), ("fingerprint", .text), ("status", .integer), ("body", .blob), ("location", .text),
                ("created_at", .timestamp),
            ]
        ),
        StoreTable(
            "import_job",
            key: ["id"],
            [
                ("id", .uuid), ("member_code", .text), ("file_sha256", .text), ("rows", .integer), ("last_line", .integer),
                ("created", .integer), ("updated", .integer), ("unchanged", .integer), ("user_id", .uuid), ("channel", .text),
                ("started_at", .timestamp), ("finished_at", .timestamp),
            ]
        ),
        StoreTable("cooperation_party", key: ["document_id", "member_code"], [("document_id", .uuid), ("member_code", .text)]),
        StoreTable(
            "stock_check_container",
            key: ["check_id", "seal"],
            [("check_id", .uuid), ("seal", .text), ("counted_at", .timestamp), ("user_id", .uuid)]
        ),
        StoreTable(
            "destruction_event",
            key: ["id"],
            [
                ("id", .uuid), ("owner_code", .text), ("method", .text), ("place", .text), ("planned_for", .date), ("status", .text),
                ("planned_at", .timestamp), ("planned_by", .uuid), ("destroyed_on", .date), ("witnesses", .json), ("recorded_at", .timestamp),
                ("recorded_by", .uuid), ("verified_at", .timestamp), ("verified_by", .uuid), ("verification", .text),
            ]
        ),
        StoreTable("destruction_item", key: ["event_id", "position"], [("event_id", .uuid), ("position", .integer), ("weapon_id", .uuid)]),
        StoreTable(
            "ammunition_lot",
            key: ["id"],
            [
                ("id", .uuid), ("owner_code", .text), ("lot_number", .text), ("type", .text), ("quantity", .integer), ("site_id", .uuid),
                ("expiry", .date), ("created_at", .timestamp), ("updated_at", .timestamp),
            ]
        ),
        StoreTable(
            "ammunition_movement",
            key: ["sequence"],
            [
                ("sequence", .integer), ("lot_id", .uuid), ("delta", .integer), ("quantity_after", .integer), ("reason", .text),
                ("at", .timestamp), ("member_code", .text), ("user_id", .uuid),
            ]
        ),
    ]
}

/// Instants as SQLite stores them (GRDB's `yyyy-MM-dd HH:mm:ss.SSS`, UTC) and as milliseconds since 1970, converted
/// without a formatter: a copy converts millions.
enum SQLiteTimestamp {
    /// The milliseconds of a stored instant; `nil` for text that is not one.
    static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                guard index < bytes.count, (48...57).contains(bytes[index]) else { return nil }
                value = value * 10 + Int64(bytes[index] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var millisecond: Int64 = 0
        if bytes.count > 20, bytes[19] == UInt8(ascii: ".") {
            let digits = bytes[20...].prefix { (48...57).contains($0) }.prefix(3)
            for (index, digit) in digits.enumerated() {
                millisecond += Int64(digit - 48) * [100, 10, 1][index]
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    /// The stored text of an instant given in milliseconds.
    static func text(_ milliseconds: Int64) -> String {
        let (days, inDay) = (milliseconds.floorDivided(by: 86_400_000), milliseconds.floorModulo(86_400_000))
        let (year, month, day) = civil(fromDays: days)
        let hour = inDay / 3_600_000
        let minute = inDay / 60_000 % 60
        let second = inDay / 1000 % 60
        let millisecond = inDay % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millisecond, 3))"
    }

    /// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    fileprivate func floorModulo(_ divisor: Int64) -> Int64 { self - floorDivided(by: divisor) * divisor }
}
