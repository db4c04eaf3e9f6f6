import Crypto
import Foundation

/// Makes and hashes bearer-token secrets.
///
/// A secret is `at_` followed by 32 random bytes in base64url (256 bits). Since the secret carries that much
/// entropy, a single SHA-256 is a sufficient hash at rest: no offline guessing can succeed, and lookup by hash keeps
/// authentication a single indexed read.
enum TokenSecrets {
    static let prefix = "at_"

    /// A new secret; browser sessions use the prefix `ws_`.
    static func generate(prefix: String = prefix) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + base64
    }

    static func hash(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }
}
