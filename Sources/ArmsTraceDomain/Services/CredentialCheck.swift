public import Foundation

/// What signing in needs from cryptography, kept out of the domain: password hashes and TOTP codes.
public protocol CredentialCheck: Sendable {
    /// A new hash of `password`, salted.
    func hashPassword(_ password: String) throws -> String
    /// Whether `password` is the one `hash` was made from.
    func verifyPassword(_ password: String, hash: String) -> Bool
    /// A new random TOTP secret.
    func newTOTPSecret() -> Data
    /// Whether `code` is the TOTP code of `secret` at `now` (one step of drift allowed).
    func verifyTOTP(_ code: String, secret: Data, at now: Date) -> Bool
}
