import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import Synchronization
import Testing

@Suite struct RecordImportTests {
    static let header =
        "external_ref,category,make,model,calibre,serial_number,country_of_manufacture,year_of_manufacture,import_country,import_year,status,event_date,event_country,markings,sharing,notes"

    static func csv(rows count: Int, start: Int = 0) -> String {
        var text = header + "\n"
        for index in start..<(start + count) {
            text +=
                "KEN-\(index),assault_rifle,Norinco,Type 56,7.62x39mm,\(5_600_000 + index),CHN,1985,KEN,2001,seized,2024-05-0\(index % 9 + 1),KEN,"
            text += "\"manufacture:Norinco 56-1 \(5_600_000 + index)@receiver;import:KEN 2001\",all,\"note, with comma\"\n"
        }
        return text
    }

    @Test(arguments: StoreKind.available) func importsAndReimportsWithoutDuplicates(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        let first = try await database.importCSV(Self.csv(rows: 500))
        #expect(first.accepted)
        #expect(first.created == 500)
        #expect(try await database.repositories.records.count(owner: nil) == 500)
        let second = try await database.importCSV(Self.csv(rows: 500))
        #expect(second.created == 0)
        #expect(second.unchanged == 500)
        #expect(try await database.repositories.records.count(owner: nil) == 500)
        var mixed = Self.csv(rows: 300, start: 400).split(separator: "\n").map(String.init)
        mixed.insert(contentsOf: Self.csv(rows: 50, start: 10).split(separator: "\n").dropFirst().map(String.init), at: 150)
        let third = try await database.importCSV(mixed.joined(separator: "\n"))
        #expect((third.created, third.unchanged, third.updated) == (200, 150, 0), "new and known rows interleaved")
        #expect(try await database.repositories.records.count(owner: nil) == 700)
        // Every record, new ones among known ones too, has its one `created` history entry, and the counts hold
        // each record once.
        let ken = MemberCode("KEN")!
        var cursor: String?
        var histories = 0
        repeat {
            let page = try await database.repositories.records.list(RecordQuery(limit: 200, cursor: cursor), viewer: ken)
            for record in page.items { histories += try await database.repositories.records.history(record.id, viewer: ken).count }
            cursor = page.nextCursor
        } while cursor != nil
        #expect(histories == 700)
        #expect(try await database.repositories.records.count(owner: ken) == 700)

        let page = try await database.repositories.records.list(RecordQuery(limit: 1), viewer: MemberCode("KEN")!)
        let record = try #require(page.items.first)
        #expect(
            record.details.markings == [
                Marking(kind: .manufacture, text: "Norinco 56-1 \(record.details.serialNumber!)", location: "receiver"),
                Marking(kind: .import, text: "KEN 2001"),
            ]
        )
        #expect(record.details.notes == "note, with comma")
    }

    @Test(arguments: StoreKind.available) func changedRowsUpdateTheirRecordWithHistory(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        _ = try await database.importCSV(Self.csv(rows: 3))
        let changed = Self.csv(rows: 3).replacingOccurrences(
            of: "KEN-1,assault_rifle,Norinco,Type 56,7.62x39mm,5600001,CHN,1985,KEN,2001,seized",
            with: "KEN-1,assault_rifle,Norinco,Type 56,7.62x39mm,5600001,CHN,1985,KEN,2001,destroyed"
        )
        let report = try await database.importCSV(changed)
        #expect(report.updated == 1)
        #expect(report.unchanged == 2)
        let record = try #require(
            try await database.repositories.records.list(RecordQuery(status: .destroyed), viewer: MemberCode("KEN")!).items.first
        )
        let history = try await database.repositories.records.history(record.id, viewer: MemberCode("KEN")!)
        #expect(history.map(\.version) == [1, 2])
        #expect(history[1].changes == [.init(field: "status", from: .string("seized"), to: .string("destroyed"))])
        #expect(history[1].channel == .cli)
        let counts = try await database.repositories.records.tally(owner: MemberCode("KEN")!, sinceMonth: "2000-01").byStatusAndCategory
        #expect(counts.values.reduce(0, +) == 3, "the updated record moved in the counts, it was not counted twice")
        #expect(counts[.init(.destroyed, .assaultRifle)] == 1)
        if let sqlite = database as? SQLiteDatabase {
            #expect(try await sqlite.pragma("foreign_keys") == "1")
            #expect(try await sqlite.pragma("foreign_key_check") == nil, "every reference the import wrote is whole")
        }
    }

    @Test(arguments: StoreKind.available) func badRowsAreAllReportedAndNothingChanges(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        _ = try await database.importCSV(Self.csv(rows: 5))
        var lines = Self.csv(rows: 10, start: 5).split(separator: "\n").map(String.init)
        lines[2] = lines[2].replacingOccurrences(of: "assault_rifle", with: "bazooka")
        lines[5] = lines[5].replacingOccurrences(of: ",1985,", with: ",19x5,")
        lines[8] = lines[8].replacingOccurrences(of: ",CHN,", with: ",XXX,")
        let report = try await database.importCSV(lines.joined(separator: "\n") + "\n")
        #expect(!report.accepted)
        #expect(
            report.problems.map(\.description) == [
                "line 3, column category: 'bazooka' is not one of: revolver_pistol, rifle_carbine, shotgun, submachine_gun, assault_rifle, light_machine_gun, other_small_arm, heavy_machine_gun, grenade_launcher, anti_aircraft_gun, anti_tank_gun, recoilless_rifle, anti_tank_launcher, manpads, mortar, other_light_weapon",
                "line 6, column year_of_manufacture: '19x5' is not a year",
                "line 9, column country_of_manufacture: 'XXX' is not an ISO 3166-1 alpha-3 country code",
            ]
        )
        #expect(try await database.repositories.records.count(owner: nil) == 5, "the good rows of a rejected file are not kept")
    }

    @Test(arguments: [
        ("", "line 1: the file is empty; it needs a header row naming the columns"),
        ("external_ref,category,make\n", "line 1, column status: required column is missing from the header"),
        (
            "external_ref,category,make,status,colour\n",
            "line 1, column colour: unknown column; the columns are external_ref, category, make, model, calibre, serial_number, serial_obliterated, markings, country_of_manufacture, year_of_manufacture, import_country, import_year, status, event_date, event_country, event_place, event_circumstances, event_legal_justification, event_criminal_context, event_case_reference, sharing, notes"
        ),
        ("external_ref,category,make,status,serial_number\nA,shotgun,Baikal,lost\n", "line 2: has 4 fields; the header has 5"),
        (
            "external_ref,category,make,status,serial_number\nA,shotgun,\"Baikal,lost,1\n",
            "line 2: a quoted field is not closed before the end of the file"
        ),
        (
            "external_ref,category,make,status\nA,shotgun,Baikal,lost\n",
            "line 2, column serial_number: is required; if it cannot be read, set serial_obliterated to yes and record the other markings"
        ),
        (
            "external_ref,category,make,status,serial_number,markings\nA,shotgun,Baikal,lost,1,maker Baikal\n",
            "line 2, column markings: entry 'maker Baikal' must be kind:text, e.g. manufacture:Norinco 56-1 1234567"
        ),
        (
            "external_ref,category,make,status,serial_number,markings\nA,shotgun,Baikal,lost,1,stamp:Baikal\n",
            "line 2, column markings: markings[0].kind 'stamp' is not one of: manufacture, import, state, proof, other"
        ),
        (
            "external_ref,category,make,status,serial_number,sharing\nA,shotgun,Baikal,lost,1,KEN;ZZZ\n",
            "line 2, column sharing: unknown members: ZZZ"
        ),
        (
            "external_ref,category,make,status,serial_number,event_date\nA,shotgun,Baikal,lost,1,2999-01-01\n",
            "line 2, column event_date: 2999-01-01 is in the future"
        ),
        (
            "external_ref,category,make,status,serial_number\nA,shotgun,Baikal,lost,1\nA,shotgun,Baikal,lost,2\n",
            "line 3, column external_ref: 'A' appears on an earlier line of this file"
        ),
    ])
    func rejectsWithLineAndColumn(csv: String, expected: String) async throws {
        for kind in StoreKind.available { try await rejects(csv: csv, expected: expected, on: kind) }
    }

    private func rejects(csv: String, expected: String, on kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        let report = try await database.importCSV(csv)
        #expect(report.problems.map(\.description) == [expected])
        #expect(try await database.repositories.records.count(owner: nil) == 0)
    }

    /// Thousands of rows cross the two import stages in many batches and small chunks, and are committed in several
    /// transactions; a problem deep in the file still keeps every row out, as the whole file is checked first.
    @Test(arguments: StoreKind.available) func largeFileInSmallChunksIsAllOrNothing(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        var lines = Self.csv(rows: 3000).split(separator: "\n").map(String.init)
        let good = Array(lines.joined(separator: "\n").utf8)
        let commits = Mutex(0)
        let held = HeldSource(good, chunkSize: 997)
        var options = held.options(batchRows: 500)
        options.onCommit = { _ in commits.withLock { $0 += 1 } }
        let report = try await database.importRecords(by: .commandLine(for: MemberCode("KEN")!), from: held.source, options: options)
        #expect(report.accepted && report.created == 3000 && report.rows == 3000 && report.lastLine == 3001)
        #expect(commits.withLock { $0 } > 1, "stored in several transactions")

        lines = Self.csv(rows: 3000, start: 3000).split(separator: "\n").map(String.init)
        lines[2900] = lines[2900].replacingOccurrences(of: ",seized,", with: ",misplaced,")
        let rejected = try await database.importCSV(lines.joined(separator: "\n"), batchRows: 500)
        #expect(
            rejected.problems.map(\.description) == [
                "line 2901, column status: 'misplaced' is not one of: lost, stolen, trafficked, seized, found, surrendered, recovered, destroyed"
            ]
        )
        #expect(rejected.rows == 3000)
        #expect(try await database.repositories.records.count(owner: nil) == 3000)
    }

    /// The storing begins while the check runs and commits nothing before it has passed: with the check's end held
    /// back, the writer stores batch after batch in its first transaction, which commits once, after the check. On
    /// SQLite a file too large for its first transaction to hold the write lock while it is checked is stored after.
    @Test(arguments: StoreKind.available) func storingBeginsBesideTheCheckAndCommitsAfterIt(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        let first = try await firstCommitWithTheCheckHeld(database, size: nil)
        #expect(first.created > 100, "batches stored while the check ran: \(first.created) rows in the first commit")
        #expect(first.rows == 1000, "the first commit knows the check's count")
        #expect(try await database.repositories.records.count(owner: MemberCode("KEN")!) == 1000)
        if kind == .sqlite {
            let large = try await firstCommitWithTheCheckHeld(try await kind.withMembers(), size: 1 << 40)
            #expect(large.created < 1000, "a file of a terabyte is stored after its check, in batches")
        }
    }

    /// The report of the first commit of an import of 1,000 rows in batches of 100 whose check holds its end back,
    /// from a source that says it holds `size` bytes (`nil`: it does not say).
    private func firstCommitWithTheCheckHeld(_ database: any Store, size: Int?) async throws -> ImportReport {
        let commits = Mutex<[(report: ImportReport, afterTheCheck: Bool)]>([])
        let checked = Mutex(false)
        var options = ImportOptions(batchRows: 100)
        options.onChecked = { _ in
            usleep(300_000)
            checked.withLock { $0 = true }
        }
        options.onCommit = { report in
            let afterTheCheck = checked.withLock { $0 }
            commits.withLock { $0.append((report, afterTheCheck)) }
        }
        let bytes = Array(Self.csv(rows: 1000).utf8)
        let source = ImportSource(size: size) { try ImportSource.bytes(bytes).open() }
        let report = try await database.importRecords(by: .commandLine(for: MemberCode("KEN")!), from: source, options: options)
        #expect(report.accepted && report.created == 1000 && report.lastLine == 1001)
        #expect(commits.withLock { $0.allSatisfy(\.afterTheCheck) }, "no commit before the check has passed")
        return try #require(commits.withLock { $0.first?.report })
    }

    /// An import cut short keeps the batches it committed, a whole number of rows from the top of the file; the
    /// same file imported again goes on after the last of them and ends with exactly the file's records.
    @Test(arguments: StoreKind.available) func interruptedImportResumesAfterItsLastBatch(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        let bytes = Array(Self.csv(rows: 3000).utf8)
        // The storing's reading is the second, after the check's; on PostgreSQL, which hashes the file first, the third.
        let held = HeldSource(bytes, chunkSize: 4096, failing: kind == .postgres ? 3 : 2)
        let options = held.options(batchRows: 300)
        await #expect(throws: DiskGone.self) {
            _ = try await database.importRecords(by: .commandLine(for: MemberCode("KEN")!), from: held.source, options: options)
        }
        let kept = try await database.exportCSV().split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
        #expect(kept.count > 0 && kept.count < 3000, "some batches committed, not all: \(kept.count)")
        #expect(Set(kept) == Set((0..<kept.count).map { "KEN-\($0)" }), "the batches committed are the file's first rows")

        let resumed = try await database.importCSV(Self.csv(rows: 3000), batchRows: 300)
        #expect(resumed.resumedAfterLine == kept.count + 1)
        #expect((resumed.created, resumed.updated, resumed.unchanged) == (3000, 0, 0), "the report counts the whole file")
        #expect(try await database.repositories.records.count(owner: nil) == 3000)
        #expect(try await database.repositories.records.count(owner: MemberCode("KEN")!) == 3000, "the interrupted batch left no count behind")
        if let sqlite = database as? SQLiteDatabase {
            #expect(try await sqlite.pragma("foreign_keys") == "1", "the import's batches turn the checks back on, a failed one too")
            #expect(try await sqlite.pragma("foreign_key_check") == nil, "every reference the import wrote is whole")
        }
        let again = try await database.importCSV(Self.csv(rows: 3000), batchRows: 300)
        #expect(again.resumedAfterLine == nil && again.unchanged == 3000, "a finished import is not resumed")
    }

    struct DiskGone: Error {}

    @Test(arguments: StoreKind.available) func dryRunCountsButKeepsNothing(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        let report = try await database.importCSV(Self.csv(rows: 20), dryRun: true)
        #expect(report.accepted && report.dryRun && report.created == 20)
        #expect(try await database.repositories.records.count(owner: nil) == 0)
    }

    @Test(arguments: StoreKind.available) func unknownMemberIsRefused(kind: StoreKind) async throws {
        let database = try await kind.withMembers()
        await #expect(throws: DomainError.notFound(entity: "member", id: "MEX")) {
            _ = try await database.importCSV(Self.csv(rows: 1), member: "MEX")
        }
    }

    @Test(arguments: StoreKind.available) func exportReimportsToTheSameRecords(kind: StoreKind) async throws {
        let source = try await kind.withMembers([])
        _ = try await source.seedDemo(records: 400, seed: 3)
        let exported = try await source.exportCSV(member: "KEN")
        let target = try await kind.withMembers(DemoData.members.map(\.id.rawValue))
        let report = try await target.importCSV(exported)
        #expect(report.problems == [])
        #expect(report.created == (try await source.repositories.records.count(owner: MemberCode("KEN")!)))
        #expect(try await target.exportCSV(member: "KEN") == exported)

        let json = try await source.exportCSV(member: "KEN", format: .json)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        let records = try decoder.decode([WeaponRecord].self, from: Data(json.utf8))
        #expect(records.count == report.created)
        #expect(!json.contains("\"identification\"") && !json.contains("\"marking_check\""), "what is derived on reading stays out of exports")
    }
}

/// The bytes of a CSV file as an import source whose readings after the first, the check's (which an import opens
/// before any other), wait until the check has passed, so that the storing commits batch by batch as for a large
/// file, instead of storing the whole of a small one in its first transaction while the check runs.
private final class HeldSource: Sendable {
    private let checked = Mutex(false)
    private let readings = Mutex(0)
    private let bytes: [UInt8]
    private let chunkSize: Int
    private let failing: Int?

    /// - Parameter failing: which reading (the check's is the first) fails four fifths of the way through the file,
    ///   with ``RecordImportTests/DiskGone``.
    init(_ bytes: [UInt8], chunkSize: Int, failing: Int? = nil) {
        (self.bytes, self.chunkSize, self.failing) = (bytes, chunkSize, failing)
    }

    /// Options whose `onChecked` lets the waiting readings go.
    func options(batchRows: Int) -> ImportOptions {
        var options = ImportOptions(batchRows: batchRows)
        options.onChecked = { [self] _ in checked.withLock { $0 = true } }
        return options
    }

    var source: ImportSource {
        ImportSource { [self] in
            let next = try ImportSource.bytes(bytes, chunkSize: chunkSize).open()
            let reading = readings.withLock {
                $0 += 1
                return $0
            }
            guard reading > 1 else { return next }
            while !checked.withLock({ $0 }) { usleep(1000) }
            guard reading == failing else { return next }
            let handed = Mutex(0)
            return { [bytes, chunkSize] in
                let past = handed.withLock {
                    $0 += chunkSize
                    return $0
                }
                if past > bytes.count * 4 / 5 { throw RecordImportTests.DiskGone() }
                return try next()
            }
        }
    }
}
