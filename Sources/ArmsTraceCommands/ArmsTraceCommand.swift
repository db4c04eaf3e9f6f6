public import ArgumentParser

/// `armstrace`: the ArmsTrace server and its operator's tools.
public struct ArmsTraceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "armstrace",
        abstract: "The shared register of illicit small arms and light weapons, and its operator's tools.",
        version: "0.1.0",
        subcommands: [
            Serve.self, Demo.self, MemberCommand.self, UserCommand.self, Import.self, Export.self, Search.self, TraceCommand.self,
            AuditCommand.self, Migrate.self, Copy.self, Backup.self, Restore.self, MarkingCommand.self, StockCommand.self,
            Benchmark.self,
        ]
    )

    public init() {}
}
