public import Foundation

/// Something the cooperation store keeps whole, as one versioned JSON document with the members taking part:
/// assistance needs and offers, training events, mutual legal assistance requests, national report answers.
///
/// These are few (hundreds per member, not millions), read whole and changed one step at a time by people in
/// different countries; a document per item, with an optimistic version, keeps each use case one write.
public protocol CooperationDocument: Codable, Sendable {
    /// The document's kind as stored: `assistance_need`, `training_event`, …
    static var kind: String { get }
    var id: Identifier<Self> { get }
    /// The member that created it (kept beside the document, for the operator and the copy).
    var owner: MemberCode { get }
    /// Every member taking part (the owner first): whose lists it appears in.
    var parties: [MemberCode] { get }
    /// 0 before it is first stored; the store counts up by one on every save.
    var version: Int { get set }
}

/// Stores ``CooperationDocument``s on either engine.
public protocol CooperationRepository: Sendable {
    /// The documents of a kind, oldest first; with `party`, only those the member takes part in.
    func documents<Document: CooperationDocument>(_ type: Document.Type, party: MemberCode?) async throws -> [Document]

    /// One document, or `nil`.
    func document<Document: CooperationDocument>(_ type: Document.Type, id: Identifier<Document>) async throws -> Document?

    /// Stores a new document (version 0) or the next version of one, with its audit entry, in one transaction.
    /// - Returns: the document as stored, its version counted up.
    /// - Throws: `.conflict` when the stored version is not `document.version` (someone changed it meanwhile), or a
    ///   new document's id is taken.
    func save<Document: CooperationDocument>(_ document: Document, audit: AuditEvent) async throws -> Document
}
