import Foundation
import GRDB

/// The yardstick for import speed: how fast SQLite itself inserts the same rows, with nothing of ArmsTrace's
/// (no validation, no history, no index but the table's own), on a file with the same settings as ArmsTrace's
/// (WAL, `synchronous=FULL`), in one transaction with one prepared statement bound through SQLite's C interface.
public enum RawInsertBaseline {
    /// Inserts `rows` of text fields into a bare table in a new database at `path`.
    /// - Returns: how long the inserts and the commit took.
    public static func run(path: String, rows: [[String]]) throws -> Duration {
        let database = try SQLiteDatabase(path: path)
        let width = rows.first?.count ?? 1
        let columns = (0..<width).map { "c\($0) TEXT" }.joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: width).joined(separator: ", ")
        try database.writer.write { db in try db.execute(sql: "CREATE TABLE raw (\(columns))") }
        let start = ContinuousClock.now
        try database.writer.write { db in
            let statement = try FastStatement(db, sql: "INSERT INTO raw VALUES (\(placeholders))")
            for row in rows {
                try statement.run { bind in
                    for field in row { bind.text(field.isEmpty ? nil : field) }
                }
            }
        }
        return ContinuousClock.now - start
    }
}

extension RawInsertBaseline {
    /// The ceiling SQLite itself sets on ArmsTrace's schema: copies the records, sharing lists and history of the
    /// database at `source` into a new, migrated database at `path` with `INSERT … SELECT`, in one transaction, so
    /// no application code runs per row, only SQLite's own work for the same rows, constraints and indexes; foreign
    /// keys unchecked, as the import writes them.
    /// - Returns: how long the copy and the commit took.
    public static func schemaCeiling(copying source: String, to path: String) throws -> Duration {
        let database = try SQLiteDatabase(path: path)
        try database.migrate()
        try database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
            try db.execute(sql: "INSERT INTO member SELECT * FROM source.member")
        }
        let start = ContinuousClock.now
        try database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -524288")
            try SQLiteDatabase.inImportTransaction(db) {
                try db.execute(
                    sql: """
                        INSERT INTO weapon_record SELECT * FROM source.weapon_record;
                        INSERT INTO weapon_record_share SELECT * FROM source.weapon_record_share;
                        INSERT INTO weapon_record_history SELECT * FROM source.weapon_record_history;
                        """
                )
                return .commit
            }
        }
        return ContinuousClock.now - start
    }
}
