public import ArmsTraceDomain
public import Crypto
import Foundation

/// The audit trail as a hash chain in the `audit_log` table, the same on every engine.
///
/// Entry *n* stores SHA-256 over entry *n−1*'s hash, *n* itself, and its fields as stored (texts, each
/// length-prefixed; absent ones marked), so that changing, removing or reordering any entry breaks the chain from
/// there on. Appends happen inside the transaction of the action they record, one at a time: SQLite's single writer
/// keeps the chain in one order, and on PostgreSQL a transaction-scoped advisory lock does.
enum AuditChain {
    /// The fields of an entry, in hash order, as the table stores them.
    static let columns = ["at", "member_code", "user_id", "channel", "action", "subject", "concerns_code", "detail"]

    /// The hash before the first entry.
    static let genesis = Data(count: 32)

    /// An event's fields as stored: times as ISO 8601 with milliseconds, in UTC.
    static func fields(_ event: AuditEvent) -> [String?] {
        [
            timestamp(event.at), event.member?.rawValue, event.userID?.description, event.channel?.rawValue, event.action.rawValue,
            event.subject, event.concerns?.rawValue, event.detail,
        ]
    }

    static func digest(previous: Data, sequence: Int64, fields: [String?]) -> Data {
        var hasher = SHA256()
        hasher.update(data: previous)
        withUnsafeBytes(of: sequence.bigEndian) { hasher.update(bufferPointer: $0) }
        for field in fields {
            guard let field else {
                hasher.update(data: Data([0]))
                continue
            }
            let bytes = Data(field.utf8)
            hasher.update(data: Data([1]))
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        return Data(hasher.finalize())
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func timestamp(_ date: Date) -> String { style.format(date) }

    static func date(_ text: String) -> Date? { try? style.parse(text) }

    /// A stored entry's event.
    static func event(
        at: String,
        member: String?,
        userID: String?,
        channel: String?,
        action: String,
        subject: String?,
        concerns: String?,
        detail: String?
    )
        -> AuditEvent?
    {
        guard let date = date(at), let action = AuditEvent.Action(rawValue: action) else { return nil }
        return AuditEvent(
            at: date,
            member: member.flatMap(MemberCode.init),
            userID: userID.flatMap(User.ID.init),
            channel: channel.flatMap(Actor.Channel.init(rawValue:)),
            action: action,
            subject: subject,
            concerns: concerns.flatMap(MemberCode.init),
            detail: detail
        )
    }
}

/// What `armstrace audit verify` found.
public struct AuditVerification: Sendable, Equatable {
    /// How many entries were read.
    public var entries: Int
    /// The head's sequence number and hash (hex), if any entry exists.
    public var head: (sequence: Int64, hash: String)?
    /// How many signed heads were checked; 0 when no public key was given.
    public var signedHeads: Int = 0
    /// The first problem, naming the entry; `nil` when the chain is intact.
    public var problem: String?
    /// The sequence number of the first entry found wrong.
    public var firstBadEntry: Int64?

    public var isIntact: Bool { problem == nil }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.entries == rhs.entries && lhs.signedHeads == rhs.signedHeads && lhs.problem == rhs.problem && lhs.firstBadEntry == rhs.firstBadEntry
            && lhs.head?.sequence == rhs.head?.sequence && lhs.head?.hash == rhs.head?.hash
    }
}

/// Checks a chain read in order, entry by entry, then its signed heads: what every engine's `verifyAuditChain` runs.
struct AuditChainVerifier {
    private(set) var result = AuditVerification(entries: 0)
    private var expectedSequence: Int64 = 1
    private var previous = AuditChain.genesis

    /// Checks the next entry: sequence numbers without gaps, each entry following the one before, each hash
    /// matching its entry.
    /// - Returns: `false` at the first problem, which ``result`` names.
    mutating func check(sequence: Int64, fields: [String?], previousHash: Data, hash: Data) -> Bool {
        if sequence != expectedSequence {
            return fail(
                expectedSequence,
                sequence > expectedSequence
                    ? "entry \(expectedSequence) is missing: entry \(expectedSequence - 1) is followed by entry \(sequence)"
                    : "entry \(sequence) is out of order"
            )
        }
        if previousHash != previous {
            return fail(sequence, "entry \(sequence) does not follow entry \(sequence - 1): an entry was removed, inserted or moved")
        }
        if AuditChain.digest(previous: previousHash, sequence: sequence, fields: fields) != hash {
            return fail(sequence, "entry \(sequence) was altered: its content does not match its hash")
        }
        result.entries += 1
        result.head = (sequence, hash.hex)
        previous = hash
        expectedSequence += 1
        return true
    }

    /// Checks a signed head: the signature must verify under `publicKey`, and the chain must still hold the signed
    /// entry with the signed hash (`stored`, `nil` when the entry is gone).
    /// - Returns: `false` at the first problem, which ``result`` names.
    mutating func checkHead(
        sequence: Int64,
        hash: Data,
        signedAt: String,
        signature: Data,
        stored: Data?,
        publicKey: Curve25519.Signing.PublicKey
    )
        -> Bool
    {
        guard publicKey.isValidSignature(signature, for: AuditSigning.message(sequence: sequence, hash: hash)) else {
            return fail(sequence, "the head signed at \(signedAt) for entry \(sequence) has no valid signature under this public key")
        }
        guard let stored else {
            return fail(sequence, "entry \(sequence), signed as the head at \(signedAt), is missing: the trail was cut short")
        }
        guard stored == hash else {
            return fail(sequence, "entry \(sequence) is not the entry signed as the head at \(signedAt): the trail was rewritten")
        }
        result.signedHeads += 1
        return true
    }

    private mutating func fail(_ entry: Int64, _ problem: String) -> Bool {
        result.problem = problem
        result.firstBadEntry = entry
        return false
    }
}

extension Data {
    /// Lower-case hexadecimal.
    var hex: String { String(decoding: hexBytes, as: UTF8.self) }

    /// Lower-case hexadecimal, as UTF-8 bytes.
    var hexBytes: [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return bytes
    }
}
