import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Finds the browser's session for the pages behind sign-in, from the `__Host-armstrace` cookie; a request without
/// a live session is sent to the sign-in page, which brings the user back to where they were going.
///
/// Form posts must also come from this origin when the browser says where they come from; each form's CSRF token
/// is checked where the form is read (``WebForm``).
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let service: SignInService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = request.cookies[SignInController.cookieName]?.value,
            let session = try? await service.session(secret: secret)
        else {
            return Self.toSignIn(from: request)
        }
        if request.method != .get && request.method != .head { try SignInController.requireSameOrigin(request) }
        var context = context
        context.webSession = session
        context.logger[metadataKey: "armstrace.member"] = .string(session.user.member.rawValue)
        context.logger[metadataKey: "armstrace.user"] = .string(session.user.id.description)
        return try await next(request, context)
    }

    /// A redirect to the sign-in page that comes back to `request`'s page (for a GET; a form posted after the
    /// session ended comes back to the dashboard, since its content is gone).
    static func toSignIn(from request: Request) -> Response {
        let back = request.method == .get ? request.uri.description : "/dashboard"
        let query = back == "/dashboard" ? "" : "?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        return Response(status: .seeOther, headers: [.location: "/login" + query])
    }
}
