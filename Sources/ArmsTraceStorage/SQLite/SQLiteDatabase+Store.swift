public import ArmsTraceDomain
import Foundation
import GRDB

extension SQLiteDatabase: Store {
    public func insertRecords(_ records: [GeneratedRecord]) async throws {
        try await writer.translatedWrite { db in
            try RecordRowWriter.within(db) { rowWriter in
                for record in records {
                    guard try rowWriter.insert(.init(record.details), id: record.id, by: .commandLine(for: record.owner), at: .init(record.enteredAt))
                    else { throw DomainError.conflict("record \(record.details.externalRef) of \(record.owner) exists already") }
                }
            }
        }
    }

    public func tableRows(_ table: StoreTable, after key: [StoreValue]?, limit: Int) async throws -> [[StoreValue]] {
        var sql = "SELECT " + table.columns.map(\.name).joined(separator: ", ") + " FROM " + table.name
        var arguments: [DatabaseValue] = []
        if let key {
            sql += " WHERE (" + table.key.joined(separator: ", ") + ") > (" + table.key.map { _ in "?" }.joined(separator: ", ") + ")"
            arguments = zip(table.key, key).map { column, value in Self.stored(value, table.kind(of: column)) }
        }
        sql += " ORDER BY " + table.key.joined(separator: ", ") + " LIMIT \(limit)"
        let statement = sql
        let statementArguments = StatementArguments(arguments)
        return try await writer.read { db in
            try Row.fetchAll(db, sql: statement, arguments: statementArguments).map { row in
                try table.columns.enumerated().map { index, column in
                    let value: DatabaseValue = row[index]
                    switch (value.storage, column.kind) {
                    case (.null, _): return .null
                    case (.string(let text), .timestamp):
                        guard let milliseconds = SQLiteTimestamp.milliseconds(text) else {
                            throw StorageError("\(table.name).\(column.name) holds '\(text)', no instant")
                        }
                        return .integer(milliseconds)
                    case (.string(let text), _): return .text(text)
                    case (.int64(let integer), _): return .integer(integer)
                    case (.double(let real), _): return .real(real)
                    case (.blob(let data), _): return .blob(data)
                    }
                }
            }
        }
    }

    public func insertTableRows(_ table: StoreTable, _ rows: [[StoreValue]]) async throws {
        let sql =
            "INSERT INTO \(table.name) (" + table.columns.map(\.name).joined(separator: ", ") + ") VALUES ("
            + table.columns.map { _ in "?" }.joined(separator: ", ") + ")"
        try await writer.translatedWrite { db in
            let statement = try db.cachedStatement(sql: sql)
            for row in rows {
                try statement.execute(arguments: StatementArguments(zip(table.columns, row).map { column, value in Self.stored(value, column.kind) }))
            }
        }
    }

    /// Counts the copied records (``RecordCounts``): the copy wrote their rows directly.
    public func finishCopy() async throws {
        try await writer.write { db in try db.execute(sql: RecordCounts.rebuild) }
    }

    public func close() async {}

    /// An engine-neutral value as this store keeps it in a column of `kind`.
    private static func stored(_ value: StoreValue, _ kind: StoreTable.Kind) -> DatabaseValue {
        switch (value, kind) {
        case (.null, _): .null
        case (.integer(let milliseconds), .timestamp): SQLiteTimestamp.text(milliseconds).databaseValue
        case (.integer(let integer), _): integer.databaseValue
        case (.text(let text), _): text.databaseValue
        case (.real(let real), _): real.databaseValue
        case (.blob(let data), _): data.databaseValue
        }
    }
}
