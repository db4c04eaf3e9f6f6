import Foundation
import GRDB

extension SQLiteDatabase {
    /// Writes an online, consistent copy of the database to `path` through SQLite's backup API, while the server
    /// keeps reading and writing: the copy is made beside `path` under a temporary name, checked
    /// (`PRAGMA integrity_check`), synced, and renamed into place, so `path` never holds a partial backup.
    /// - Returns: the copy's size in bytes.
    /// - Throws: `StorageError` when the copy cannot be written or does not check out.
    @discardableResult
    public func backup(to path: String) throws -> Int {
        let target = URL(fileURLWithPath: path)
        let temporary = SiblingFile.temporary(for: target)
        do {
            let copy = try DatabaseQueue(path: temporary.path)
            try writer.backup(to: copy)
            let check = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
            try copy.close()
            guard check == ["ok"] else { throw StorageError("the backup does not check out: \(check.prefix(3).joined(separator: "; "))") }
            try SiblingFile.syncAndRename(temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? DatabaseError { throw StorageError.translate(error, conflict: "backup") }
            throw error
        }
        return (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// Checks a file as an ArmsTrace backup: a SQLite database whose integrity check passes and that holds
    /// ArmsTrace's schema.
    /// - Throws: `StorageError` saying what is wrong.
    public static func checkBackup(at path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StorageError("no file at \(path)") }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try StorageError.translating { try DatabaseQueue(path: path, configuration: configuration) }
        let (check, tables) = try StorageError.translating {
            try queue.read { db in
                (
                    try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                )
            }
        }
        try queue.close()
        guard check == ["ok"] else { throw StorageError("\(path) does not check out: \(check.prefix(3).joined(separator: "; "))") }
        guard tables.contains("weapon_record"), tables.contains("grdb_migrations") else {
            throw StorageError("\(path) is not an ArmsTrace database")
        }
    }

    /// Copies a backup file to `path`, which must not exist yet, synced and renamed into place.
    public static func restore(backup: String, to path: String) throws {
        try checkBackup(at: backup)
        guard !FileManager.default.fileExists(atPath: path) else { throw StorageError("\(path) exists; restore into a new file") }
        let target = URL(fileURLWithPath: path)
        let temporary = SiblingFile.temporary(for: target)
        do {
            try FileManager.default.copyItem(atPath: backup, toPath: temporary.path)
            try SiblingFile.syncAndRename(temporary, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
