import ArmsTraceDomain
import Foundation
import NIOCore
import PostgresNIO

extension PostgresRandomAccessRow {
    /// The column's value, or a ``StorageError`` naming the column when it does not decode as `T`.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        do {
            return try self[column].decode(T.self)
        } catch {
            throw StorageError("column \(column) does not hold a \(T.self)")
        }
    }

    func text(_ column: String) throws -> String { try value(column) }

    func optionalText(_ column: String) throws -> String? { try value(column) }

    func int(_ column: String) throws -> Int { try value(column) }

    func optionalInt(_ column: String) throws -> Int? { try value(column) }

    func date(_ column: String) throws -> Date { try value(column) }

    func optionalDate(_ column: String) throws -> Date? { try value(column) }

    func bool(_ column: String) throws -> Bool { try value(column) }

    func optionalBool(_ column: String) throws -> Bool? { try value(column) }

    func data(_ column: String) throws -> Data { try value(column) }

    func optionalData(_ column: String) throws -> Data? { try value(column) }

    func uuid(_ column: String) throws -> UUID { try value(column) }

    func optionalUUID(_ column: String) throws -> UUID? { try value(column) }

    /// An identifier stored as `uuid`.
    func id<Entity>(_ column: String, of entity: Entity.Type = Entity.self) throws -> Identifier<Entity> {
        Identifier(try uuid(column))
    }

    func optionalID<Entity>(_ column: String, of entity: Entity.Type = Entity.self) throws -> Identifier<Entity>? {
        try optionalUUID(column).map(Identifier.init)
    }

    func member(_ column: String) throws -> MemberCode {
        let text = try text(column)
        guard let code = MemberCode(text) else { throw StorageError("column \(column) holds '\(text)', no member code") }
        return code
    }

    func optionalMember(_ column: String) throws -> MemberCode? {
        try optionalText(column).flatMap(MemberCode.init)
    }

    /// A value of a string enumeration.
    func enumeration<T: RawRepresentable>(_ column: String, as type: T.Type = T.self) throws -> T where T.RawValue == String {
        let text = try text(column)
        guard let value = T(rawValue: text) else { throw StorageError("column \(column) holds '\(text)', no \(T.self)") }
        return value
    }
}

extension Date {
    /// The instant to the millisecond, as SQLite keeps it: both engines then answer the same instants, and a copy
    /// between them loses nothing.
    var stored: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

extension Optional where Wrapped == Date {
    var stored: Date? { map(\.stored) }
}

/// A statement built piece by piece, for lists whose filters vary: values are bound as parameters, never spliced.
struct QueryBuilder {
    private(set) var sql: String
    private var binds = PostgresBindings()

    init(_ sql: String) { self.sql = sql }

    /// Appends SQL text written by the program, never by a user.
    mutating func append(_ text: String) { sql += text }

    /// Binds a value and returns its placeholder.
    mutating func bind<T: PostgresNonThrowingEncodable & Sendable>(_ value: T) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Binds an engine-neutral value (the statement casts it to the column's type) and returns its placeholder.
    mutating func bind(_ value: StoreValue) -> String {
        switch value {
        case .null: binds.appendNull()
        case .text(let text): binds.append(text)
        case .integer(let integer): binds.append(integer)
        case .real(let real): binds.append(real)
        case .blob(let data): binds.append(ByteBuffer(bytes: data))
        }
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
