public import Foundation

/// A person who works in ArmsTrace for one member.
public struct User: Sendable, Equatable, Codable, Identifiable {
    public typealias ID = Identifier<User>

    /// What a user may do within their member.
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Manages the member's users and settings; may do everything an officer does.
        case admin
        /// Creates and edits the member's records, searches, sends and answers traces.
        case officer
        /// Reads and searches; sees statistics.
        case analyst

        /// Whether this role may create and change the member's records.
        public var canEditRecords: Bool { self == .admin || self == .officer }

        /// Whether this role may take the member's steps on trace requests: write, send, answer, close.
        public var canTrace: Bool { self == .admin || self == .officer }
    }

    public var id: ID
    /// The member the user works for.
    public var member: MemberCode
    public var name: String
    public var role: Role
    public var createdAt: Date

    public init(id: ID, member: MemberCode, name: String, role: Role, createdAt: Date) {
        self.id = id
        self.member = member
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }
}

/// Who is acting, and through which channel. Every use case takes one, and the history keeps it.
public struct Actor: Sendable, Equatable {
    /// How a change reached ArmsTrace.
    public enum Channel: String, Sendable, Codable, CaseIterable {
        /// The JSON API, with a user's token.
        case api
        /// The web pages, with a user's session.
        case web
        /// The command line on the server, run by its operator (bulk import, demo data).
        case cli
    }

    /// The user, absent for the server's operator at the command line.
    public var userID: User.ID?
    public var member: MemberCode
    public var role: User.Role
    public var channel: Channel

    public init(userID: User.ID?, member: MemberCode, role: User.Role, channel: Channel) {
        self.userID = userID
        self.member = member
        self.role = role
        self.channel = channel
    }

    /// The actor a user acts as through `channel`.
    public init(_ user: User, channel: Channel) {
        self.init(userID: user.id, member: user.member, role: user.role, channel: channel)
    }

    /// The server's operator acting for `member` at the command line.
    public static func commandLine(for member: MemberCode) -> Actor {
        Actor(userID: nil, member: member, role: .admin, channel: .cli)
    }
}
