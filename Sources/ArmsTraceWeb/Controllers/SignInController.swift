import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The web sign-in: `GET/POST /login` (then to the page the user was going to, or the dashboard), `POST /logout`.
///
/// The session lives in a cookie `__Host-armstrace` (HttpOnly, Secure, SameSite=Strict, path /), holding a random
/// secret stored only as its hash. Forms of a session carry its CSRF token; the sign-in form, which has no session
/// yet, carries a token that must equal a cookie set with the form (double submit). Every form post must also come
/// from this origin when the browser says where it comes from.
struct SignInController {
    let service: SignInService
    let templates: MustacheLibrary

    static let cookieName = "__Host-armstrace"
    /// The sign-in form's CSRF cookie.
    static let formCookieName = "__Host-armstrace-form"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("login", use: loginPage)
        router.post("login", use: login)
        router.post("logout", use: logout)
    }

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try loginForm(["next": Self.localPath(request.uri.queryParameters.get("next"))], status: .ok)
    }

    /// Where to go after signing in: a path on this site, never another site (`//host` or a scheme); the
    /// dashboard when none is given.
    static func localPath(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"), !path.contains(where: \.isNewline) else {
            return "/dashboard"
        }
        return path
    }

    /// The sign-in form with a fresh CSRF token, in the page and in its cookie.
    private func loginForm(_ fields: [String: Any], status: HTTPResponse.Status) throws -> Response {
        let token = SignInService.newToken()
        var object = fields
        object["title"] = "Sign in · ArmsTrace"
        object["csrf"] = token
        var response = try page("login", object, status: status)
        response.headers[.setCookie] = "\(Self.formCookieName)=\(token); Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Strict"
        return response
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.requireSameOrigin(request)
        let form = try await WebForm.parse(request, limit: 16 * 1024)
        let next = Self.localPath(form["next"])
        guard let expected = request.cookies[Self.formCookieName]?.value, SignInService.same(expected, form["csrf"] ?? "") else {
            return try loginForm(["error": "The sign-in form expired; please try again.", "next": next], status: .forbidden)
        }
        do {
            let (session, secret) = try await service.signIn(
                login: form["login"] ?? "",
                password: form.values["password"]?.first ?? "",
                code: form["code"],
                address: context.clientAddress
            )
            let maxAge = Int(session.expiresAt.timeIntervalSinceNow.rounded(.down))
            return Response(
                status: .seeOther,
                headers: [
                    .location: next,
                    .setCookie: "\(Self.cookieName)=\(secret); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict",
                ]
            )
        } catch DomainError.unauthenticated {
            return try loginForm(
                ["error": "The login name, password or code is wrong.", "login": form["login"] ?? "", "next": next],
                status: .unauthorized
            )
        } catch DomainError.limitReached(let message, let retryAfter) {
            var response = try loginForm(["error": "Too many failed sign-ins: \(message).", "next": next], status: .tooManyRequests)
            if let retryAfter { response.headers[.retryAfter] = "\(retryAfter)" }
            return response
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.requireSameOrigin(request)
        let form = try await WebForm.parse(request, limit: 16 * 1024)
        guard let secret = request.cookies[Self.cookieName]?.value else { return Response(status: .seeOther, headers: [.location: "/login"]) }
        try await service.signOut(secret: secret, csrfToken: form["csrf"] ?? "")
        return Response(
            status: .seeOther,
            headers: [.location: "/login", .setCookie: "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"]
        )
    }

    private func page(_ template: String, _ object: [String: Any], status: HTTPResponse.Status) throws -> Response {
        try HTML(templates, template, object, status: status).response()
    }

    /// Refuses a form post that the browser says comes from another site.
    static func requireSameOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        let host = request.head.authority ?? ""
        guard let url = URL(string: origin), let originHost = url.host else { throw DomainError.forbidden("cross-site form post refused") }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        guard originAuthority == host else { throw DomainError.forbidden("cross-site form post refused") }
    }
}
