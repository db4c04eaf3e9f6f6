public import ArmsTraceDomain
import Foundation
import NIOCore
import PostgresNIO

/// The server-side peer a developer would reach for on PostgreSQL: `pg_trgm` with a GIN index over folded serials,
/// each candidate then checked with the same ``SerialMatcher``, as ``FTS5SerialBaseline`` does on SQLite. For the
/// search benchmark only; it works in a schema of its own, dropped by ``drop()``.
///
/// A fuzzy search asks for serials whose trigram similarity to the query reaches 0.1 (the `%` operator; the
/// default 0.3 loses most serials two edits away); a pattern is a `LIKE` the GIN index answers. What the similarity
/// floor misses shows as recall.
public final class PgTrgmSerialBaseline: Sendable {
    private let database: PostgresDatabase
    private let schema: String
    /// The schema pg_trgm is installed in, which qualifies its operator class and operator.
    private let extensionSchema: String

    /// A new, empty baseline in a new schema of the database `url` names.
    public init(url: String) async throws {
        let admin = try PostgresDatabase(url: url)
        let schema = "trgm_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        self.schema = schema
        extensionSchema = try await admin.read { connection in
            try await connection.rows("CREATE EXTENSION IF NOT EXISTS pg_trgm", admin.logger)
            try await connection.rows(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"), admin.logger)
            return try await connection.rows(
                "SELECT extnamespace::regnamespace::text AS name FROM pg_extension WHERE extname = 'pg_trgm'",
                admin.logger
            )[0].text("name")
        }
        await admin.close()
        let database = try PostgresDatabase(url: url + (url.contains("?") ? "&" : "?") + "schema=\(schema)")
        self.database = database
        try await database.read { connection in
            try await connection.rows(
                "CREATE UNLOGGED TABLE serial (folded text NOT NULL, normalized text NOT NULL, record_id text NOT NULL, owner text NOT NULL, shared boolean NOT NULL)",
                database.logger
            )
        }
    }

    /// Loads the records through `COPY`, then builds the GIN index.
    public func insert(_ entries: some Sequence<SearchEntry>) async throws {
        var iterator = entries.makeIterator()
        try await database.read { connection in
            var done = false
            while !done {
                var bytes: [UInt8] = []
                for _ in 0..<100_000 {
                    guard let entry = iterator.next() else {
                        done = true
                        break
                    }
                    guard let serial = entry.serial else { continue }
                    let normalized = SerialNormalizer.normalize(serial)
                    let line = [
                        FTS5SerialBaseline.folded(normalized), String(decoding: normalized, as: UTF8.self), entry.id.description,
                        entry.owner.rawValue, entry.sharing == .all ? "t" : "f",
                    ].joined(separator: "\t")
                    bytes += Array(line.utf8) + [UInt8(ascii: "\n")]
                }
                let chunk = bytes
                try await connection.copyFrom(table: "serial", logger: database.logger) { writer in
                    try await writer.write(ByteBuffer(bytes: chunk))
                }
            }
            try await connection.rows(
                PostgresQuery(unsafeSQL: "CREATE INDEX serial_trgm ON serial USING gin (folded \(extensionSchema).gin_trgm_ops)"),
                database.logger
            )
            try await connection.rows("ANALYZE serial", database.logger)
        }
    }

    /// The size of the table and its index, in bytes.
    public func size() async throws -> Int {
        try await database.read { connection in
            try await connection.rows("SELECT pg_total_relation_size('serial') AS bytes", database.logger)[0].int("bytes")
        }
    }

    /// The IDs of the records `viewer` may see that match `query`.
    public func search(_ query: SerialQuery, viewer: MemberCode) async throws -> [WeaponRecord.ID] {
        let folded = FTS5SerialBaseline.folded(query.serial)
        let rows = try await database.read { connection in
            if query.isPattern {
                let pattern = folded.replacingOccurrences(of: "?", with: "_").replacingOccurrences(of: "*", with: "%")
                return try await connection.rows(
                    "SELECT normalized, record_id, owner, shared FROM serial WHERE folded LIKE \(pattern)",
                    database.logger
                )
            }
            try await connection.rows("SELECT set_config('pg_trgm.similarity_threshold', '0.1', false)", database.logger)
            var sql = QueryBuilder("SELECT normalized, record_id, owner, shared FROM serial WHERE folded OPERATOR(\(extensionSchema).%) ")
            sql.append(sql.bind(folded))
            return try await connection.rows(sql.query, database.logger)
        }
        var result: [WeaponRecord.ID] = []
        for row in rows {
            guard try row.bool("shared") || row.text("owner") == viewer.rawValue else { continue }
            if SerialMatcher.match(query, stored: Array(try row.text("normalized").utf8)) != nil, let id = WeaponRecord.ID(try row.text("record_id"))
            {
                result.append(id)
            }
        }
        return result
    }

    /// Drops the baseline's schema.
    public func drop() async throws {
        try await database.read { connection in
            try await connection.rows(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"), database.logger)
        }
        await database.close()
    }
}
