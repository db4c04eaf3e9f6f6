import ArmsTraceDomain
import Foundation
import GRDB

/// ``CooperationRepository`` on SQLite.
struct CooperationSQLiteRepository: CooperationRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func documents<Document: CooperationDocument>(_ type: Document.Type, party: MemberCode?) async throws -> [Document] {
        let kind = Document.kind
        let rows = try await read { db in
            let rows =
                if let party {
                    try Row.fetchAll(
                        db,
                        sql: """
                            SELECT d.body, d.version FROM cooperation_document d JOIN cooperation_party p ON p.document_id = d.id
                            WHERE d.kind = ? AND p.member_code = ? ORDER BY d.created_at, d.id
                            """,
                        arguments: [kind, party.rawValue]
                    )
                } else {
                    try Row.fetchAll(
                        db,
                        sql: "SELECT body, version FROM cooperation_document WHERE kind = ? ORDER BY created_at, id",
                        arguments: [kind]
                    )
                }
            return rows.map { ($0["body"] as String, $0["version"] as Int) }
        }
        return try rows.map { try CooperationRows.document(Document.self, body: $0.0, version: $0.1) }
    }

    func document<Document: CooperationDocument>(_ type: Document.Type, id: Identifier<Document>) async throws -> Document? {
        let kind = Document.kind
        let row = try await read { db in
            try Row.fetchOne(db, sql: "SELECT body, version FROM cooperation_document WHERE id = ? AND kind = ?", arguments: [id.description, kind])
                .map { ($0["body"] as String, $0["version"] as Int) }
        }
        return try row.map { try CooperationRows.document(Document.self, body: $0.0, version: $0.1) }
    }

    func save<Document: CooperationDocument>(_ document: Document, audit: AuditEvent) async throws -> Document {
        var stored = document
        stored.version = document.version + 1
        let body = try CooperationRows.body(stored)
        let (id, kind, owner, previous) = (document.id.description, Document.kind, document.owner.rawValue, document.version)
        let parties = document.parties.map(\.rawValue)
        try await writer.translatedWrite(conflict: "\(kind) \(id) exists") { db in
            if previous == 0 {
                try db.execute(
                    sql: """
                        INSERT INTO cooperation_document (id, kind, owner_code, version, body, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)
                        """,
                    arguments: [id, kind, owner, body, audit.at, audit.at]
                )
            } else {
                try db.execute(
                    sql: "UPDATE cooperation_document SET version = ?, body = ?, updated_at = ? WHERE id = ? AND kind = ? AND version = ?",
                    arguments: [previous + 1, body, audit.at, id, kind, previous]
                )
                guard db.changesCount == 1 else { throw CooperationRows.changedMeanwhile(kind, id) }
                try db.execute(sql: "DELETE FROM cooperation_party WHERE document_id = ?", arguments: [id])
            }
            for party in parties {
                try db.execute(sql: "INSERT INTO cooperation_party (document_id, member_code) VALUES (?, ?)", arguments: [id, party])
            }
            try AuditChain.append(db, audit)
        }
        return stored
    }
}
