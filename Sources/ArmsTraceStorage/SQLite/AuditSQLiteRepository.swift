public import ArmsTraceDomain
public import Crypto
import Foundation
import GRDB

extension AuditChain {
    private static let insertSQL =
        "INSERT INTO audit_log (sequence, " + columns.joined(separator: ", ") + ", previous_hash, hash) VALUES (?, "
        + columns.map { _ in "?" }.joined(separator: ", ") + ", ?, ?)"

    /// Appends `event` after the current head, in the caller's write transaction: SQLite's single writer keeps the
    /// chain in one order.
    static func append(_ db: Database, _ event: AuditEvent) throws {
        // Both statements prepared once per connection: every write of the application comes through here.
        let head = try Row.fetchOne(db.cachedStatement(sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1"))
        let sequence: Int64 = (head?["sequence"] ?? 0) + 1
        let previous: Data = head?["hash"] ?? genesis
        let values = fields(event)
        let hash = digest(previous: previous, sequence: sequence, fields: values)
        try db.cachedStatement(sql: insertSQL).execute(arguments: StatementArguments([sequence] + values + [previous, hash]))
    }
}

extension SQLiteDatabase {
    /// Reads the whole audit chain in order and checks every link (``AuditChainVerifier``); then, given the
    /// operator's public key, every signed head. Stops at the first problem, which it names.
    public func verifyAuditChain(publicKey: Curve25519.Signing.PublicKey? = nil) async throws -> AuditVerification {
        let publicKeyBytes = publicKey?.rawRepresentation
        return try await writer.read { db in
            var verifier = AuditChainVerifier()
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT sequence, " + AuditChain.columns.joined(separator: ", ") + ", previous_hash, hash FROM audit_log ORDER BY sequence"
            )
            while let row = try rows.next() {
                let fields: [String?] = AuditChain.columns.map { row[$0] }
                guard
                    verifier.check(
                        sequence: row["sequence"],
                        fields: fields,
                        previousHash: row["previous_hash"] ?? Data(),
                        hash: row["hash"] ?? Data()
                    )
                else { return verifier.result }
            }
            guard let publicKeyBytes, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes) else {
                return verifier.result
            }
            let heads = try Row.fetchCursor(
                db,
                sql: """
                    SELECT h.sequence, h.hash, h.signed_at, h.signature, l.hash AS stored
                    FROM audit_head h LEFT JOIN audit_log l ON l.sequence = h.sequence ORDER BY h.sequence
                    """
            )
            while let head = try heads.next() {
                guard
                    verifier.checkHead(
                        sequence: head["sequence"],
                        hash: head["hash"],
                        signedAt: head["signed_at"],
                        signature: head["signature"],
                        stored: head["stored"],
                        publicKey: publicKey
                    )
                else { return verifier.result }
            }
            return verifier.result
        }
    }
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
        guard
            let event = AuditChain.event(
                at: row["at"],
                member: row["member_code"],
                userID: row["user_id"],
                channel: row["channel"],
                action: row["action"],
                subject: row["subject"],
                concerns: row["concerns_code"],
                detail: row["detail"]
            )
        else { throw StorageError("audit_log entry \(sequence) is malformed") }
        return AuditEntry(sequence: sequence, event: event, previousHash: (row["previous_hash"] as Data).hex, hash: (row["hash"] as Data).hex)
    }
}
