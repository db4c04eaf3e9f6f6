import ArgumentParser
import ArmsTraceCommands
import Foundation
import Testing

@Suite struct CommandParsingTests {
    @Test(arguments: [
        ["serve", "--demo", "--port", "9000", "--database", "x.sqlite"],
        ["demo", "--records", "1000", "--seed", "7"],
        ["member", "add", "KEN", "--name", "Kenya"],
        ["user", "add", "--member", "KEN", "--name", "Officer", "--role", "officer", "--json"],
        ["import", "--member", "KEN", "/dev/null", "--dry-run"],
        ["export", "--member", "ken", "--format", "json"],
        ["migrate", "--dry-run"],
        ["benchmark", "import", "--rows", "1000"],
    ])
    func parsesEverySubcommand(arguments: [String]) throws {
        _ = try ArmsTraceCommand.parseAsRoot(arguments)
    }

    @Test(arguments: [
        (["serve", "--port", "70000"], "--port must be from 0 to 65535"),
        (["serve", "--log-level", "loud"], "unknown --log-level 'loud'"),
        (["user", "add", "--member", "KEN", "--name", "A", "--role", "boss"], "unknown role 'boss'; one of: admin, officer, analyst, auditor"),
        (
            ["user", "add", "--member", "k-n", "--name", "A", "--role", "admin"],
            "'k-n' is not a member code: an ISO 3166-1 alpha-3 code (KEN) or an organisation's code (UNODA)"
        ),
        (["export", "--member", "KEN", "--format", "xml"], "--format must be csv or json"),
        (["import", "--member", "KEN", "/no/such/file.csv"], "cannot read /no/such/file.csv"),
        (["demo", "--records=-1"], "--records must not be negative"),
        (["demo", "--records=1", "--traces=-1"], "--traces must not be negative"),
        (["trace", "list", "--member", "KEN", "--box", "sideways"], "--box must be one of: incoming, outgoing, all"),
        (
            ["trace", "statistics", "--member", "k-n"],
            "'k-n' is not a member code: an ISO 3166-1 alpha-3 code (KEN) or an organisation's code (UNODA)"
        ),
    ])
    func refusesBadArgumentsWithAClearMessage(arguments: [String], message: String) {
        do {
            _ = try ArmsTraceCommand.parseAsRoot(arguments)
            Issue.record("parsed \(arguments)")
        } catch {
            #expect(ArmsTraceCommand.message(for: error) == message)
        }
    }

    @Test func demoNeedsARecordCount() {
        #expect(throws: (any Error).self) { try ArmsTraceCommand.parseAsRoot(["demo"]) }
    }
}
