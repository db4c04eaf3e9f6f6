public import Foundation

/// The shared reference data every member reads (PoA III 10 and 12): the national marking schemes, marks read
/// against them, and make, model and calibre read against the weapon reference; and what members publish and edit
/// in it. Reading is open to every signed-in role and not in the audit trail, since nothing here is any member's own
/// data; every change is, in the transaction that makes it.
public struct ReferenceService: Sendable {
    public let repositories: Repositories
    /// The data in force, which a change here puts in force at once in this process (other servers on the same
    /// database pick it up on their next refresh).
    public let catalog: ReferenceCatalog

    public init(repositories: Repositories, catalog: ReferenceCatalog) {
        self.repositories = repositories
        self.catalog = catalog
    }

    /// Every scheme in force, the shipped ones and those members published.
    public var schemes: [MarkingScheme] { catalog.snapshot.schemes }
    public var reference: WeaponReference { catalog.snapshot.reference }

    /// The published schemes, of one kind or one member when asked.
    /// - Throws: `DomainError.invalid` for a kind or member code that is not one.
    public func schemes(kind: String?, member: String?) throws -> [MarkingScheme] {
        try Self.filter(schemes, kind: kind, member: member)
    }

    /// The schemes a mark fits, with its elements under each.
    /// - Throws: `DomainError.invalid` for an empty mark or a bad filter.
    public func parse(_ mark: String, kind: String?, member: String?) throws -> [MarkingParse] {
        guard !MarkingParser.characters(mark).isEmpty else { throw DomainError.invalid(field: "mark", "must hold letters or digits") }
        return MarkingParser.fits(mark, schemes: try schemes(kind: kind, member: member))
    }

    /// How the reference reads a make, model and calibre as typed.
    public func identify(make: String, model: String?, calibre: String?) -> Identification {
        reference.identify(make: make, model: model, calibre: calibre)
    }

    /// Publishes a scheme of the actor's member as the next version of its kind. Every example must parse under it.
    /// - Throws: `.forbidden` unless the actor may edit the reference and its member is a state; `.invalid` naming
    ///   each problem; `.conflict` when another version was published meanwhile.
    public func publish(_ draft: SchemeDraft, by actor: Actor) async throws -> MarkingScheme {
        try actor.require(.editReference)
        guard Countries.contains(actor.member.rawValue) else { throw DomainError.forbidden("only a state publishes marking schemes") }
        if let member = draft.member, member != actor.member {
            throw DomainError.invalid(field: "member", "\(actor.member) publishes its own schemes, not those of \(member)")
        }
        try await catalog.refresh(from: repositories.reference)
        let scheme = MarkingScheme(
            member: actor.member,
            kind: draft.kind,
            version: catalog.snapshot.nextVersion(of: actor.member, kind: draft.kind),
            effectiveFrom: draft.effectiveFrom,
            description: draft.description.trimmingCharacters(in: .whitespacesAndNewlines),
            elements: draft.elements,
            examples: draft.examples.map { $0.trimmingCharacters(in: .whitespaces) }
        )
        try scheme.validate()
        try await repositories.reference.publish(scheme, by: actor)
        try await catalog.refresh(from: repositories.reference)
        return scheme
    }

    /// Adds a maker, model or calibre to the reference, or replaces the entry of the same name, once checked
    /// against the reference in force (``WeaponReference/checked(_:)``).
    /// - Throws: `.forbidden` unless the actor may edit the reference; `.invalid` naming each field at fault.
    public func save(_ item: ReferenceEntry.Item, by actor: Actor) async throws -> ReferenceEntry {
        try actor.require(.editReference)
        try await catalog.refresh(from: repositories.reference)
        let entry = ReferenceEntry(try reference.checked(item), member: actor.member, changedAt: Date().wholeMilliseconds)
        try await repositories.reference.save(entry, by: actor)
        try await catalog.refresh(from: repositories.reference)
        return entry
    }

    /// Those of `schemes` of one kind or one member when asked.
    /// - Throws: `DomainError.invalid` for a kind or member code that is not one.
    public static func filter(_ schemes: [MarkingScheme], kind: String?, member: String?) throws -> [MarkingScheme] {
        let (kind, member) = try filters(kind: kind, member: member)
        return schemes.filter { scheme in (kind.map { scheme.kind == $0 } ?? true) && (member.map { scheme.member == $0 } ?? true) }
    }

    private static func filters(kind: String?, member: String?) throws -> (MarkingScheme.Kind?, MemberCode?) {
        var problems: [FieldError] = []
        let parsedKind = kind.flatMap { text -> MarkingScheme.Kind? in
            guard let kind = MarkingScheme.Kind(rawValue: text) else {
                problems.append(
                    FieldError(
                        field: "kind",
                        message: "'\(text)' is not one of: " + MarkingScheme.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                )
                return nil
            }
            return kind
        }
        let parsedMember = member.flatMap { text -> MemberCode? in
            guard let code = MemberCode(text.uppercased()) else {
                problems.append(FieldError(field: "country", message: "'\(text)' is not a member code"))
                return nil
            }
            return code
        }
        if !problems.isEmpty { throw DomainError.invalid(problems) }
        return (parsedKind, parsedMember)
    }
}
