import ArmsTraceDomain
public import Foundation
public import Hummingbird
import Logging

/// The context of every request: Hummingbird's core storage, ArmsTrace's JSON conventions, and the user once
/// ``BearerAuthMiddleware`` has authenticated the request.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated user, if any.
    var user: User?
    /// The client's address as the server sees it (a reverse proxy's, behind one); "unknown" when there is none.
    let clientAddress: String

    public init(source: Source) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Request bodies up to ``APIJSON/maxBodySize``.
    public var maxUploadSize: Int { APIJSON.maxBodySize }

    public var responseEncoder: JSONEncoder { APIJSON.encoder }
}

/// The context of routes that need a user: built from ``AppRequestContext`` and refused with 401 when nobody is
/// authenticated, so handlers always receive an actor.
struct AuthenticatedContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let user: User
    /// The user acting through the JSON API.
    var actor: Actor { Actor(user, channel: .api) }

    init(context: AppRequestContext) throws {
        guard let user = context.user else { throw DomainError.unauthenticated }
        self.coreContext = context.coreContext
        self.user = user
    }

    var maxUploadSize: Int { APIJSON.maxBodySize }

    var responseEncoder: JSONEncoder { APIJSON.encoder }
}
