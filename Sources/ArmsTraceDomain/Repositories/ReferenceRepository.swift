/// Stores what members publish and edit in the shared reference data (PoA III 10 and 12): their marking schemes,
/// version by version, and their makers, models and calibres.
public protocol ReferenceRepository: Sendable {
    /// Every scheme members published, and every reference entry as last written, in the order they were written.
    func contributions() async throws -> ReferenceContributions

    /// Publishes a scheme of the actor's member, with the audit entry, in one transaction. Published versions are
    /// never changed: weapons keep their marks.
    /// - Throws: `DomainError.conflict` when the member already published this kind and version.
    func publish(_ scheme: MarkingScheme, by actor: Actor) async throws

    /// Adds an entry, or replaces the one of the same kind and key, with the audit entry, in one transaction.
    func save(_ entry: ReferenceEntry, by actor: Actor) async throws
}
