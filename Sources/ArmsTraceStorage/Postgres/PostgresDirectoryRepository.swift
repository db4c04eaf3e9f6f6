import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``DirectoryRepository`` on PostgreSQL.
struct PostgresDirectoryRepository: DirectoryRepository {
    let database: PostgresDatabase

    func contacts(member: MemberCode?) async throws -> [PointOfContact] {
        try await database.read { connection in
            if let member {
                try await connection.rows(
                    """
                    SELECT *, languages::text AS language_list FROM point_of_contact WHERE member_code = \(member.rawValue)
                    ORDER BY role COLLATE "C", name COLLATE "C", id
                    """,
                    database.logger
                )
            } else {
                try await connection.rows(
                    """
                    SELECT *, languages::text AS language_list FROM point_of_contact
                    ORDER BY member_code COLLATE "C", role COLLATE "C", name COLLATE "C", id
                    """,
                    database.logger
                )
            }
        }.map(Self.contact)
    }

    func save(_ contact: PointOfContact, by actor: Actor) async throws {
        try await database.write { connection in
            let owner = try await connection.rows(
                "SELECT member_code FROM point_of_contact WHERE id = \(contact.id.uuid) FOR UPDATE",
                database.logger
            )
            .first.map { try $0.text("member_code") }
            if let owner, owner != actor.member.rawValue { throw DomainError.notFound(entity: "contact", id: contact.id.description) }
            try await connection.rows(
                """
                INSERT INTO point_of_contact (id, member_code, role, agency, name, title, languages, email, phone, address, updated_at, confirmed_at)
                VALUES (\(contact.id.uuid), \(contact.member.rawValue), \(contact.role.rawValue), \(contact.agency), \(contact.name), \(contact.title),
                    \(try StockRows.json(contact.languages))::json, \(contact.email), \(contact.phone), \(contact.address), \(contact.updatedAt.stored),
                    \(contact.confirmedAt.stored))
                ON CONFLICT (id) DO UPDATE SET role = excluded.role, agency = excluded.agency, name = excluded.name, title = excluded.title,
                    languages = excluded.languages, email = excluded.email, phone = excluded.phone, address = excluded.address,
                    updated_at = excluded.updated_at, confirmed_at = excluded.confirmed_at
                """,
                database.logger
            )
            try await database.audit(connection, .directory(contact, owner == nil ? "added" : "changed", by: actor))
        }
    }

    func confirm(_ id: PointOfContact.ID, by actor: Actor, at now: Date) async throws -> PointOfContact {
        try await database.write { connection in
            guard var contact = try await fetch(connection, id, member: actor.member) else {
                throw DomainError.notFound(entity: "contact", id: id.description)
            }
            contact.confirmedAt = now
            try await connection.rows("UPDATE point_of_contact SET confirmed_at = \(now.stored) WHERE id = \(id.uuid)", database.logger)
            try await database.audit(connection, .directory(contact, "confirmed", by: actor))
            return contact
        }
    }

    func remove(_ id: PointOfContact.ID, by actor: Actor) async throws {
        try await database.write { connection in
            guard let contact = try await fetch(connection, id, member: actor.member) else {
                throw DomainError.notFound(entity: "contact", id: id.description)
            }
            try await connection.rows("DELETE FROM point_of_contact WHERE id = \(id.uuid)", database.logger)
            try await database.audit(connection, .directory(contact, "removed", by: actor))
        }
    }

    private func fetch(_ connection: PostgresConnection, _ id: PointOfContact.ID, member: MemberCode) async throws -> PointOfContact? {
        try await connection.rows(
            """
            SELECT *, languages::text AS language_list FROM point_of_contact WHERE id = \(id.uuid) AND member_code = \(member.rawValue) FOR UPDATE
            """,
            database.logger
        ).first.map(Self.contact)
    }

    private static func contact(_ row: PostgresRandomAccessRow) throws -> PointOfContact {
        PointOfContact(
            id: try row.id("id"),
            member: try row.member("member_code"),
            role: try row.enumeration("role"),
            agency: try row.text("agency"),
            name: try row.text("name"),
            title: try row.optionalText("title"),
            languages: try StockRows.value([String].self, try row.text("language_list")),
            email: try row.optionalText("email"),
            phone: try row.optionalText("phone"),
            address: try row.optionalText("address"),
            updatedAt: try row.date("updated_at"),
            confirmedAt: try row.date("confirmed_at")
        )
    }
}
