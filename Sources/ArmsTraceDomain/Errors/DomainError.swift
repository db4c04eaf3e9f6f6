/// One problem with one field of an input, named the way the API and the CSV name it (`serial_number`, `event.date`).
public struct FieldError: Sendable, Equatable, Codable, CustomStringConvertible {
    /// The field's name in snake_case, dotted for nested fields.
    public var field: String
    /// What is wrong, written for the person who typed it.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// The errors that ArmsTrace's use cases throw. They know nothing of HTTP; the web layer maps them in one place.
public enum DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entity does not exist, or the caller may not know that it exists.
    case notFound(entity: String, id: String)
    /// The input breaks the field rules; every problem found is listed.
    case invalid([FieldError])
    /// The caller is known but may not do this.
    case forbidden(String)
    /// The caller did not prove who they are.
    case unauthenticated
    /// The change conflicts with what is stored (a duplicate key, a stale version).
    case conflict(String)
    /// A part of the system is not ready yet (the search index while it loads) or is busy (the database, held by
    /// another process's write); `retryAfter`, when retrying is likely to succeed, says in how many seconds.
    case unavailable(String, retryAfter: Int? = nil)
    /// The caller used up a limit (the member's daily search quota, a running export); the message says when it
    /// resets, and `retryAfter`, when known, in how many seconds to try again.
    case limitReached(String, retryAfter: Int? = nil)

    /// Shorthand for a single field problem.
    public static func invalid(field: String, _ message: String) -> DomainError {
        .invalid([FieldError(field: field, message: message)])
    }

    public var description: String {
        switch self {
        case .notFound(let entity, let id): "\(entity) \(id) not found"
        case .invalid(let errors): "invalid input: " + errors.map(\.description).joined(separator: "; ")
        case .forbidden(let message): "forbidden: \(message)"
        case .unauthenticated: "authentication required"
        case .conflict(let message): "conflict: \(message)"
        case .unavailable(let message, _): "unavailable: \(message)"
        case .limitReached(let message, _): "limit reached: \(message)"
        }
    }
}
