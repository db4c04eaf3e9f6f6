import ArmsTraceDomain
import Foundation
import Testing

extension RepositoryConformance {
    /// A cooperation document round-trips whole; each save counts its version up; a save from a stale version is a
    /// conflict that changes nothing; lists by party follow the document's parties as they change.
    func cooperationDocumentsAreVersionedAndListedByParty() async throws {
        let repositories = try await seeded()
        let cooperation = repositories.cooperation
        let kenya = Actor.commandLine(for: Self.ken)
        let uganda = Actor.commandLine(for: Self.uga)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let need = try AssistanceNeedInput(
            area: "stockpile_management",
            kinds: ["training"],
            title: "Armoury staff training",
            budgetUsd: 40_000,
            start: "2026-09-01",
            end: "2026-12-31"
        ).validated(by: kenya, at: now)
        let offer = try AssistanceOfferInput(title: "PSSM courses", areas: ["stockpile_management"], kinds: ["training"])
            .validated(by: uganda, at: now)
        let saved = try await cooperation.save(need, audit: AuditEvent(.assistance, by: kenya, at: now, detail: "need posted"))
        #expect(saved.version == 1)
        _ = try await cooperation.save(offer, audit: AuditEvent(.assistance, by: uganda, at: now, detail: "offer posted"))
        #expect(try await cooperation.document(AssistanceNeed.self, id: need.id) == saved)
        #expect(try await cooperation.document(AssistanceOffer.self, id: AssistanceOffer.ID(need.id.uuid)) == nil)
        #expect(try await cooperation.documents(AssistanceNeed.self, party: Self.uga).isEmpty)
        #expect(try await cooperation.documents(AssistanceNeed.self, party: nil).map(\.id) == [need.id])

        let matched = try saved.taking(.matched, offer: offer, note: nil, by: kenya, at: now.addingTimeInterval(60))
        let second = try await cooperation.save(matched, audit: AuditEvent(.assistance, by: kenya, detail: "matched"))
        #expect(second.version == 2)
        #expect(try await cooperation.documents(AssistanceNeed.self, party: Self.uga).map(\.provider) == [Self.uga])

        // Uganda works from version 1, which Kenya's match replaced.
        await expectError(.conflict) {
            _ = try await cooperation.save(try saved.taking(.withdrawn, note: nil, by: kenya, at: now), audit: AuditEvent(.assistance, by: kenya))
        }
        await expectError(.conflict) { _ = try await cooperation.save(need, audit: AuditEvent(.assistance, by: kenya)) }
        #expect(try await cooperation.document(AssistanceNeed.self, id: need.id) == second)
        let trail = try await repositories.audit.entries(for: Self.ken, limit: 100, cursor: nil).items
        #expect(trail.filter { $0.event.action == .assistance }.count == 2)
    }
}
