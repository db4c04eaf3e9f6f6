import ArmsTraceDomain
import GRDB

/// A storage failure that is not the caller's doing: the file cannot be opened, the disk is full, the schema is
/// not migrated. Its description is written for the operator, and never shown to API clients.
public struct StorageError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }

    /// Runs `body`, translating a unique-constraint violation into `DomainError.conflict`, a write lock that stayed
    /// taken into `DomainError.unavailable`, and other SQLite errors into a `StorageError` that names the SQLite
    /// result, so that callers see the same errors whichever engine ran.
    static func translating<T>(conflict: String = "a record with the same key exists", _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw translate(error, conflict: conflict)
        }
    }

    /// The backend-neutral error for a GRDB error.
    ///
    /// `SQLITE_BUSY` means that another connection held the database longer than ``SQLiteDatabase``'s busy timeout
    /// (another process's long write: a migration, a bulk import's first batch): nothing was written, and the same
    /// call a little later will most likely succeed, so the caller is told to retry rather than shown a failure.
    static func translate(_ error: DatabaseError, conflict: String = "a record with the same key exists") -> any Error {
        if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            return DomainError.conflict(conflict)
        }
        if error.resultCode == .SQLITE_BUSY {
            return DomainError.unavailable(
                "the database is busy with another process's write; nothing was changed, try again in a few seconds",
                retryAfter: 5
            )
        }
        return StorageError("SQLite error \(error.resultCode.rawValue): \(error.message ?? "no message")")
    }
}

extension DatabaseWriter {
    /// `write`, with GRDB errors translated at the storage boundary.
    func translatedWrite<T: Sendable>(
        conflict: String = "a record with the same key exists",
        _ updates: @Sendable @escaping (Database) throws -> T
    ) async throws -> T {
        do {
            return try await write(updates)
        } catch let error as DatabaseError {
            throw StorageError.translate(error, conflict: conflict)
        }
    }
}
