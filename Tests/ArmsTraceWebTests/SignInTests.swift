import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Web sign-in: bcrypt passwords, TOTP, attempt limits per login and per address with a clock the test moves, session
/// expiry, and the browser flow with its cookie and CSRF token.
@Suite struct SignInTests {
    static let credentials = Credentials(cost: 4)

    /// A clock the test moves.
    final class Clock: Sendable {
        private let value: Mutex<Date>
        init(_ start: Date) { value = Mutex(start) }
        var now: Date { value.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
    }

    /// A world whose KEN officer signs in as `amina` with a password and, when asked, a second factor.
    static func world(secondFactor: Bool = false) async throws -> (TestWorld, SignInService, Clock, Data?) {
        let world = try await TestWorld.make()
        let clock = Clock(Date(timeIntervalSince1970: 1_800_000_000))
        let service = SignInService(repositories: world.repositories, credentials: credentials, now: { clock.now })
        let officer = try #require(try await world.repositories.users.list(member: MemberCode("KEN")!).first { $0.role == .officer })
        let secret = try await service.setCredentials(of: officer.id, login: "Amina", password: "correct horse battery", secondFactor: secondFactor)
        return (world, service, clock, secret)
    }

    @Test func rfc6238TestVector() {
        // RFC 6238, appendix B: SHA-1, secret "12345678901234567890", T = 59 s.
        let secret = Data("12345678901234567890".utf8)
        #expect(Self.credentials.code(secret: secret, at: Date(timeIntervalSince1970: 59), digits: 8) == "94287082")
        #expect(Self.credentials.code(secret: secret, at: Date(timeIntervalSince1970: 1_111_111_109), digits: 8) == "07081804")
        #expect(Credentials.base32(Data("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test func passwordsAreBcryptAndChecked() async throws {
        let hash = try Self.credentials.hashPassword("correct horse battery")
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(Self.credentials.verifyPassword("correct horse battery", hash: hash))
        #expect(!Self.credentials.verifyPassword("correct horse batterx", hash: hash))
        #expect(try Self.credentials.hashPassword("correct horse battery") != hash, "salted")
        let (_, service, _, _) = try await Self.world()
        await #expect(throws: DomainError.self) {
            _ = try await service.setCredentials(of: .generate(), login: "a", password: "short", secondFactor: false)
        }
    }

    @Test func attemptsAreLimitedPerLoginAndPerAddress() async throws {
        let (_, service, clock, _) = try await Self.world()
        _ = try await service.signIn(login: "amina", password: "correct horse battery", code: nil, address: "10.0.0.1")
        for _ in 0..<5 {
            await #expect(throws: DomainError.unauthenticated) {
                _ = try await service.signIn(login: "amina", password: "guess", code: nil, address: "10.0.0.1")
            }
        }
        // The sixth attempt is refused even with the right password, from any address.
        await #expect(throws: DomainError.self) {
            _ = try await service.signIn(login: "AMINA", password: "correct horse battery", code: nil, address: "10.9.9.9")
        }
        clock.advance(15 * 60 + 1)
        #expect(
            try await service.signIn(login: "amina", password: "correct horse battery", code: nil, address: "10.0.0.1").session.user.name == "ken"
        )

        // One address trying many logins is stopped after 20 failures, whatever the login; other addresses are not.
        for index in 0..<20 {
            await #expect(throws: DomainError.unauthenticated) {
                _ = try await service.signIn(login: "nobody\(index)", password: "guess", code: nil, address: "10.6.6.6")
            }
        }
        do {
            _ = try await service.signIn(login: "amina", password: "correct horse battery", code: nil, address: "10.6.6.6")
            Issue.record("the address was not limited")
        } catch DomainError.limitReached {}
        #expect(try await service.signIn(login: "amina", password: "correct horse battery", code: nil, address: "10.0.0.2").secret.hasPrefix("ws_"))
    }

    @Test func sessionsExpireAndEnd() async throws {
        let (_, service, clock, _) = try await Self.world()
        let (session, secret) = try await service.signIn(login: "amina", password: "correct horse battery", code: nil, address: "10.0.0.1")
        #expect(try await service.session(secret: secret) == session)
        clock.advance(8 * 3600 - 1)
        #expect(try await service.session(secret: secret).user == session.user)
        clock.advance(2)
        await #expect(throws: DomainError.unauthenticated) { _ = try await service.session(secret: secret) }

        let (second, secondSecret) = try await service.signIn(login: "amina", password: "correct horse battery", code: nil, address: "10.0.0.1")
        await #expect(throws: DomainError.self) { try await service.signOut(secret: secondSecret, csrfToken: "forged") }
        try await service.signOut(secret: secondSecret, csrfToken: second.csrfToken)
        await #expect(throws: DomainError.unauthenticated) { _ = try await service.session(secret: secondSecret) }
    }

    @Test func aSecondFactorIsRequiredOnceSet() async throws {
        let (_, service, clock, totp) = try await Self.world(secondFactor: true)
        let secret = try #require(totp)
        await #expect(throws: DomainError.unauthenticated) {
            _ = try await service.signIn(login: "amina", password: "correct horse battery", code: nil, address: "10.0.0.1")
        }
        await #expect(throws: DomainError.unauthenticated) {
            _ = try await service.signIn(login: "amina", password: "correct horse battery", code: "000000", address: "10.0.0.1")
        }
        let code = Self.credentials.code(secret: secret, at: clock.now)
        #expect(try await service.signIn(login: "amina", password: "correct horse battery", code: code, address: "10.0.0.1").secret.hasPrefix("ws_"))
    }

    @Test func theBrowserFlow() async throws {
        let (world, _, _, _) = try await Self.world()
        try await world.test { client in
            var form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let page = try await client.execute(uri: "/login", method: .get)
            #expect(page.status == .ok && page.text.contains("<label for=\"password\">"))
            let formToken = try #require(page.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
            let formCookie = String(try #require(page.headers[.setCookie]).split(separator: ";")[0])
            #expect(formCookie == "__Host-armstrace-form=\(formToken)")
            let noFormToken = try await client.execute(
                uri: "/login",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "login=amina&password=correct+horse+battery")
            )
            #expect(noFormToken.status == .forbidden, "the sign-in form carries its own CSRF token")
            form[.cookie] = formCookie
            let wrong = try await client.execute(
                uri: "/login",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "csrf=\(formToken)&login=amina&password=nope")
            )
            #expect(wrong.status == .unauthorized && wrong.text.contains("role=\"alert\""))
            var crossSite = form
            crossSite[.origin] = "https://evil.example"
            let forged = try await client.execute(
                uri: "/login",
                method: .post,
                headers: crossSite,
                body: ByteBuffer(string: "csrf=\(formToken)&login=amina&password=correct+horse+battery")
            )
            #expect(forged.status == .forbidden)
            let signedIn = try await client.execute(
                uri: "/login",
                method: .post,
                headers: form,
                body: ByteBuffer(string: "csrf=\(formToken)&login=amina&password=correct+horse+battery")
            )
            #expect(signedIn.status == .seeOther && signedIn.headers[.location] == "/dashboard")
            let cookie = try #require(signedIn.headers[.setCookie])
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] { #expect(cookie.contains(attribute)) }
            let pair = String(cookie.split(separator: ";")[0])
            #expect(pair.hasPrefix("__Host-armstrace=ws_"))

            let account = try await client.execute(uri: "/account", method: .get, headers: [.cookie: pair])
            #expect(account.status == .ok && account.text.contains("<dd>ken</dd>"))
            let csrf = try #require(account.text.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
            var withCookie: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            withCookie[.cookie] = pair
            let noToken = try await client.execute(uri: "/logout", method: .post, headers: withCookie, body: ByteBuffer(string: "csrf=bad"))
            #expect(noToken.status == .forbidden)
            let out = try await client.execute(uri: "/logout", method: .post, headers: withCookie, body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(out.status == .seeOther)
            let after = try await client.execute(uri: "/account", method: .get, headers: [.cookie: pair])
            #expect(after.status == .seeOther && after.headers[.location] == "/login?next=%2Faccount")
        }
        let actions = try await world.repositories.audit.entries(for: MemberCode("KEN")!, limit: 50, cursor: nil).items.map(\.event.action)
        #expect(actions.contains(.signIn) && actions.contains(.signOut) && actions.contains(.signInFailed))
    }
}
