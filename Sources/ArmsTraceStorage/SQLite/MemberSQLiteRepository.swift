import ArmsTraceDomain
import Foundation
import GRDB

/// ``MemberRepository`` on SQLite.
struct MemberSQLiteRepository: MemberRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func create(_ member: Member) async throws {
        try await writer.translatedWrite(conflict: "member \(member.id) exists") { db in
            try db.execute(
                sql: "INSERT INTO member (code, kind, name, created_at) VALUES (?, ?, ?, ?)",
                arguments: [member.id.rawValue, member.kind.rawValue, member.name, Date()]
            )
        }
    }

    func get(_ code: MemberCode) async throws -> Member {
        let member = try await read { db in
            try Row.fetchOne(db, sql: "SELECT code, kind, name FROM member WHERE code = ?", arguments: [code.rawValue]).map(Self.member)
        }
        guard let member else { throw DomainError.notFound(entity: "member", id: code.rawValue) }
        return member
    }

    func list() async throws -> [Member] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT code, kind, name FROM member ORDER BY code").map(Self.member)
        }
    }

    func existing(_ codes: [MemberCode]) async throws -> Set<MemberCode> {
        guard !codes.isEmpty else { return [] }
        let raw = codes.map(\.rawValue)
        let found = try await read { db in
            try String.fetchAll(db, SQLRequest(literal: "SELECT code FROM member WHERE code IN \(raw)"))
        }
        return Set(found.compactMap(MemberCode.init))
    }

    func settings(of member: MemberCode) async throws -> MemberSettings {
        try await read { db in try Self.settings(db, of: member) }
    }

    /// The member's settings, read in the caller's transaction.
    static func settings(_ db: Database, of member: MemberCode) throws -> MemberSettings {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT searches_per_day, maximum_candidates FROM member_settings WHERE member_code = ?"),
            arguments: [member.rawValue]
        )
        return row.map { MemberSettings(searchesPerDay: $0[0], maximumCandidates: $0[1]) } ?? .standard
    }

    func setSettings(_ settings: MemberSettings, by actor: Actor) async throws {
        try await writer.translatedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO member_settings (member_code, searches_per_day, maximum_candidates, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (member_code) DO UPDATE SET searches_per_day = excluded.searches_per_day,
                        maximum_candidates = excluded.maximum_candidates, updated_at = excluded.updated_at
                    """,
                arguments: [actor.member.rawValue, settings.searchesPerDay, settings.maximumCandidates, Date()]
            )
            try AuditChain.append(db, .memberSettingsSet(settings, by: actor))
        }
    }

    static func member(_ row: Row) throws -> Member {
        guard let code = MemberCode(row["code"]), let kind = Member.Kind(rawValue: row["kind"]) else {
            throw StorageError("member row is malformed")
        }
        return Member(id: code, kind: kind, name: row["name"])
    }
}
