import ArmsTraceDomain
import ArmsTraceStorage
import Crypto
import Foundation
import Testing

/// The audit trail: every kind of action leaves an entry in the same transaction, and the hash chain shows any
/// entry changed, removed or moved, naming it.
@Suite struct AuditChainTests {
    static let ken = MemberCode("KEN")!
    static let uga = MemberCode("UGA")!

    /// A database whose trail holds entries of several kinds: users, tokens, record writes and reads, an import,
    /// an export, a search, trace steps.
    static func busyDatabase() async throws -> SQLiteDatabase {
        let database = try await SQLiteDatabase.withMembers()
        let repositories = database.repositories
        let user = User(id: .generate(), member: ken, name: "Officer", role: .officer, createdAt: Date())
        try await repositories.users.create(user)
        _ = try await repositories.users.issueToken(for: user.id, name: "laptop", expiresAt: nil)
        let officer = Actor(user, channel: .api)
        let records = RecordService(repositories: repositories)
        let input = WeaponRecordInput(
            WeaponRecord.Details(
                externalRef: "KEN-A1",
                category: .revolverPistol,
                make: "Glock",
                model: "17",
                calibre: "9x19mm",
                serialNumber: "ABC123",
                markings: [Marking(kind: .manufacture, text: "GLOCK ABC123")],
                countryOfManufacture: "AUT",
                importCountry: "UGA",
                status: .seized,
                event: WeaponRecord.Event(circumstances: "Checkpoint")
            )
        )
        let record = try await records.create(input, by: officer)
        var changed = input
        changed.notes = "Sent to the laboratory"
        _ = try await records.update(record.id, with: changed, expectedVersion: 1, by: officer)
        _ = try await records.get(record.id, by: Actor(userID: nil, member: uga, role: .analyst, channel: .api))
        _ = try await database.importCSV("external_ref,category,make,serial_number,status\nKEN-B1,shotgun,Benelli,M123456,found\n")
        _ = try await database.exportCSV()
        let traces = TraceService(repositories: repositories)
        let draft = try await traces.create(
            TraceRequestInput(recordId: record.id.description, requested: "UGA", grounds: ["not_marked"], legalBasis: "Act", intendedUse: "Case"),
            by: officer
        )
        _ = try await traces.send(draft.request.id, by: officer)
        _ = try await traces.perform(.acknowledge, on: draft.request.id, by: Actor(userID: nil, member: uga, role: .officer, channel: .api))
        return database
    }

    @Test func everyActionLeavesAnEntryAndTheChainIsIntact() async throws {
        let database = try await Self.busyDatabase()
        let verification = try await database.verifyAuditChain()
        #expect(verification.isIntact, "\(verification.problem ?? "")")
        let kenEntries = try await database.repositories.audit.entries(for: Self.ken, limit: 100, cursor: nil).items
        #expect(
            kenEntries.reversed().map(\.event.action) == [
                .userAdd, .tokenIssue, .recordCreate, .recordUpdate, .recordRead, .recordImport, .recordExport, .traceCreate, .traceStep,
                .traceStep,
            ]
        )
        #expect(verification.entries == kenEntries.count, "every entry so far concerns KEN")
        let read = try #require(kenEntries.first { $0.event.action == .recordRead })
        #expect(read.event.member == Self.uga && read.event.concerns == Self.ken, "KEN's auditor sees who read KEN's record")
        #expect(try await database.repositories.audit.entries(for: MemberCode("FRA")!, limit: 100, cursor: nil).items.isEmpty)
    }

    /// The three ways to tamper with a row, at every position but the head.
    enum Tampering: CaseIterable {
        case change, delete, swapWithNext
    }

    @Test(arguments: Tampering.allCases)
    func tamperingWithAnyEntryIsDetectedAndNamed(_ tampering: Tampering) async throws {
        let database = try await Self.busyDatabase()
        let count = try #require(try await database.verifyAuditChain().head?.sequence)
        // Removing the last entry needs the signed head to be seen; every other position is checked.
        for position in 1..<count {
            let copy = try await Self.busyDatabase()
            try await copy.execute(sql: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
            let expected: Int64
            switch tampering {
            case .change:
                try await copy.execute(sql: "UPDATE audit_log SET detail = 'nothing to see' WHERE sequence = \(position)")
                expected = position
            case .delete:
                try await copy.execute(sql: "DELETE FROM audit_log WHERE sequence = \(position)")
                expected = position
            case .swapWithNext:
                let columns = ["at", "member_code", "user_id", "channel", "action", "subject", "concerns_code", "detail", "previous_hash", "hash"]
                let next = position + 1
                try await copy.execute(
                    sql: """
                        CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE sequence = \(position);
                        UPDATE audit_log SET \(columns.map { "\($0) = (SELECT \($0) FROM audit_log WHERE sequence = \(next))" }.joined(separator: ", "))
                            WHERE sequence = \(position);
                        UPDATE audit_log SET \(columns.map { "\($0) = (SELECT \($0) FROM saved)" }.joined(separator: ", ")) WHERE sequence = \(next);
                        DROP TABLE saved;
                        """
                )
                expected = position
            }
            let verification = try await copy.verifyAuditChain()
            #expect(!verification.isIntact, "\(tampering) at \(position) went unseen")
            #expect(verification.firstBadEntry == expected, "\(tampering) at \(position): \(verification.problem ?? "")")
            #expect(verification.problem?.contains("entry \(expected)") == true)
        }
    }

    @Test func theTrailIsAppendOnlyInTheDatabase() async throws {
        let database = try await Self.busyDatabase()
        await #expect(throws: (any Error).self) { try await database.execute(sql: "UPDATE audit_log SET detail = 'x' WHERE sequence = 1") }
        await #expect(throws: (any Error).self) { try await database.execute(sql: "DELETE FROM audit_log WHERE sequence = 1") }
    }

    @Test func aSignedHeadShowsACutOffTailAndAWrongKey() async throws {
        let database = try await Self.busyDatabase()
        let key = Curve25519.Signing.PrivateKey()
        let signed = try #require(try await database.repositories.audit.signHead(privateKey: key.rawRepresentation, at: Date()))
        #expect(try await database.repositories.audit.signHead(privateKey: key.rawRepresentation, at: Date()) == nil, "nothing new to sign")
        let intact = try await database.verifyAuditChain(publicKey: key.publicKey)
        #expect(intact.isIntact && intact.signedHeads == 1)

        let other = Curve25519.Signing.PrivateKey().publicKey
        #expect(try await database.verifyAuditChain(publicKey: other).problem?.contains("no valid signature") == true)

        // Cutting off the last two entries leaves a chain that is whole in itself; the signed head shows the cut.
        try await database.execute(sql: "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE sequence >= \(signed - 1)")
        #expect(try await database.verifyAuditChain().isIntact, "without the key, a shorter chain looks whole")
        let cut = try await database.verifyAuditChain(publicKey: key.publicKey)
        #expect(cut.firstBadEntry == signed)
        #expect(cut.problem?.hasPrefix("entry \(signed), signed as the head at") == true)
        #expect(cut.problem?.hasSuffix("is missing: the trail was cut short") == true)
    }
}
