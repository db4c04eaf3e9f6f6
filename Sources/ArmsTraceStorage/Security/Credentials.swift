public import ArmsTraceDomain
import CCrypt
import Crypto
public import Foundation

/// Passwords hashed with bcrypt (libxcrypt's `$2b$`), and TOTP second factors (RFC 6238: HMAC-SHA1, 30-second steps,
/// six digits, one step of clock drift either way).
public struct Credentials: CredentialCheck {
    /// bcrypt's cost: 2^cost rounds. 12 by default (about a quarter of a second here); tests use the minimum, 4.
    public let cost: Int

    public init(cost: Int = 12) {
        self.cost = min(max(cost, 4), 31)
    }

    public func hashPassword(_ password: String) throws -> String {
        var random = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in random.indices { random[index] = generator.next() }
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let made = random.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                crypt_gensalt_rn("$2b$", UInt(cost), chars.baseAddress, Int32(chars.count), &setting, Int32(setting.count))
            }
        }
        guard made != nil else { throw StorageError("bcrypt salt could not be made") }
        guard let hash = Self.crypt(password, setting: String(cString: setting)), hash.hasPrefix("$2b$") else {
            throw StorageError("bcrypt is not available in this system's libcrypt")
        }
        return hash
    }

    public func verifyPassword(_ password: String, hash: String) -> Bool {
        guard let computed = Self.crypt(password, setting: hash) else { return false }
        return SignInService.same(computed, hash)
    }

    /// `crypt_rn` into a buffer of our own: reentrant, nothing shared between threads.
    private static func crypt(_ password: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let result = crypt_rn(password, setting, data, Int32(MemoryLayout<crypt_data>.size)) else { return nil }
        let text = String(cString: result)
        return text.hasPrefix("*") ? nil : text
    }

    public func newTOTPSecret() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<20).map { _ in generator.next() })
    }

    public func verifyTOTP(_ code: String, secret: Data, at now: Date) -> Bool {
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { return false }
        let step = Int64(now.timeIntervalSince1970) / 30
        return (step - 1...step + 1).contains { Self.totp(secret: secret, step: $0, digits: 6) == code }
    }

    /// The TOTP code of `secret` at `time` (RFC 6238): what an authenticator app shows.
    public func code(secret: Data, at time: Date, digits: Int = 6) -> String {
        Self.totp(secret: secret, step: Int64(time.timeIntervalSince1970) / 30, digits: digits)
    }

    /// A secret in base32 (RFC 4648, no padding), as authenticator apps take it.
    public static func base32(_ data: Data) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var result = ""
        var buffer = 0
        var bits = 0
        for byte in data {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                result.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }

    /// RFC 6238's code for one time step.
    static func totp(secret: Data, step: Int64, digits: Int) -> String {
        var counter = UInt64(step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let code = String(value % modulus)
        return String(repeating: "0", count: digits - code.count) + code
    }
}
