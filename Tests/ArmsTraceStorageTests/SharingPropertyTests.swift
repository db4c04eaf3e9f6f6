import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Testing

/// Visibility as the store decides it, on 1,000 generated cases: adding a member to a record's sharing never takes
/// anyone's access away.
@Suite struct SharingPropertyTests {
    static let members = ["KEN", "UGA", "NGA", "FRA", "DEU", "BRA", "UNODA"].map { MemberCode($0)! }

    /// Who may read the record now, as `get` answers each member.
    static func readers(_ id: WeaponRecord.ID, _ repositories: Repositories) async throws -> Set<MemberCode> {
        var readers: Set<MemberCode> = []
        for member in members {
            do {
                _ = try await repositories.records.get(id, viewer: member)
                readers.insert(member)
            } catch DomainError.notFound {}
        }
        return readers
    }

    @Test func addingAMemberToSharingRemovesNoOnesAccess() async throws {
        let database = try await StoreKind.sqlite.withMembers(Self.members.map(\.rawValue))
        let repositories = database.repositories
        let kenya = Actor.commandLine(for: Self.members[0])
        var random = SeededGenerator(seed: 21)
        var demo = DemoData(seed: 21)
        var records: [WeaponRecord] = []
        for index in 0..<12 {
            var details = demo.next().details
            details.externalRef = "PROP-\(index)"
            details.sharing = [.all, .owner, .members([Self.members[2]])][index % 3]
            records.append(try await repositories.records.create(details, by: kenya))
        }
        for _ in 0..<1_000 {
            let index = Int.random(in: 0..<records.count, using: &random)
            var record = records[index]
            let before = try await Self.readers(record.id, repositories)
            let added = Self.members.randomElement(using: &random)!
            record.details.sharing =
                switch record.details.sharing {
                case .all: .all
                case .owner: .members([added])
                case .members(let codes): .members(Set(codes + [added]).sorted())
                }
            records[index] = try await repositories.records.update(record.id, details: record.details, expectedVersion: nil, by: kenya)
            let after = try await Self.readers(record.id, repositories)
            #expect(before.isSubset(of: after), "adding \(added) hid the record from \(before.subtracting(after))")
            #expect(after.contains(added))
        }
    }
}
