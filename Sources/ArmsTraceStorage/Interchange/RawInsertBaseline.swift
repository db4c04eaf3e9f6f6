import Foundation
import GRDB

/// The yardstick for import speed: how fast SQLite itself inserts the same rows, with nothing of ArmsTrace's
/// (no validation, no history, no index but the table's own), on a file with the same settings as ArmsTrace's
/// (WAL, `synchronous=FULL`), in one transaction with one prepared statement.
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
            let statement = try db.makeStatement(sql: "INSERT INTO raw VALUES (\(placeholders))")
            for row in rows {
                try statement.execute(arguments: StatementArguments(row.map { $0.isEmpty ? nil : $0 }))
            }
        }
        return ContinuousClock.now - start
    }
}
