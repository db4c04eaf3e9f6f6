import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The web sign-in: `GET/POST /login`, `GET /account` (the signed-in page), `POST /logout`.
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
        router.get("account", use: account)
        router.post("logout", use: logout)
    }

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try loginForm([:], status: .ok)
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
        let form = try await request.formFields(context: context)
        guard let expected = request.cookies[Self.formCookieName]?.value, SignInService.same(expected, form["csrf"] ?? "") else {
            return try loginForm(["error": "The sign-in form expired; please try again."], status: .forbidden)
        }
        do {
            let (session, secret) = try await service.signIn(
                login: form["login"] ?? "",
                password: form["password"] ?? "",
                code: form["code"].flatMap { $0.isEmpty ? nil : $0 },
                address: context.clientAddress
            )
            let maxAge = Int(session.expiresAt.timeIntervalSinceNow.rounded(.down))
            return Response(
                status: .seeOther,
                headers: [
                    .location: "/account",
                    .setCookie: "\(Self.cookieName)=\(secret); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict",
                ]
            )
        } catch DomainError.unauthenticated {
            return try loginForm(["error": "The login name, password or code is wrong.", "login": form["login"] ?? ""], status: .unauthorized)
        } catch DomainError.limitReached(let message) {
            return try loginForm(["error": "Too many failed sign-ins: \(message)."], status: .tooManyRequests)
        }
    }

    @Sendable func account(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let secret = request.cookies[Self.cookieName]?.value, let session = try? await service.session(secret: secret) else {
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        let user = session.user
        return try page(
            "account",
            [
                "title": "Your account · ArmsTrace", "name": user.name, "member": user.member.rawValue, "role": user.role.rawValue,
                "expires": session.expiresAt.minuteText, "csrf": session.csrfToken,
            ],
            status: .ok
        )
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        try Self.requireSameOrigin(request)
        let form = try await request.formFields(context: context)
        guard let secret = request.cookies[Self.cookieName]?.value else { return Response(status: .seeOther, headers: [.location: "/login"]) }
        try await service.signOut(secret: secret, csrfToken: form["csrf"] ?? "")
        return Response(
            status: .seeOther,
            headers: [.location: "/login", .setCookie: "\(Self.cookieName)=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict"]
        )
    }

    private func page(_ template: String, _ object: [String: Any], status: HTTPResponse.Status) throws -> Response {
        guard let html = templates.render(object, withTemplate: template) else { throw HTTPError(.internalServerError) }
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
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

extension Request {
    /// The fields of an `application/x-www-form-urlencoded` body (16 KiB at most).
    func formFields(context: some RequestContext) async throws -> [String: String] {
        let buffer = try await body.collect(upTo: 16 * 1024)
        let text = String(buffer: buffer)
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}
