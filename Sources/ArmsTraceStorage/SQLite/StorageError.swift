import ArmsTraceDomain
import GRDB

/// A storage failure that is not the caller's doing: the file cannot be opened, the disk is full, the schema is
/// not migrated. Its description is written for the operator, and never shown to API clients.
public struct StorageError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) { self.description = description }

    /// Runs `body`, translating a unique-constraint violation into `DomainError.conflict` and other SQLite errors into
    /// a `StorageError` that names the SQLite result, so that callers see the same errors whichever engine ran.
    static func translating<T>(conflict: String = "a record with the same key exists", _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw translate(error, conflict: conflict)
        }
    }

    /// The backend-neutral error for a GRDB error.
    static func translate(_ error: DatabaseError, conflict: String = "a record with the same key exists") -> any Error {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY: DomainError.conflict(conflict)
        default: StorageError("SQLite error \(error.resultCode.rawValue): \(error.message ?? "no message")")
        }
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
