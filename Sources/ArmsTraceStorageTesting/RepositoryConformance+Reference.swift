import ArmsTraceDomain
import Foundation
import Testing

extension RepositoryConformance {
    /// A member's published schemes and reference entries come back as written; a published version is never
    /// written twice; an entry of the same kind and key replaces the one before.
    func referenceContributionsRoundTrip() async throws {
        let repositories = try await seeded()
        #expect(try await repositories.reference.contributions() == ReferenceContributions())
        let actor = Actor.commandLine(for: Self.ken)
        let scheme = MarkingScheme(
            member: Self.ken,
            kind: .state,
            version: 3,
            effectiveFrom: CalendarDate("2025-07-01")!,
            description: "Kenya's state mark, a test version",
            elements: [
                .literal("GK", meaning: "Government of Kenya"),
                MarkingScheme.Element(.unit, meaning: "unit", alphabet: .letters, length: 2...4, values: ["KPS", "KDF"]),
                .year(meaning: "year marked", earliest: 2025, optional: true),
            ],
            examples: ["GK KPS 25"]
        )
        try await repositories.reference.publish(scheme, by: actor)
        await expectError(.conflict) { try await repositories.reference.publish(scheme, by: actor) }

        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let maker = ReferenceEntry(
            .maker(.init("Ruger", country: "USA", aliases: ["Sturm, Ruger"], codes: ["SR"])),
            member: Self.ken,
            changedAt: start
        )
        let model = ReferenceEntry(
            .model(.init("Ruger", "Mini-14", aliases: ["Mini 14"], category: .rifleCarbine, calibres: ["5.56x45mm"], serialFormats: ["999-99999"])),
            member: Self.uga,
            changedAt: start.addingTimeInterval(1)
        )
        let calibre = ReferenceEntry(.calibre(.init(".22 LR", aliases: ["22 Long Rifle"])), member: Self.fra, changedAt: start.addingTimeInterval(2))
        for entry in [maker, model, calibre] { try await repositories.reference.save(entry, by: Actor.commandLine(for: entry.member)) }
        let edited = ReferenceEntry(
            .maker(.init("Ruger", country: "USA", aliases: ["Sturm, Ruger", "Sturm Ruger & Co."], codes: ["SR"])),
            member: Self.uga,
            changedAt: start.addingTimeInterval(3)
        )
        try await repositories.reference.save(edited, by: Actor.commandLine(for: Self.uga))

        let stored = try await repositories.reference.contributions()
        #expect(stored.schemes == [scheme])
        #expect(stored.entries == [model, calibre, edited])
    }
}
