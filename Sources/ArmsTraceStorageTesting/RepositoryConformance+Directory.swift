import ArmsTraceDomain
import Foundation
import Testing

extension RepositoryConformance {
    /// A member keeps its own directory entries; every member reads them; another member's entry is not found for
    /// a change.
    func directoryEntriesBelongToTheirMember() async throws {
        let repositories = try await seeded()
        let kenya = Actor.commandLine(for: Self.ken)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let contact = PointOfContact(
            id: .generate(at: now),
            member: Self.ken,
            role: .itiTracing,
            agency: "Kenya National Focal Point on Small Arms",
            name: "Tracing desk",
            languages: ["en", "sw"],
            email: "tracing@example.go.ke",
            updatedAt: now,
            confirmedAt: now
        )
        try await repositories.directory.save(contact, by: kenya)
        var changed = contact
        changed.phone = "+254 20 000000"
        try await repositories.directory.save(changed, by: kenya)
        #expect(try await repositories.directory.contacts(member: nil) == [changed])
        #expect(try await repositories.directory.contacts(member: Self.uga).isEmpty)
        await expectError(.notFound) { try await repositories.directory.save(changed, by: Actor.commandLine(for: Self.uga)) }
        await expectError(.notFound) { try await repositories.directory.remove(contact.id, by: Actor.commandLine(for: Self.uga)) }
        let later = now.addingTimeInterval(86_400)
        #expect(try await repositories.directory.confirm(contact.id, by: kenya, at: later).confirmedAt == later)
        #expect(try await repositories.directory.contacts(member: Self.ken).first?.confirmedAt == later)
        try await repositories.directory.remove(contact.id, by: kenya)
        #expect(try await repositories.directory.contacts(member: nil).isEmpty)
    }
}
