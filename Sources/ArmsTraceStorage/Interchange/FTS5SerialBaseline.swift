public import ArmsTraceDomain
import Foundation
import GRDB

/// The embedded peer a developer would reach for: SQLite FTS5 with the trigram tokenizer over folded serials,
/// each candidate then checked with the same ``SerialMatcher``. For the search benchmark only.
///
/// A fuzzy search asks for any serial sharing a trigram with the query; a pattern uses FTS5's indexed `GLOB`.
/// Serials too short to share a trigram after two edits are missed: the benchmark reports that as recall.
public final class FTS5SerialBaseline: @unchecked Sendable {
    private let queue: DatabaseQueue

    /// A new, empty baseline in a database file at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = OFF") }
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE VIRTUAL TABLE serial USING fts5(
                        folded, normalized UNINDEXED, record_id UNINDEXED, owner UNINDEXED, shared UNINDEXED,
                        tokenize = 'trigram', detail = 'none');
                    """
            )
        }
    }

    /// Adds records in transactions of 100,000.
    public func insert(_ entries: some Sequence<SearchEntry>) throws {
        var iterator = entries.makeIterator()
        var done = false
        while !done {
            try queue.write { db in
                let statement = try db.makeStatement(
                    sql: "INSERT INTO serial (folded, normalized, record_id, owner, shared) VALUES (?, ?, ?, ?, ?)"
                )
                for _ in 0..<100_000 {
                    guard let entry = iterator.next() else {
                        done = true
                        return
                    }
                    guard let serial = entry.serial else { continue }
                    let normalized = SerialNormalizer.normalize(serial)
                    try statement.execute(arguments: [
                        Self.folded(normalized), String(decoding: normalized, as: UTF8.self), entry.id.description,
                        entry.owner.rawValue, entry.sharing == .all,
                    ])
                }
            }
        }
        try queue.write { db in try db.execute(sql: "INSERT INTO serial(serial) VALUES ('optimize')") }
    }

    /// The IDs of the records `viewer` may see that match `query`.
    public func search(_ query: SerialQuery, viewer: MemberCode) throws -> [WeaponRecord.ID] {
        let sql: String
        let argument: String
        if query.isPattern {
            sql = "SELECT normalized, record_id, owner, shared FROM serial WHERE folded GLOB ?"
            argument = Self.folded(query.serial)
        } else {
            let folded = Array(Self.folded(query.serial).utf8)
            let trigrams = Set((0..<(folded.count - 2)).map { String(decoding: folded[$0..<($0 + 3)], as: UTF8.self) })
            sql = "SELECT normalized, record_id, owner, shared FROM serial WHERE serial MATCH ?"
            argument = trigrams.sorted().map { "\"\($0)\"" }.joined(separator: " OR ")
        }
        return try queue.read { db in
            var result: [WeaponRecord.ID] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: [argument])
            while let row = try rows.next() {
                let shared: Bool = row[3]
                guard shared || row[2] == viewer.rawValue else { continue }
                let normalized: String = row[0]
                if SerialMatcher.match(query, stored: Array(normalized.utf8)) != nil, let id = WeaponRecord.ID(row[1] as String) {
                    result.append(id)
                }
            }
            return result
        }
    }

    /// Each character replaced by the first member of its confusable class; wildcards kept.
    package static func folded(_ bytes: [UInt8]) -> String {
        String(
            decoding: bytes.map { byte in
                byte == SerialNormalizer.questionMark || byte == SerialNormalizer.star ? byte : representative[Int(SerialNormalizer.classCode(byte))]
            },
            as: UTF8.self
        )
    }

    private static let representative: [UInt8] = {
        var table = [UInt8](repeating: 0, count: Int(SerialNormalizer.maximumClassCode) + 1)
        for byte in Array("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210".utf8) { table[Int(SerialNormalizer.classCode(byte))] = byte }
        return table
    }()
}
