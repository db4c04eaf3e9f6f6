import ArgumentParser
import ArmsTraceCommands
import Logging

/// The `armstrace` executable: logging to standard error, then the command tree.
@main
struct Entry {
    static func main() async {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        await ArmsTraceCommand.main()
    }
}
