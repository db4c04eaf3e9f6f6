import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation

extension ArmsTraceCommand.UserCommand {
    /// `armstrace user password --user ID --login NAME [--second-factor]`: the password comes from standard input,
    /// never from the command line, where others could read it.
    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's web sign-in: a login name and a password read from standard input, and optionally a TOTP second factor."
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        @Option(help: "The user's ID.")
        var user: String

        @Option(help: "The login name: 3 to 100 letters, digits, dots, dashes, underscores or @.")
        var login: String

        @Flag(help: "Give the user a new TOTP second factor and print its secret.")
        var secondFactor = false

        @Option(help: "bcrypt's cost (2^cost rounds).")
        var cost = 12

        func run() async throws {
            guard let id = User.ID(user) else { throw ValidationError("'\(user)' is not a user ID") }
            // At a terminal the password is asked for without echo; otherwise it is the first line of standard input.
            let typed = isatty(STDIN_FILENO) != 0 ? getpass("Password: ").map { String(cString: $0) } : readLine(strippingNewline: true)
            guard let password = typed else { throw ValidationError("give the password on standard input") }
            let repositories = try await databaseOptions.open().repositories
            let credentials = Credentials(cost: cost)
            do {
                let secret = try await SignInService(repositories: repositories, credentials: credentials)
                    .setCredentials(of: id, login: login, password: password, secondFactor: secondFactor)
                print("User \(id) signs in as \(login.lowercased()).")
                if let secret {
                    let base32 = Credentials.base32(secret)
                    print("Second factor secret (base32): \(base32)")
                    print("otpauth://totp/ArmsTrace:\(login.lowercased())?secret=\(base32)&issuer=ArmsTrace")
                }
            } catch DomainError.invalid(let problems) {
                throw ValidationError(problems.map(\.description).joined(separator: "; "))
            }
        }
    }
}
