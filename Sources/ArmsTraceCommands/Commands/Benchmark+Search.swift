import ArgumentParser
import ArmsTraceDomain
import ArmsTraceSearch
import ArmsTraceStorage
import Dispatch
import Foundation

extension ArmsTraceCommand.Benchmark {
    /// `armstrace benchmark search --records N`.
    struct SearchSpeed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Hit/no-hit search: ArmsTrace's index against FTS5-trigram and a brute-force scan, same queries.",
            discussion: """
                Generates a deterministic corpus of N records (--shape uniform: random maker-like serials; dense: \
                serials in factory runs of 1,000 to 20,000) and queries damaged the way officers read worn serials: \
                exact, confusions, separators, one substitution, deletion, insertion or transposition, two edits, \
                unreadable characters (?), ground-off prefixes (*), and serials that match nothing. Times every \
                query through the index single-threaded and on all cores; then runs a subset through the index, \
                SQLite FTS5 (trigram tokenizer, same verification) and a brute-force scan with the same distance, \
                and prints recall against the scan and the ratios. Build with -c release.
                """
        )

        @Option(help: "How many records.")
        var records = 1_000_000

        @Option(
            help: "uniform or dense.",
            transform: { text in
                guard let shape = SearchCorpus.Shape(rawValue: text) else { throw ValidationError("--shape is uniform or dense, not \(text)") }
                return shape
            }
        )
        var shape: SearchCorpus.Shape = .uniform

        @Option(help: "Queries timed through the index.")
        var queries = 5_000

        @Option(help: "Queries also run through FTS5 and the brute-force scan (the recall reference).")
        var referenceQueries = 100

        @Flag(help: "Skip the FTS5 peer (its build takes minutes at 10 million records).")
        var skipFts5 = false

        @Option(
            help: ArgumentHelp(
                "A PostgreSQL database (postgres://user@host:port/db) for the pg_trgm peer, built in a schema of its own and dropped after.",
                valueName: "url"
            )
        )
        var postgres: String?

        @Option(help: "The corpus seed.")
        var seed: UInt64 = 7

        func run() async throws {
            let members = ["KEN", "BRA", "UNODA"].map { MemberCode($0)! }
            let viewer = members[0]
            print("corpus: \(records) records, \(shape.rawValue) serials, seed \(seed)")

            // Generation alone, so that the build time excludes it.
            var clock = ContinuousClock.now
            for _ in SearchCorpus(shape: shape, count: records, seed: seed, members: members) {}
            let generation = ContinuousClock.now - clock

            let residentBefore = residentBytes()
            clock = ContinuousClock.now
            let (index, sources) = buildIndex(members: members)
            let build = ContinuousClock.now - clock - generation
            #if os(Linux)
            _ = releaseFreedMemory(0)  // hand the builder's freed arrays back, so that the resident growth is the index's
            #endif
            let residentGrowth = residentBytes() - residentBefore
            let statistics = index.statistics
            print(String(format: "index build %.1f s (generation %.1f s excluded)", build.seconds, generation.seconds))
            print(
                String(
                    format: "index memory: %.0f bytes/record resident growth, %.0f bytes/record in its arrays",
                    Double(residentGrowth) / Double(records),
                    Double(statistics.memoryBytes) / Double(records)
                )
            )

            var random = SeededGenerator(seed: seed &+ 1)
            let damages = SearchCorpus.Damage.allCases
            let workload: [(damage: SearchCorpus.Damage, query: SerialQuery)] = (0..<queries).compactMap { i in
                let damage = damages[i % damages.count]
                let text = SearchCorpus.damage(sources.randomElement(using: &random)!, damage, using: &random)
                return (try? SerialQuery(SearchRequest(serial: text, limit: SerialQuery.maximumLimit))).map { (damage, $0) }
            }

            // Single-threaded latency over the whole workload.
            var latencies: [SearchCorpus.Damage: [Double]] = [:]
            var candidates = 0
            var capped = 0
            for (damage, query) in workload {
                let start = ContinuousClock.now
                let answer = index.search(query, viewer: viewer)
                latencies[damage, default: []].append((ContinuousClock.now - start).seconds * 1000)
                candidates += answer.total
                if answer.total > answer.matches.count { capped += 1 }
            }
            let all = latencies.values.flatMap { $0 }
            print("")
            print("ArmsTrace index, \(workload.count) queries, single thread (milliseconds):")
            print("  all queries        " + summary(all))
            for damage in damages {
                print("  " + damage.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0) + summary(latencies[damage] ?? []))
            }
            let fuzzy = damages.filter { $0 != .unreadable && $0 != .groundOff }.flatMap { latencies[$0] ?? [] }
            let exactish = [SearchCorpus.Damage.exact, .confusable, .separators].flatMap { latencies[$0] ?? [] }
            print("  fuzzy (no pattern) " + summary(fuzzy))
            print("  exact/confusable   " + summary(exactish))
            print(
                String(
                    format: "  candidates per query %.1f on average; %d queries had more than %d (capped, total reported)",
                    Double(candidates) / Double(max(1, workload.count)),
                    capped,
                    SerialQuery.maximumLimit
                )
            )

            // Throughput on every core.
            let threads = ProcessInfo.processInfo.activeProcessorCount
            clock = ContinuousClock.now
            let per = (workload.count + threads - 1) / threads
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                for i in (t * per)..<min(workload.count, (t + 1) * per) { _ = index.search(workload[i].query, viewer: viewer) }
            }
            let parallel = ContinuousClock.now - clock
            print(String(format: "  throughput on %d cores: %.0f queries/s", threads, Double(workload.count) / parallel.seconds))

            try await compareWithPeers(index: index, workload: Array(workload.prefix(referenceQueries)), viewer: viewer, members: members)
        }

        /// The index of the corpus, and a sample of its serials to damage into queries. The builder lives only here,
        /// so that its scratch arrays are gone when the resident memory is measured.
        private func buildIndex(members: [MemberCode]) -> (SerialIndex, [String]) {
            var builder = SerialIndex.Builder(expectedCount: records)
            var sources: [String] = []
            let every = max(1, records / 20_000)
            for (i, entry) in SearchCorpus(shape: shape, count: records, seed: seed, members: members).enumerated() {
                if i % every == 0, let serial = entry.serial { sources.append(serial) }
                builder.add(entry)
            }
            return (builder.build(), sources)
        }

        /// The reference subset through the index, the brute-force scan and FTS5, with recall and ratios.
        ///
        /// Recall is the share of the scan's candidates that a peer found, summed over the queries. Up to the answer
        /// limit the sets are compared; beyond it (dense runs), the totals.
        private func compareWithPeers(
            index: SerialIndex,
            workload: [(damage: SearchCorpus.Damage, query: SerialQuery)],
            viewer: MemberCode,
            members: [MemberCode]
        ) async throws {
            var fts: FTS5SerialBaseline?
            let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("armstrace-fts5-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            if !skipFts5 {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let clock = ContinuousClock.now
                let baseline = try FTS5SerialBaseline(path: folder.appendingPathComponent("fts5.sqlite").path)
                try baseline.insert(SearchCorpus(shape: shape, count: records, seed: seed, members: members))
                let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                let size = files.reduce(0) { total, file in
                    total + ((try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path)[.size] as? Int) ?? 0)
                }
                print(String(format: "FTS5 trigram build %.1f s, %d MiB on disk", (ContinuousClock.now - clock).seconds, size >> 20))
                fts = baseline
            }

            var trgm: PgTrgmSerialBaseline?
            if let postgres {
                let clock = ContinuousClock.now
                let baseline = try await PgTrgmSerialBaseline(url: postgres)
                try await baseline.insert(SearchCorpus(shape: shape, count: records, seed: seed, members: members))
                print(
                    String(format: "pg_trgm GIN build %.1f s, %d MiB", (ContinuousClock.now - clock).seconds, try await baseline.size() >> 20)
                )
                trgm = baseline
            }
            defer { if let trgm { Task { try? await trgm.drop() } } }

            var times: (index: [Double], scan: [Double], fts: [Double], trgm: [Double]) = ([], [], [], [])
            var expected = 0
            var found: (index: Int, fts: Int, trgm: Int) = (0, 0, 0)
            var complete: (index: Int, fts: Int, trgm: Int) = (0, 0, 0)
            func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
                let start = ContinuousClock.now
                let result = try body()
                return (result, (ContinuousClock.now - start).seconds * 1000)
            }
            for (_, query) in workload {
                let (reference, scanTime) = timed { index.scan(query, viewer: viewer) }
                let (answer, indexTime) = timed { index.search(query, viewer: viewer) }
                times.scan.append(scanTime)
                times.index.append(indexTime)
                let truth = Set(reference.matches.map(\.recordID))
                let exhaustive = reference.total <= query.limit
                expected += reference.total
                let indexHits = exhaustive ? truth.intersection(answer.matches.map(\.recordID)).count : min(answer.total, reference.total)
                found.index += indexHits
                if indexHits == reference.total {
                    complete.index += 1
                } else {
                    let serial = String(decoding: query.serial, as: UTF8.self)
                    FileHandle.standardError.write(Data("index missed: \(serial): \(answer.total) found, \(reference.total) by the scan\n".utf8))
                }
                /// Counts a peer's answer: the scan's candidates it found, and whether it found them all.
                func tally(_ ids: [WeaponRecord.ID], _ found: inout Int, _ complete: inout Int) {
                    let hits = exhaustive ? truth.intersection(ids).count : min(ids.count, reference.total)
                    found += hits
                    if hits == reference.total { complete += 1 }
                }
                if let fts {
                    let (ids, ftsTime) = try timed { try fts.search(query, viewer: viewer) }
                    times.fts.append(ftsTime)
                    tally(ids, &found.fts, &complete.fts)
                }
                if let trgm {
                    let start = ContinuousClock.now
                    let ids = try await trgm.search(query, viewer: viewer)
                    times.trgm.append((ContinuousClock.now - start).seconds * 1000)
                    tally(ids, &found.trgm, &complete.trgm)
                }
            }
            func recall(_ hits: Int, _ queries: Int) -> String {
                String(
                    format: "recall %.2f%% (%d of %d queries with every candidate)",
                    100 * Double(hits) / Double(max(1, expected)),
                    queries,
                    workload.count
                )
            }
            print("")
            print("Side by side, \(workload.count) reference queries, single thread (milliseconds):")
            print("  ArmsTrace index     " + summary(times.index) + "  " + recall(found.index, complete.index))
            print("  brute-force scan    " + summary(times.scan) + "  (the reference)")
            /// How many times slower than the index a peer was.
            func ratio(_ label: String, _ peer: [Double]) {
                print(
                    String(
                        format: "  %@%.0fx at the median, %.0fx in mean time",
                        label,
                        median(peer) / median(times.index),
                        mean(peer) / mean(times.index)
                    )
                )
            }
            ratio("scan / ArmsTrace    ", times.scan)
            if fts != nil {
                print("  FTS5 + verification " + summary(times.fts) + "  " + recall(found.fts, complete.fts))
                ratio("FTS5 / ArmsTrace    ", times.fts)
            }
            if trgm != nil {
                print("  pg_trgm + verification " + summary(times.trgm) + "  " + recall(found.trgm, complete.trgm))
                ratio("pg_trgm / ArmsTrace ", times.trgm)
            } else {
                print("  (PostgreSQL pg_trgm: not run; pass --postgres URL)")
            }
        }

        private func summary(_ values: [Double]) -> String {
            guard !values.isEmpty else { return "no queries" }
            let sorted = values.sorted()
            func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            return String(
                format: "n=%5d  p50 %8.3f  p99 %8.3f  max %8.3f  mean %8.3f",
                sorted.count,
                percentile(0.5),
                percentile(0.99),
                sorted.last!,
                mean(values)
            )
        }

        private func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }

        private func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

        /// The process's resident set now, from `/proc/self/statm`.
        private func residentBytes() -> Int {
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
            let fields = text.split(separator: " ")
            return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
        }
    }
}

#if os(Linux)
/// glibc's `malloc_trim`, which the Glibc module does not export.
@_silgen_name("malloc_trim")
private func releaseFreedMemory(_ pad: Int) -> Int32
#endif
