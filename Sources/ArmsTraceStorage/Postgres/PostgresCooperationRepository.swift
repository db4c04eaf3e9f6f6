import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``CooperationRepository`` on PostgreSQL.
struct PostgresCooperationRepository: CooperationRepository {
    let database: PostgresDatabase

    func documents<Document: CooperationDocument>(_ type: Document.Type, party: MemberCode?) async throws -> [Document] {
        let rows = try await database.read { connection in
            if let party {
                try await connection.rows(
                    """
                    SELECT d.body::text AS body_text, d.version FROM cooperation_document d JOIN cooperation_party p ON p.document_id = d.id
                    WHERE d.kind = \(Document.kind) AND p.member_code = \(party.rawValue) ORDER BY d.created_at, d.id
                    """,
                    database.logger
                )
            } else {
                try await connection.rows(
                    """
                    SELECT body::text AS body_text, version FROM cooperation_document WHERE kind = \(Document.kind) ORDER BY created_at, id
                    """,
                    database.logger
                )
            }
        }
        return try rows.map { try CooperationRows.document(Document.self, body: try $0.text("body_text"), version: try $0.int("version")) }
    }

    func document<Document: CooperationDocument>(_ type: Document.Type, id: Identifier<Document>) async throws -> Document? {
        let rows = try await database.read { connection in
            try await connection.rows(
                "SELECT body::text AS body_text, version FROM cooperation_document WHERE id = \(id.uuid) AND kind = \(Document.kind)",
                database.logger
            )
        }
        return try rows.first.map { try CooperationRows.document(Document.self, body: try $0.text("body_text"), version: try $0.int("version")) }
    }

    func save<Document: CooperationDocument>(_ document: Document, audit: AuditEvent) async throws -> Document {
        var stored = document
        stored.version = document.version + 1
        let body = try CooperationRows.body(stored)
        let (id, kind, previous) = (document.id.uuid, Document.kind, document.version)
        try await database.write(conflict: "\(kind) \(document.id) exists") { connection in
            if previous == 0 {
                try await connection.rows(
                    """
                    INSERT INTO cooperation_document (id, kind, owner_code, version, body, created_at, updated_at)
                    VALUES (\(id), \(kind), \(document.owner.rawValue), 1, \(body)::json, \(audit.at.stored), \(audit.at.stored))
                    """,
                    database.logger
                )
            } else {
                let updated = try await connection.rows(
                    """
                    UPDATE cooperation_document SET version = \(previous + 1), body = \(body)::json, updated_at = \(audit.at.stored)
                    WHERE id = \(id) AND kind = \(kind) AND version = \(previous) RETURNING id
                    """,
                    database.logger
                )
                guard !updated.isEmpty else { throw CooperationRows.changedMeanwhile(kind, document.id.description) }
                try await connection.rows("DELETE FROM cooperation_party WHERE document_id = \(id)", database.logger)
            }
            for party in document.parties {
                try await connection.rows(
                    "INSERT INTO cooperation_party (document_id, member_code) VALUES (\(id), \(party.rawValue))",
                    database.logger
                )
            }
            try await database.audit(connection, audit)
        }
        return stored
    }
}
