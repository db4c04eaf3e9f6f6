public import ArmsTraceDomain
import Crypto
import Foundation

/// What `armstrace copy` did: for each table, the rows and a checksum read back from both stores.
public struct CopyReport: Sendable {
    public struct Table: Sendable {
        public var name: String
        public var sourceRows: Int
        public var targetRows: Int
        /// SHA-256 over the table's rows in key order, as engine-neutral values (``StoreValue``), in hex.
        public var sourceChecksum: String
        public var targetChecksum: String

        public var matches: Bool { sourceRows == targetRows && sourceChecksum == targetChecksum }
    }

    public var tables: [Table]

    /// Whether every table arrived whole.
    public var isComplete: Bool { tables.allSatisfy(\.matches) }
}

/// Copies a whole database from one store to another, table by table in key order, then reads both back and
/// compares each table's row count and checksum.
public enum StoreCopy {
    /// Rows read and written at a time.
    static let pageSize = 2000

    /// Copies every table of `source` into `target`, which must be migrated and hold nothing yet.
    /// - Parameter progress: called after each page with the table and the rows copied of it so far.
    /// - Throws: `DomainError.conflict` when the target holds data already.
    public static func copy(
        from source: any Store,
        to target: any Store,
        progress: @Sendable (String, Int) -> Void = { _, _ in }
    ) async throws -> CopyReport {
        guard try await target.isEmpty() else {
            throw DomainError.conflict("\(target.location) holds data already; copy into an empty, migrated database")
        }
        let sourcePending = try await source.pendingMigrations()
        guard sourcePending.isEmpty else {
            throw DomainError.conflict("\(source.location) needs migrations first: \(sourcePending.joined(separator: ", "))")
        }
        for table in StoreTable.all {
            var after: [StoreValue]?
            var copied = 0
            while true {
                let rows = try await source.tableRows(table, after: after, limit: pageSize)
                if rows.isEmpty { break }
                try await target.insertTableRows(table, rows)
                copied += rows.count
                progress(table.name, copied)
                after = Array(rows.last!.prefix(table.key.count))
                if rows.count < pageSize { break }
            }
        }
        try await target.finishCopy()
        var tables: [CopyReport.Table] = []
        for table in StoreTable.all {
            let (sourceRows, sourceChecksum) = try await checksum(table, in: source)
            let (targetRows, targetChecksum) = try await checksum(table, in: target)
            tables.append(
                .init(
                    name: table.name,
                    sourceRows: sourceRows,
                    targetRows: targetRows,
                    sourceChecksum: sourceChecksum,
                    targetChecksum: targetChecksum
                )
            )
        }
        return CopyReport(tables: tables)
    }

    /// A table's row count and checksum (see ``CopyReport/Table/sourceChecksum``).
    public static func checksum(_ table: StoreTable, in store: any Store) async throws -> (rows: Int, checksum: String) {
        var hasher = SHA256()
        var count = 0
        var after: [StoreValue]?
        while true {
            let rows = try await store.tableRows(table, after: after, limit: pageSize)
            for row in rows {
                for value in row { hash(value, into: &hasher) }
            }
            count += rows.count
            guard let last = rows.last, rows.count == pageSize else { break }
            after = Array(last.prefix(table.key.count))
        }
        return (count, Data(hasher.finalize()).hex)
    }

    private static func hash(_ value: StoreValue, into hasher: inout SHA256) {
        func bytes(_ tag: UInt8, _ data: Data) {
            hasher.update(data: Data([tag]))
            withUnsafeBytes(of: UInt64(data.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: data)
        }
        switch value {
        case .null: hasher.update(data: Data([0]))
        case .text(let text): bytes(1, Data(text.utf8))
        case .integer(let integer): withUnsafeBytes(of: integer.bigEndian) { bytes(2, Data($0)) }
        case .real(let real): withUnsafeBytes(of: real.bitPattern.bigEndian) { bytes(3, Data($0)) }
        case .blob(let data): bytes(4, data)
        }
    }
}
