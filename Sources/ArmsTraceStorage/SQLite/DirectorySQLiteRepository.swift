import ArmsTraceDomain
import Foundation
import GRDB

/// ``DirectoryRepository`` on SQLite.
struct DirectorySQLiteRepository: DirectoryRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func contacts(member: MemberCode?) async throws -> [PointOfContact] {
        try await read { db in
            let rows =
                if let member {
                    try Row.fetchAll(
                        db,
                        sql: "SELECT * FROM point_of_contact WHERE member_code = ? ORDER BY role, name, id",
                        arguments: [member.rawValue]
                    )
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM point_of_contact ORDER BY member_code, role, name, id")
                }
            return try rows.map(Self.contact)
        }
    }

    func save(_ contact: PointOfContact, by actor: Actor) async throws {
        try await writer.translatedWrite { db in
            let owner = try String.fetchOne(db, sql: "SELECT member_code FROM point_of_contact WHERE id = ?", arguments: [contact.id.description])
            if let owner, owner != actor.member.rawValue { throw DomainError.notFound(entity: "contact", id: contact.id.description) }
            try db.execute(
                sql: """
                    INSERT INTO point_of_contact (id, member_code, role, agency, name, title, languages, email, phone, address, updated_at, confirmed_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET role = excluded.role, agency = excluded.agency, name = excluded.name, title = excluded.title,
                        languages = excluded.languages, email = excluded.email, phone = excluded.phone, address = excluded.address,
                        updated_at = excluded.updated_at, confirmed_at = excluded.confirmed_at
                    """,
                arguments: [
                    contact.id.description, contact.member.rawValue, contact.role.rawValue, contact.agency, contact.name, contact.title,
                    try StockRows.json(contact.languages), contact.email, contact.phone, contact.address, contact.updatedAt, contact.confirmedAt,
                ]
            )
            try AuditChain.append(db, .directory(contact, owner == nil ? "added" : "changed", by: actor))
        }
    }

    func confirm(_ id: PointOfContact.ID, by actor: Actor, at now: Date) async throws -> PointOfContact {
        try await writer.translatedWrite { db in
            guard var contact = try Self.fetch(db, id, member: actor.member) else {
                throw DomainError.notFound(entity: "contact", id: id.description)
            }
            contact.confirmedAt = now
            try db.execute(sql: "UPDATE point_of_contact SET confirmed_at = ? WHERE id = ?", arguments: [now, id.description])
            try AuditChain.append(db, .directory(contact, "confirmed", by: actor))
            return contact
        }
    }

    func remove(_ id: PointOfContact.ID, by actor: Actor) async throws {
        try await writer.translatedWrite { db in
            guard let contact = try Self.fetch(db, id, member: actor.member) else {
                throw DomainError.notFound(entity: "contact", id: id.description)
            }
            try db.execute(sql: "DELETE FROM point_of_contact WHERE id = ?", arguments: [id.description])
            try AuditChain.append(db, .directory(contact, "removed", by: actor))
        }
    }

    private static func fetch(_ db: Database, _ id: PointOfContact.ID, member: MemberCode) throws -> PointOfContact? {
        try Row.fetchOne(db, sql: "SELECT * FROM point_of_contact WHERE id = ? AND member_code = ?", arguments: [id.description, member.rawValue])
            .map(contact)
    }

    private static func contact(_ row: Row) throws -> PointOfContact {
        guard let id = PointOfContact.ID(row["id"] as String), let member = MemberCode(row["member_code"] as String),
            let role = PointOfContact.Role(rawValue: row["role"])
        else { throw StorageError("point_of_contact row is malformed") }
        return PointOfContact(
            id: id,
            member: member,
            role: role,
            agency: row["agency"],
            name: row["name"],
            title: row["title"],
            languages: try StockRows.value([String].self, row["languages"]),
            email: row["email"],
            phone: row["phone"],
            address: row["address"],
            updatedAt: row["updated_at"],
            confirmedAt: row["confirmed_at"]
        )
    }
}
