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
