public import Crypto
public import Foundation
import GRDB

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

extension SQLiteDatabase {
    /// Checks every signed head against the chain: the signature must verify under `publicKey`, and the chain must
    /// still hold the signed entry with the signed hash.
    /// - Returns: the first problem, naming the head and the entry; `nil` when every head holds.
    func verifySignedHeads(_ db: Database, publicKey: Curve25519.Signing.PublicKey) throws -> (problem: String, entry: Int64)? {
        let heads = try Row.fetchCursor(db, sql: "SELECT sequence, hash, signed_at, signature FROM audit_head ORDER BY sequence")
        while let head = try heads.next() {
            let sequence: Int64 = head["sequence"]
            let hash: Data = head["hash"]
            let signedAt: String = head["signed_at"]
            guard publicKey.isValidSignature(head["signature"] as Data, for: AuditSigning.message(sequence: sequence, hash: hash)) else {
                return ("the head signed at \(signedAt) for entry \(sequence) has no valid signature under this public key", sequence)
            }
            guard let stored = try Data.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE sequence = ?", arguments: [sequence]) else {
                return ("entry \(sequence), signed as the head at \(signedAt), is missing: the trail was cut short", sequence)
            }
            if stored != hash {
                return ("entry \(sequence) is not the entry signed as the head at \(signedAt): the trail was rewritten", sequence)
            }
        }
        return nil
    }
}
