import ArgumentParser
import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Synchronization

extension ArmsTraceCommand {
    /// `armstrace benchmark …`: measurements printed side by side, as ratios within one run.
    struct Benchmark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure ArmsTrace against a baseline in one run and print the figures.",
            subcommands: [ImportSpeed.self, SearchSpeed.self]
        )

        /// `armstrace benchmark import --rows N`.
        struct ImportSpeed: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import",
                abstract: "CSV import speed against SQLite's raw insert rate for the same rows.",
                discussion: """
                    Generates N demo records as a CSV file, imports it into a new database (validation, history, \
                    indexes), imports it again (every row unchanged); then, as yardsticks, copies the imported rows \
                    into a second ArmsTrace database with INSERT ... SELECT (SQLite's own cost for this schema, no \
                    application code per row), and inserts the same CSV rows, already parsed and in memory, into a \
                    bare table with the same durability settings. Build with -c release.
                    """
            )

            @Option(help: "How many rows.")
            var rows = 1_000_000

            @Option(help: "Where to put the files (default: a new temporary folder, removed afterwards).")
            var folder: String?

            @Option(
                help: ArgumentHelp(
                    "A PostgreSQL database (postgres://user@host:port/db): the same file is imported there too, in a schema of its own, dropped after.",
                    valueName: "url"
                )
            )
            var postgres: String?

            func run() async throws {
                let keep = folder != nil
                let base = URL(fileURLWithPath: folder ?? NSTemporaryDirectory()).appendingPathComponent("armstrace-bench-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
                defer { if !keep { try? FileManager.default.removeItem(at: base) } }
                let csvPath = base.appendingPathComponent("records.csv").path

                var clock = ContinuousClock.now
                try writeCSV(to: csvPath)
                let size = (try FileManager.default.attributesOfItem(atPath: csvPath)[.size] as? Int) ?? 0
                report("generated \(rows) rows, \(size / 1_048_576) MiB of CSV", since: clock)

                let database = try SQLiteDatabase(path: base.appendingPathComponent("armstrace.sqlite").path)
                try database.migrate()
                for member in DemoData.members { try await database.repositories.members.create(member) }
                let actor = Actor.commandLine(for: MemberCode("KEN")!)

                clock = ContinuousClock.now
                let checked = Mutex<Duration?>(nil)
                var options = ImportOptions()
                options.onChecked = { [clock] _ in checked.withLock { $0 = ContinuousClock.now - clock } }
                let firstCommit = Mutex<Int?>(nil)
                options.onCommit = { report in firstCommit.withLock { $0 = $0 ?? report.created } }
                let first = try await database.importRecords(by: actor, from: .file(at: csvPath), options: options)
                let importTime = ContinuousClock.now - clock
                let checkTime = checked.withLock { $0 } ?? .zero
                let storedWhileChecking = firstCommit.withLock { $0 } ?? 0
                guard first.accepted, first.created == rows else {
                    throw ValidationError("the import failed: \(first.problems.prefix(3).map(\.description).joined(separator: "; "))")
                }
                let rss = peakResidentMiB()
                clock = ContinuousClock.now
                let second = try await database.importRecords(csvAt: csvPath, by: actor)
                let reimportTime = ContinuousClock.now - clock

                let ceiling = try RawInsertBaseline.schemaCeiling(
                    copying: base.appendingPathComponent("armstrace.sqlite").path,
                    to: base.appendingPathComponent("ceiling.sqlite").path
                )
                let parsed = try parse(csvPath)
                let baseline = try RawInsertBaseline.run(path: base.appendingPathComponent("raw.sqlite").path, rows: parsed)

                var postgresTimes: (Duration, Duration)?
                if let postgres {
                    let store = try await PostgresDatabase.scratch(url: postgres)
                    for member in DemoData.members { try await store.repositories.members.create(member) }
                    clock = ContinuousClock.now
                    let imported = try await store.importRecords(csvAt: csvPath, by: actor)
                    let time = ContinuousClock.now - clock
                    guard imported.accepted, imported.created == rows else { throw ValidationError("the PostgreSQL import failed") }
                    clock = ContinuousClock.now
                    _ = try await store.importRecords(csvAt: csvPath, by: actor)
                    postgresTimes = (time, ContinuousClock.now - clock)
                    try await store.dropSchema()
                    await store.close()
                }

                let importRate = Double(rows) / importTime.seconds
                let baselineRate = Double(rows) / baseline.seconds
                print("")
                print("rows                                  \(rows)")
                print(line("ArmsTrace import (CSV → records)", importTime, importRate))
                print(line("  the check, beside the storing, done", checkTime, Double(rows) / checkTime.seconds))
                print("    rows in the first commit, after it  \(storedWhileChecking)")
                let rest = Double(rows - storedWhileChecking)
                print(line("  the rest, after the check", importTime - checkTime, rest / (importTime - checkTime).seconds))
                print(line("ArmsTrace re-import (unchanged)", reimportTime, Double(second.unchanged) / reimportTime.seconds))
                print(line("SQLite raw insert (same rows)", baseline, baselineRate))
                print(line("SQLite copy into ArmsTrace schema", ceiling, Double(rows) / ceiling.seconds))
                print(String(format: "import / raw insert ratio             %.2f", importRate / baselineRate))
                print(String(format: "import / schema copy ratio            %.2f", importRate / (Double(rows) / ceiling.seconds)))
                if let (time, again) = postgresTimes {
                    print(line("PostgreSQL import (COPY, staged)", time, Double(rows) / time.seconds))
                    print(line("PostgreSQL re-import (unchanged)", again, Double(rows) / again.seconds))
                    print(String(format: "PostgreSQL / SQLite import ratio       %.2f", importTime.seconds / time.seconds))
                }
                print("peak resident memory after import      \(rss) MiB")
            }

            private func writeCSV(to path: String) throws {
                guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ValidationError("cannot create \(path)") }
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                var generator = DemoData(seed: 42)
                var buffer = RecordCSV.headerRow
                for _ in 0..<rows {
                    var record = generator.next().details
                    if case .members(let codes) = record.sharing { record.sharing = .members(codes.filter { $0.rawValue != "KEN" }) }
                    if record.sharing == .members([]) { record.sharing = .owner }
                    buffer += RecordCSV.row(record)
                    if buffer.utf8.count > 1 << 20 {
                        try handle.write(contentsOf: Data(buffer.utf8))
                        buffer = ""
                    }
                }
                try handle.write(contentsOf: Data(buffer.utf8))
                // On disk before the clock starts, as a file to import would be: otherwise the kernel writes the
                // quarter gigabyte back while the import runs, and the import pays for the generator's output.
                try handle.synchronize()
            }

            private func parse(_ path: String) throws -> [[String]] {
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
                defer { try? handle.close() }
                var parser = CSVParser()
                var rows: [[String]] = []
                rows.reserveCapacity(self.rows + 1)
                while let data = try handle.read(upToCount: 1 << 20) {
                    try parser.parse([UInt8](data)) { rows.append($0.fields) }
                }
                try parser.finish { rows.append($0.fields) }
                return Array(rows.dropFirst())
            }

            private func report(_ what: String, since start: ContinuousClock.Instant) {
                FileHandle.standardError.write(Data(String(format: "%@ in %.1f s\n", what, (ContinuousClock.now - start).seconds).utf8))
            }

            private func line(_ label: String, _ duration: Duration, _ rate: Double) -> String {
                label.padding(toLength: 38, withPad: " ", startingAt: 0) + String(format: "%8.2f s  %10.0f rows/s", duration.seconds, rate)
            }

            private func peakResidentMiB() -> Int {
                var usage = rusage()
                getrusage(RUSAGE_SELF.rawValue, &usage)
                return usage.ru_maxrss / 1024
            }
        }
    }
}
