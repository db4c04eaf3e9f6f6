import ArmsTraceDomain
import Foundation
import PostgresNIO

/// ``MemberRepository`` on PostgreSQL.
struct PostgresMemberRepository: MemberRepository {
    let database: PostgresDatabase

    func create(_ member: Member) async throws {
        try await database.write(conflict: "member \(member.id) exists") { connection in
            try await connection.rows(
                "INSERT INTO member (code, kind, name, created_at) VALUES (\(member.id.rawValue), \(member.kind.rawValue), \(member.name), \(Date().stored))",
                database.logger
            )
        }
    }

    func get(_ code: MemberCode) async throws -> Member {
        let rows = try await database.read { connection in
            try await connection.rows("SELECT code, kind, name FROM member WHERE code = \(code.rawValue)", database.logger)
        }
        guard let row = rows.first else { throw DomainError.notFound(entity: "member", id: code.rawValue) }
        return try Self.member(row)
    }

    func list() async throws -> [Member] {
        try await database.read { connection in
            try await connection.rows("SELECT code, kind, name FROM member ORDER BY code COLLATE \"C\"", database.logger)
        }.map(Self.member)
    }

    func existing(_ codes: [MemberCode]) async throws -> Set<MemberCode> {
        guard !codes.isEmpty else { return [] }
        let rows = try await database.read { connection in
            try await connection.rows("SELECT code FROM member WHERE code = ANY(\(codes.map(\.rawValue)))", database.logger)
        }
        return Set(try rows.map { try $0.member("code") })
    }

    func settings(of member: MemberCode) async throws -> MemberSettings {
        let rows = try await database.read { connection in
            try await connection.rows(
                "SELECT searches_per_day, maximum_candidates FROM member_settings WHERE member_code = \(member.rawValue)",
                database.logger
            )
        }
        guard let row = rows.first else { return .standard }
        return MemberSettings(searchesPerDay: try row.int("searches_per_day"), maximumCandidates: try row.int("maximum_candidates"))
    }

    func setSettings(_ settings: MemberSettings, by actor: Actor) async throws {
        try await database.write { connection in
            try await connection.rows(
                """
                INSERT INTO member_settings (member_code, searches_per_day, maximum_candidates, updated_at)
                VALUES (\(actor.member.rawValue), \(settings.searchesPerDay), \(settings.maximumCandidates), \(Date().stored))
                ON CONFLICT (member_code) DO UPDATE SET searches_per_day = excluded.searches_per_day,
                    maximum_candidates = excluded.maximum_candidates, updated_at = excluded.updated_at
                """,
                database.logger
            )
            try await database.audit(connection, .memberSettingsSet(settings, by: actor))
        }
    }

    static func member(_ row: PostgresRandomAccessRow) throws -> Member {
        Member(id: try row.member("code"), kind: try row.enumeration("kind"), name: try row.text("name"))
    }
}
