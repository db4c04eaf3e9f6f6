/// The shared reference data every member reads (PoA III 10 and 12): the national marking schemes, marks read
/// against them, and make, model and calibre read against the weapon reference. Nothing here is any member's own
/// data, so any signed-in role may read it and reading it is not in the audit trail.
public struct ReferenceService: Sendable {
    public let schemes: [MarkingScheme]
    public let reference: WeaponReference

    public init(schemes: [MarkingScheme] = PublishedSchemes.all, reference: WeaponReference = .standard) {
        self.schemes = schemes
        self.reference = reference
    }

    /// The published schemes, of one kind or one member when asked.
    /// - Throws: `DomainError.invalid` for a kind or member code that is not one.
    public func schemes(kind: String?, member: String?) throws -> [MarkingScheme] {
        let (kind, member) = try Self.filters(kind: kind, member: member)
        return schemes.filter { scheme in (kind.map { scheme.kind == $0 } ?? true) && (member.map { scheme.member == $0 } ?? true) }
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
