public import ArmsTraceDomain
import Foundation
import GRDB

extension JSONEncoder {
    /// How a JSON export writes records: as the API shows them, keys sorted, without the fields derived on reading.
    static var export: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.userInfo[.omitsDerivedFields] = true
        return encoder
    }
}

/// The formats of an export.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// The import format: an export re-imports to the same records.
    case csv
    /// A JSON array of records as the API shows them.
    case json
}

extension SQLiteDatabase {
    /// Streams the actor's member's own records, oldest first, to `write` in chunks.
    ///
    /// Reads from one consistent snapshot of the database; memory stays flat. The export is in the audit trail, as
    /// the actor's, before any record leaves.
    /// - Returns: how many records were written.
    public func exportRecords(
        by actor: Actor,
        format: ExportFormat,
        write: @escaping @Sendable (String) throws -> Void
    ) async throws -> Int {
        try await writer.translatedWrite { db in
            try AuditChain.append(db, AuditEvent(.recordExport, by: actor, detail: format.rawValue))
        }
        let owner = actor.member
        return try await writer.read { db in
            let cursor = try Row.fetchCursor(
                db,
                sql: "SELECT * FROM weapon_record WHERE owner_code = ? ORDER BY id",
                arguments: [owner.rawValue]
            )
            let encoder = JSONEncoder.export
            var buffer = format == .csv ? RecordCSV.headerRow : "["
            var count = 0
            var page: [Row] = []
            // Rows are turned into records a page at a time, so that sharing lists take one query per page while
            // memory stays flat.
            func flush() throws {
                for record in try WeaponRecordSQLiteRepository.records(db, rows: page) {
                    switch format {
                    case .csv: buffer += RecordCSV.row(record.details)
                    case .json: buffer += (count == 0 ? "\n" : ",\n") + String(decoding: try encoder.encode(record), as: UTF8.self)
                    }
                    count += 1
                }
                page.removeAll(keepingCapacity: true)
                try write(buffer)
                buffer = ""
            }
            while let row = try cursor.next() {
                page.append(row.copy())
                if page.count == 500 { try flush() }
            }
            try flush()
            if format == .json { buffer += "\n]\n" }
            try write(buffer)
            return count
        }
    }
}
