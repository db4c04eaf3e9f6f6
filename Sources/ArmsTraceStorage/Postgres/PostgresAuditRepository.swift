public import ArmsTraceDomain
public import Crypto
import Foundation
import Logging
import PostgresNIO

extension AuditChain {
    /// The advisory lock that keeps appends in one order across every process on the database: one per schema,
    /// so that deployments in other schemas of the same database do not wait for each other.
    static let lock: PostgresQuery = "SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockClass), hashtext(current_schema() || ':audit'))"

    /// Appends `event` after the current head, in the caller's transaction. The transaction-scoped advisory lock,
    /// held until the transaction ends, makes concurrent appends from any number of servers wait their turn, so
    /// the chain stays one unbroken order.
    static func append(_ connection: PostgresConnection, _ event: AuditEvent, _ logger: Logger) async throws {
        try await connection.rows(lock, logger)
        let head = try await connection.rows("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1", logger).first
        let sequence: Int64 = try (head?.value("sequence") ?? 0) + 1
        let previous: Data = try head?.data("hash") ?? genesis
        let values = fields(event)
        let hash = digest(previous: previous, sequence: sequence, fields: values)
        try await connection.rows(
            """
            INSERT INTO audit_log (sequence, at, member_code, user_id, channel, action, subject, concerns_code, detail, previous_hash, hash)
            VALUES (\(sequence), \(values[0]), \(values[1]), \(values[2]), \(values[3]), \(values[4]), \(values[5]), \(values[6]),
                \(values[7]), \(previous), \(hash))
            """,
            logger
        )
    }
}

extension PostgresDatabase {
    /// Appends an audit event in the caller's transaction.
    func audit(_ connection: PostgresConnection, _ event: AuditEvent) async throws {
        try await AuditChain.append(connection, event, logger)
    }

    /// Reads the whole audit chain in order and checks every link (``AuditChainVerifier``); then, given the
    /// operator's public key, every signed head. Stops at the first problem, which it names.
    public func verifyAuditChain(publicKey: Curve25519.Signing.PublicKey? = nil) async throws -> AuditVerification {
        let publicKeyBytes = publicKey?.rawRepresentation
        return try await snapshot { connection in
            var verifier = AuditChainVerifier()
            var after: Int64 = 0
            // Pages of 10,000 entries keep memory flat on a long trail.
            while true {
                let rows = try await connection.rows(
                    "SELECT * FROM audit_log WHERE sequence > \(after) ORDER BY sequence LIMIT 10000",
                    logger
                )
                for row in rows {
                    let fields = try AuditChain.columns.map { try row.optionalText($0) }
                    after = try row.value("sequence")
                    guard verifier.check(sequence: after, fields: fields, previousHash: try row.data("previous_hash"), hash: try row.data("hash"))
                    else { return verifier.result }
                }
                if rows.count < 10000 { break }
            }
            guard let publicKeyBytes, let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes) else {
                return verifier.result
            }
            let heads = try await connection.rows(
                """
                SELECT h.sequence, h.hash, h.signed_at, h.signature, l.hash AS stored
                FROM audit_head h LEFT JOIN audit_log l ON l.sequence = h.sequence ORDER BY h.sequence
                """,
                logger
            )
            for head in heads {
                guard
                    verifier.checkHead(
                        sequence: try head.value("sequence"),
                        hash: try head.data("hash"),
                        signedAt: try head.text("signed_at"),
                        signature: try head.data("signature"),
                        stored: try head.optionalData("stored"),
                        publicKey: publicKey
                    )
                else { return verifier.result }
            }
            return verifier.result
        }
    }
}

/// ``AuditRepository`` on PostgreSQL.
struct PostgresAuditRepository: AuditRepository {
    let database: PostgresDatabase

    func append(_ event: AuditEvent) async throws {
        try await database.write { connection in try await database.audit(connection, event) }
    }

    func signHead(privateKey: Data, at now: Date) async throws -> Int64? {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey)
        let publicKey = key.publicKey.rawRepresentation
        return try await database.write { connection in
            let logger = database.logger
            // The chain's lock: the head read is the head the signature covers.
            try await connection.rows(AuditChain.lock, logger)
            guard let head = try await connection.rows("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1", logger).first
            else { return nil }
            let sequence: Int64 = try head.value("sequence")
            let hash = try head.data("hash")
            guard try await connection.rows("SELECT 1 FROM audit_head WHERE sequence = \(sequence)", logger).isEmpty else { return nil }
            let signature = try Curve25519.Signing.PrivateKey(rawRepresentation: privateKey).signature(
                for: AuditSigning.message(sequence: sequence, hash: hash)
            )
            try await connection.rows(
                """
                INSERT INTO audit_head (sequence, hash, signed_at, public_key, signature)
                VALUES (\(sequence), \(hash), \(AuditChain.timestamp(now)), \(publicKey), \(signature))
                """,
                logger
            )
            return sequence
        }
    }

    func entries(for member: MemberCode, limit: Int, cursor: String?) async throws -> Page<AuditEntry> {
        var after = Int64.max
        if let cursor {
            guard let value = Int64(cursor) else { throw DomainError.invalid(field: "cursor", "is not a cursor from a previous page") }
            after = value
        }
        let rows = try await database.read { connection in
            try await connection.rows(
                """
                SELECT * FROM audit_log WHERE (member_code = \(member.rawValue) OR concerns_code = \(member.rawValue)) AND sequence < \(after)
                ORDER BY sequence DESC LIMIT \(limit + 1)
                """,
                database.logger
            )
        }
        let entries = try rows.map { row in
            let sequence: Int64 = try row.value("sequence")
            guard
                let event = AuditChain.event(
                    at: try row.text("at"),
                    member: try row.optionalText("member_code"),
                    userID: try row.optionalText("user_id"),
                    channel: try row.optionalText("channel"),
                    action: try row.text("action"),
                    subject: try row.optionalText("subject"),
                    concerns: try row.optionalText("concerns_code"),
                    detail: try row.optionalText("detail")
                )
            else { throw StorageError("audit_log entry \(sequence) is malformed") }
            return AuditEntry(sequence: sequence, event: event, previousHash: try row.data("previous_hash").hex, hash: try row.data("hash").hex)
        }
        return Page(readAhead: entries, limit: limit, cursor: { String($0.sequence) })
    }
}
