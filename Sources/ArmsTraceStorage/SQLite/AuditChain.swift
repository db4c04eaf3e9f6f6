public import ArmsTraceDomain
public import Crypto
import Foundation
import GRDB

/// The audit trail as a hash chain in the `audit_log` table.
///
/// Entry *n* stores SHA-256 over entry *n−1*'s hash, *n* itself, and its fields as stored (texts, each
/// length-prefixed; absent ones marked), so that changing, removing or reordering any entry breaks the chain from
/// there on. Appends happen inside the transaction of the action they record; SQLite's single writer keeps the
/// chain in one order.
enum AuditChain {
    /// The fields of an entry, in hash order, as the table stores them.
    static let columns = ["at", "member_code", "user_id", "channel", "action", "subject", "concerns_code", "detail"]

    /// The hash before the first entry.
    static let genesis = Data(count: 32)

    /// Appends `event` after the current head.
    static func append(_ db: Database, _ event: AuditEvent) throws {
        let head = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1")
        let sequence: Int64 = (head?["sequence"] ?? 0) + 1
        let previous: Data = head?["hash"] ?? genesis
        let values = fields(event)
        let hash = digest(previous: previous, sequence: sequence, fields: values)
        try db.execute(
            sql: "INSERT INTO audit_log (sequence, " + columns.joined(separator: ", ") + ", previous_hash, hash) VALUES (?, "
                + columns.map { _ in "?" }.joined(separator: ", ") + ", ?, ?)",
            arguments: StatementArguments([sequence] + values + [previous, hash])
        )
    }

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

extension SQLiteDatabase {
    /// Reads the whole audit chain in order and checks every link: sequence numbers without gaps, each entry
    /// following the one before, each hash matching its entry; then, given the operator's public key, every signed
    /// head. Stops at the first problem, which it names.
    public func verifyAuditChain(publicKey: Curve25519.Signing.PublicKey? = nil) async throws -> AuditVerification {
        let publicKeyBytes = publicKey?.rawRepresentation
        return try await writer.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT sequence, " + AuditChain.columns.joined(separator: ", ") + ", previous_hash, hash FROM audit_log ORDER BY sequence"
            )
            var result = AuditVerification(entries: 0)
            var expectedSequence: Int64 = 1
            var previous = AuditChain.genesis
            while let row = try rows.next() {
                let sequence: Int64 = row["sequence"]
                let storedPrevious: Data = row["previous_hash"] ?? Data()
                let storedHash: Data = row["hash"] ?? Data()
                let fields: [String?] = AuditChain.columns.map { row[$0] }
                func fail(_ entry: Int64, _ problem: String) -> AuditVerification {
                    result.problem = problem
                    result.firstBadEntry = entry
                    return result
                }
                if sequence != expectedSequence {
                    return fail(
                        expectedSequence,
                        sequence > expectedSequence
                            ? "entry \(expectedSequence) is missing: entry \(expectedSequence - 1) is followed by entry \(sequence)"
                            : "entry \(sequence) is out of order"
                    )
                }
                if storedPrevious != previous {
                    return fail(sequence, "entry \(sequence) does not follow entry \(sequence - 1): an entry was removed, inserted or moved")
                }
                if AuditChain.digest(previous: storedPrevious, sequence: sequence, fields: fields) != storedHash {
                    return fail(sequence, "entry \(sequence) was altered: its content does not match its hash")
                }
                result.entries += 1
                result.head = (sequence, storedHash.hex)
                previous = storedHash
                expectedSequence += 1
            }
            if let publicKeyBytes, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes) {
                if let (problem, entry) = try verifySignedHeads(db, publicKey: publicKey) {
                    result.problem = problem
                    result.firstBadEntry = entry
                    return result
                }
                result.signedHeads = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_head") ?? 0
            }
            return result
        }
    }
}

extension Data {
    /// Lower-case hexadecimal.
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

/// ``AuditRepository`` on SQLite.
struct AuditSQLiteRepository: AuditRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func append(_ event: AuditEvent) async throws {
        try await writer.translatedWrite { db in try AuditChain.append(db, event) }
    }

    func signHead(privateKey: Data, at now: Date) async throws -> Int64? {
        // The key crosses into GRDB's writer as bytes: swift-crypto's key types are not Sendable.
        try await writer.translatedWrite { db in
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)
            guard let head = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1") else { return nil }
            let sequence: Int64 = head["sequence"]
            let hash: Data = head["hash"]
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM audit_head WHERE sequence = ?", arguments: [sequence]) == nil else { return nil }
            let signature = try key.signature(for: AuditSigning.message(sequence: sequence, hash: hash))
            try db.execute(
                sql: "INSERT INTO audit_head (sequence, hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?)",
                arguments: [sequence, hash, AuditChain.timestamp(now), key.publicKey.rawRepresentation, signature]
            )
            return sequence
        }
    }

    func entries(for member: MemberCode, limit: Int, cursor: String?) async throws -> Page<AuditEntry> {
        var sql: SQL = "SELECT * FROM audit_log WHERE (member_code = \(member.rawValue) OR concerns_code = \(member.rawValue))"
        if let cursor {
            guard let after = Int64(cursor) else { throw DomainError.invalid(field: "cursor", "is not a cursor from a previous page") }
            sql += " AND sequence < \(after)"
        }
        sql += " ORDER BY sequence DESC LIMIT \(limit + 1)"
        let request = SQLRequest<Row>(literal: sql)
        let entries = try await read { db in try Row.fetchAll(db, request).map(Self.entry) }
        return Page(readAhead: entries, limit: limit, cursor: { String($0.sequence) })
    }

    private static func entry(_ row: Row) throws -> AuditEntry {
        let sequence: Int64 = row["sequence"]
        guard let at = AuditChain.date(row["at"]), let action = AuditEvent.Action(rawValue: row["action"]) else {
            throw StorageError("audit_log entry \(sequence) is malformed")
        }
        return AuditEntry(
            sequence: sequence,
            event: AuditEvent(
                at: at,
                member: (row["member_code"] as String?).flatMap(MemberCode.init),
                userID: (row["user_id"] as String?).flatMap(User.ID.init),
                channel: (row["channel"] as String?).flatMap(Actor.Channel.init(rawValue:)),
                action: action,
                subject: row["subject"],
                concerns: (row["concerns_code"] as String?).flatMap(MemberCode.init),
                detail: row["detail"]
            ),
            previousHash: (row["previous_hash"] as Data).hex,
            hash: (row["hash"] as Data).hex
        )
    }
}
