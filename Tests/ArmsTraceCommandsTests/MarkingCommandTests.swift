import ArgumentParser
import ArmsTraceCommands
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Testing

/// `armstrace marking publish` against a real database file: all of a file's schemes published, or none.
@Suite struct MarkingCommandTests {
    static let scheme = """
        {
          "member": "KEN", "kind": "state", "effective_from": "2026-07-01",
          "description": "GK, the unit and a number",
          "elements": [
            {"kind": "literal", "meaning": "Government of Kenya", "alphabet": "alphanumeric", "min_length": 2, "max_length": 2, "values": ["GK"], "optional": false},
            {"kind": "unit", "meaning": "holding unit", "alphabet": "letters", "min_length": 3, "max_length": 3, "optional": false},
            {"kind": "serial", "meaning": "state number", "alphabet": "digits", "min_length": 5, "max_length": 6, "optional": false}
          ],
          "examples": ["GK KPS 01234"]
        }
        """

    func run(_ arguments: [String]) async throws {
        var command = try ArmsTraceCommand.parseAsRoot(arguments)
        if var asynchronous = command as? any AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
    }

    @Test func publishesEverySchemeOfAFileOrNone() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("armstrace-marking-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("db.sqlite").path
        try await run(["member", "add", "KEN", "--name", "Kenya", "--database", database])

        let bad = directory.appendingPathComponent("bad.json")
        let unfit = Self.scheme.replacingOccurrences(of: "GK KPS 01234", with: "GK KPS 12")
        try Data("[\(Self.scheme), \(unfit)]".utf8).write(to: bad)
        await #expect(throws: ExitCode.self) { try await run(["marking", "publish", bad.path, "--member", "KEN", "--database", database]) }

        let good = directory.appendingPathComponent("good.json")
        try Data("[\(Self.scheme), \(Self.scheme)]".utf8).write(to: good)
        try await run(["marking", "publish", good.path, "--member", "KEN", "--database", database])
        await #expect(throws: (any Error).self) { try await run(["marking", "publish", good.path, "--member", "UGA", "--database", database]) }

        let store = try openStore(database)
        let published = try await store.repositories.reference.contributions().schemes
        await store.close()
        // KEN ships a state scheme (version 1); the file's two became versions 2 and 3, the refused file none.
        #expect(published.map(\.version) == [2, 3] && published.allSatisfy { $0.member.rawValue == "KEN" && $0.kind == .state })
    }
}

/// `armstrace stock` against a real database file: an inventory imported all or nothing, a check run from a file of
/// counted serials, a loss reported by serial.
@Suite struct StockCommandTests {
    func run(_ arguments: [String]) async throws {
        var command = try ArmsTraceCommand.parseAsRoot(arguments)
        if var asynchronous = command as? any AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
    }

    @Test func anInventoryIsImportedCheckedAndALossReported() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("armstrace-stock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("db.sqlite").path
        let common = ["--member", "KEN", "--database", database]
        try await run(["member", "add", "KEN", "--name", "Kenya", "--database", database])
        try await run(["stock", "add-site", "--name", "Kahawa depot", "--kind", "depot", "--custodian", "Maj. O", "--security", "high"] + common)

        let header = "serial_number,category,make,model,site,state_mark\n"
        let rows = (1...20).map { "KE\($0),assault_rifle,Norinco,Type 56,Kahawa depot,GK \($0)" }
        let bad = directory.appendingPathComponent("bad.csv").path
        try Data((header + rows.joined(separator: "\n") + "\nKE99,musket,Norinco,,Kahawa depot,\n").utf8).write(to: URL(fileURLWithPath: bad))
        await #expect(throws: ExitCode.self) { try await run(["stock", "import", bad] + common) }
        let good = directory.appendingPathComponent("good.csv").path
        try Data((header + rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: good))
        try await run(["stock", "import", good] + common)

        let counted = directory.appendingPathComponent("counted.txt").path
        try Data((1...20).filter { $0 != 7 }.map { "KE \($0)" }.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: counted))
        try await run(["stock", "check", "--site", "kahawa depot", counted] + common)
        try await run(
            ["stock", "loss", "--serial", "KE7", "--stolen", "--date", "2026-11-28", "--place", "Kahawa", "--circumstances", "Missing at the check"]
                + common
        )

        try await run(["stock", "move", "--serial", "KE1", "--step", "surplus", "--reason", "obsolete"] + common)
        let surplus = directory.appendingPathComponent("surplus.txt").path
        try Data("KE1\n".utf8).write(to: URL(fileURLWithPath: surplus))
        try await run(["stock", "destruction", "plan", "--method", "cutting", "--place", "Kahawa", "--date", "2026-12-01", surplus] + common)
        try await run(
            ["stock", "ammunition", "add", "--lot", "L-1", "--type", "7.62x39mm ball", "--quantity", "100", "--site", "Kahawa depot"] + common
        )
        try await run(["stock", "report"] + common)

        let store = try openStore(database)
        let kenya = MemberCode("KEN")!
        let planned = try #require(try await store.repositories.stockpile.destructions(owner: kenya).first)
        #expect(try await store.repositories.stockpile.ammunition(owner: kenya).map(\.quantity) == [100])
        let weapons = try await store.repositories.stockpile.weapons(owner: kenya, site: nil, status: nil, limit: 100, cursor: nil).items
        let stolen = weapons.filter { $0.status == .stolen }
        let record = try await store.repositories.records.get(try #require(stolen.first?.lossRecord), viewer: MemberCode("UGA")!)
        await store.close()
        #expect(weapons.count == 20, "the bad file stored nothing; the good one all")
        #expect(stolen.map(\.serialNumber) == ["KE7"] && record.details.status == .stolen && record.details.serialNumber == "KE7")
        #expect(weapons.first { $0.serialNumber == "KE1" }?.status == .awaitingDestruction)

        try await run(
            ["stock", "destruction", "record", planned.id.description, "--date", "2026-12-01", "--witness", "A", "--witness", "B"] + common
        )
        let reopened = try openStore(database)
        #expect(try await reopened.repositories.stockpile.destruction(planned.id, owner: kenya).status == .recorded)
        await reopened.close()
    }
}
