import ArmsTraceDomain
import Hummingbird

extension Identifier {
    /// The identifier in a route's `:id` parameter; a malformed one is not found, as a missing entity is.
    /// - Throws: `DomainError.notFound` naming `entity`.
    static func route(_ context: some RequestContext, _ entity: String) throws -> Self {
        let text = context.parameters.get("id") ?? ""
        guard let id = Self(text) else { throw DomainError.notFound(entity: entity, id: text) }
        return id
    }
}
