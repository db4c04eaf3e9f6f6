public import Foundation

/// A person who works in ArmsTrace for one member.
public struct User: Sendable, Equatable, Codable, Identifiable {
    public typealias ID = Identifier<User>

    /// What a user may do within their member: see ``Permission`` for each role's rights.
    public enum Role: String, Sendable, Codable, CaseIterable {
        /// Manages the member's users and settings; may do everything an officer does. Does not read the audit
        /// trail: that is the auditor's, so that no one both administers and audits.
        case admin
        /// Creates and edits the member's records, searches, sends and answers traces.
        case officer
        /// Reads and searches; sees statistics.
        case analyst
        /// Reads the member's audit trail, and nothing else.
        case auditor

        /// Whether this role has `permission`.
        public func may(_ permission: Permission) -> Bool {
            switch self {
            case .admin: permission != .readAudit
            case .officer: ![.readAudit, .manageMember, .editReference, .manageCooperation].contains(permission)
            case .analyst: [.readRecords, .search, .readTraces, .readStatistics, .readStock, .readCooperation].contains(permission)
            case .auditor: permission == .readAudit
            }
        }
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

/// A right a role may have within its member.
public enum Permission: String, Sendable, CaseIterable {
    /// Read the records the member may see, its hit notices and its records' history.
    case readRecords = "read records"
    case editRecords = "create and change records"
    case search = "search"
    /// Read the member's trace requests, their files and deadline notices.
    case readTraces = "read trace requests"
    /// Write, send, answer and close trace requests, and write in their conversation.
    case actOnTraces = "act on trace requests"
    case readStatistics = "read statistics"
    /// Set the member's deadlines, quotas and users.
    case manageMember = "manage the member's settings"
    /// Read the member's stockpile: sites, weapons, movements, checks.
    case readStock = "read the stockpile"
    /// Receive, move, check and report the loss of the member's state-held weapons.
    case manageStock = "manage the stockpile"
    /// Publish the member's marking schemes and edit the shared make, model and calibre reference.
    case editReference = "publish marking schemes and edit the reference"
    /// Read assistance needs and offers, training and the member's national report draft.
    case readCooperation = "read assistance, training and reports"
    /// Post and move the member's assistance needs and offers, organise training, register the member's officials,
    /// answer the national report's questions.
    case manageCooperation = "manage assistance, training and the national report"
    /// Send, read and answer mutual legal assistance requests (PoA III 13): the central authority's work, not the
    /// analysts'.
    case legalAssistance = "send and answer mutual legal assistance requests"
    case readAudit = "read the audit trail"
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

    /// Checks that the actor's role has `permission`.
    /// - Throws: `DomainError.forbidden` naming the role and the right it lacks.
    public func require(_ permission: Permission) throws {
        guard role.may(permission) else { throw DomainError.forbidden("the \(role.rawValue) role may not \(permission.rawValue)") }
    }

    /// The server's operator acting for `member` at the command line.
    public static func commandLine(for member: MemberCode) -> Actor {
        Actor(userID: nil, member: member, role: .admin, channel: .cli)
    }
}
