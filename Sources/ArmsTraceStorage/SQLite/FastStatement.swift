import Foundation
import GRDB
import GRDBSQLite

/// A statement that GRDB prepares and caches, bound and stepped through SQLite's C interface.
///
/// Bulk imports run a few statements millions of times; GRDB's general argument handling (an array of existential
/// values per execution) costs more than SQLite's own work there. This type binds each value directly. It runs only
/// inside a transaction that GRDB holds, on GRDB's connection.
struct FastStatement {
    private let statement: Statement
    private let arena = BindArena()
    private var handle: OpaquePointer { statement.sqliteStatement }

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    /// Binds parameters through `bind` (in order, from the first), runs the statement, and hands each result row to
    /// `row`. The bound values are let go of before it returns.
    func run(_ bind: (inout FastBinder) -> Void, row: (FastRow) throws -> Void = { _ in }) throws {
        sqlite3_reset(handle)
        arena.clear()
        var binder = FastBinder(handle: handle, arena: arena)
        bind(&binder)
        // SQLite keeps pointers into the arena until the values are unbound.
        defer { sqlite3_clear_bindings(handle) }
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_DONE:
                sqlite3_reset(handle)
                return
            case SQLITE_ROW:
                try row(FastRow(handle: handle))
            default:
                let connection = sqlite3_db_handle(handle)
                let code = ResultCode(rawValue: sqlite3_extended_errcode(connection))
                let message = String(cString: sqlite3_errmsg(connection))
                sqlite3_reset(handle)
                throw DatabaseError(resultCode: code, message: message, sql: statement.sql)
            }
        }
    }

    /// How many rows the last run inserted, updated or deleted.
    var changes: Int { Int(sqlite3_changes(sqlite3_db_handle(handle))) }

    /// The first row's columns, read by `read`, or `nil` when there is no row.
    func first<T>(_ bind: (inout FastBinder) -> Void, _ read: (FastRow) throws -> T) throws -> T? {
        var result: T?
        try run(bind) { row in
            if result == nil { result = try read(row) }
        }
        return result
    }
}

/// Binds a statement's parameters one after the other.
///
/// Text and blobs are copied into the statement's ``BindArena`` and bound from there as `SQLITE_STATIC`: SQLite
/// otherwise frees the previous value's copy and allocates a new one for every parameter of every row (a bulk
/// import binds some forty a record). A value the arena cannot take (yet) is bound as a copy SQLite makes.
struct FastBinder {
    let handle: OpaquePointer
    private let arena: BindArena
    private var index: Int32 = 1

    init(handle: OpaquePointer, arena: BindArena) {
        self.handle = handle
        self.arena = arena
    }

    mutating func text(_ value: String?) {
        if var value {
            value.withUTF8 { bytes in
                if let copy = arena.copy(bytes) {
                    _ = sqlite3_bind_text(handle, index, copy, Int32(bytes.count), sqliteStatic)
                } else {
                    _ = sqlite3_bind_text(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                }
            }
        } else {
            sqlite3_bind_null(handle, index)
        }
        index += 1
    }

    mutating func int(_ value: Int?) {
        if let value { sqlite3_bind_int64(handle, index, Int64(value)) } else { sqlite3_bind_null(handle, index) }
        index += 1
    }

    mutating func blob(_ value: Data) {
        value.withUnsafeBytes { bytes in
            if let copy = arena.copy(bytes.bindMemory(to: UInt8.self)) {
                _ = sqlite3_bind_blob(handle, index, copy, Int32(bytes.count), sqliteStatic)
            } else {
                _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
            }
        }
        index += 1
    }
}

/// One statement's bound text and blobs for one execution: a block of memory, filled from the start for each run,
/// that SQLite reads in place. It does not move during a run, so a pointer into it stays good until the next run
/// clears it.
///
/// It is sized by use: a statement's first run has none and binds copies SQLite makes; each clearing makes it as
/// large as the last run wanted, up to 64 KiB. A statement run once (an API write) allocates nothing; a bulk import's,
/// run thousands of times, binds from the block after its first row.
final class BindArena {
    private static let largest = 64 * 1024
    /// What an empty value points to: SQLite reads a null pointer as NULL, not as empty text.
    nonisolated(unsafe) private static let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    private var start: UnsafeMutablePointer<UInt8>?
    private var capacity = 0
    private var used = 0
    /// The bytes the run since the last clearing asked for, whether or not they fitted.
    private var wanted = 0

    deinit { start?.deallocate() }

    /// Forgets every copy, and grows the block to what the last run wanted: the statement's values must be unbound
    /// or bound anew before it runs again.
    func clear() {
        if wanted > capacity, capacity < Self.largest {
            start?.deallocate()
            capacity = min(max(wanted, 1024), Self.largest)
            start = .allocate(capacity: capacity)
        }
        used = 0
        wanted = 0
    }

    /// A copy of `bytes` that lasts until ``clear()``, or `nil` when the block cannot take it. Never `nil` for an
    /// empty value.
    func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<UInt8>? {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return Self.empty }
        wanted += bytes.count
        guard let start, used + bytes.count <= capacity else { return nil }
        let destination = start + used
        destination.update(from: source, count: bytes.count)
        used += bytes.count
        return destination
    }
}

/// The current row of a stepping statement; valid only inside the callback.
struct FastRow {
    let handle: OpaquePointer

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: bytes)
    }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func optionalInt(_ column: Int32) -> Int? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, column))
    }

    /// The statement's columns by name.
    var columnIndexes: [String: Int32] {
        Dictionary(
            (0..<sqlite3_column_count(handle)).map { (String(cString: sqlite3_column_name(handle, $0)), $0) },
            uniquingKeysWith: { first, _ in first }
        )
    }

    func blob(_ column: Int32) -> Data? {
        guard let bytes = sqlite3_column_blob(handle, column) else { return nil }
        return Data(bytes: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }
}

/// SQLite copies a value bound with this destructor before the bind call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
/// SQLite reads a value bound without a destructor (`SQLITE_STATIC`) where it is, until it is unbound.
private let sqliteStatic: sqlite3_destructor_type? = nil
