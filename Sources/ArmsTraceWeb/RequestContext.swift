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
    /// The browser session, once ``WebSessionMiddleware`` has found one.
    var webSession: WebSession?
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

/// The context of the HTML pages behind sign-in: built once ``WebSessionMiddleware`` has found the browser's
/// session (it sends everyone else to the sign-in page first).
struct WebContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let session: WebSession
    let clientAddress: String
    /// The user acting through the web pages.
    var actor: Actor { Actor(session.user, channel: .web) }

    init(context: AppRequestContext) throws {
        guard let session = context.webSession else { throw DomainError.unauthenticated }
        self.coreContext = context.coreContext
        self.session = session
        self.clientAddress = context.clientAddress
    }

    /// Form posts up to ``WebForm/maxBodySize`` (a CSV upload).
    var maxUploadSize: Int { WebForm.maxBodySize }
}
