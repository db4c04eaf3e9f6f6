public import Crypto
public import Foundation

/// Signed heads of the audit chain: every so often the server signs the newest entry's sequence number and hash
/// with an Ed25519 key from its configuration and stores the signature in `audit_head`. A chain whose signed heads
/// still verify under the operator's public key cannot have lost its tail, nor been rewritten as a whole, without
/// the key.
public enum AuditSigning {
    /// Reads a private key file: the 32 raw bytes in base64 (what `armstrace audit keygen` writes).
    /// - Throws: `StorageError` naming the file when it cannot be read or holds no key.
    public static func privateKey(fromFile path: String) throws -> Curve25519.Signing.PrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw StorageError("\(path) holds no audit signing key (32 bytes in base64, as `armstrace audit keygen` writes)") }
        return key
    }

    /// Reads a public key: 32 raw bytes in base64.
    public static func publicKey(_ base64: String) -> Curve25519.Signing.PublicKey? {
        Data(base64Encoded: base64).flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }
    }

    /// What is signed: a label, the sequence number and the hash.
    static func message(sequence: Int64, hash: Data) -> Data {
        var message = Data("armstrace-audit-head\n".utf8)
        withUnsafeBytes(of: sequence.bigEndian) { message.append(contentsOf: $0) }
        message.append(hash)
        return message
    }
}
