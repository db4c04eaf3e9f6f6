import ArmsTraceDomain
import Testing

@Suite struct CSVTests {
    private func rows(_ text: String, chunk: Int = 3) throws -> [CSVParser.Row] {
        var parser = CSVParser()
        var rows: [CSVParser.Row] = []
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunk) {
            try parser.parse(Array(bytes[start..<min(start + chunk, bytes.count)])) { rows.append($0) }
        }
        try parser.finish { rows.append($0) }
        return rows
    }

    @Test(arguments: [1, 2, 7, 1000])
    func parsesRFC4180InAnyChunking(chunk: Int) throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"two, with comma\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",,é\nlast,row,no newline"
        let parsed = try rows(text, chunk: chunk)
        #expect(
            parsed == [
                .init(line: 1, fields: ["a", "b", "c"]),
                .init(line: 2, fields: ["1", "two, with comma", "say \"hi\""]),
                .init(line: 4, fields: ["multi\nline", "", "é"]),
                .init(line: 6, fields: ["last", "row", "no newline"]),
            ]
        )
    }

    @Test func syntaxErrorsNameTheLine() {
        #expect(throws: CSVParser.SyntaxError(line: 2, reason: "a quoted field is not closed before the end of the file")) {
            try rows("a\n\"open,b\n")
        }
        #expect(throws: CSVParser.SyntaxError.self) { try rows("a\n\"x\"y,b\n") }
        #expect(throws: CSVParser.SyntaxError(line: 1, reason: "field 1 is not valid UTF-8")) {
            var parser = CSVParser()
            try parser.parse([0x61, 0xFF, 0x0A]) { _ in }
        }
    }

    /// A line that never ends, or a quote never closed, is refused at the limit instead of read whole into memory.
    @Test func aRowPastTheLimitsIsRefusedWhereItStarts() throws {
        #expect(throws: CSVParser.SyntaxError(line: 2, reason: "the row is longer than \(CSVParser.maxRowBytes) bytes (is a quote left open?)")) {
            var parser = CSVParser()
            try parser.parse(Array("a,b\n\"".utf8)) { _ in }
            let block = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
            for _ in 0..<20 { try parser.parse(block) { _ in } }
        }
        #expect(throws: CSVParser.SyntaxError(line: 1, reason: "the row has more than \(CSVParser.maxFields) fields")) {
            try rows(String(repeating: ",", count: CSVParser.maxFields) + "\n", chunk: 4096)
        }
        #expect(try rows(String(repeating: "y", count: CSVParser.maxRowBytes) + "\nz\n", chunk: 65_536).map(\.line) == [1, 2])
    }

    @Test func writerQuotesOnlyWhereNeeded() {
        #expect(CSVWriter.row(["a", "b,c", "say \"x\"", "two\nlines", " pad", ""]) == "a,\"b,c\",\"say \"\"x\"\"\",\"two\nlines\",\" pad\",\n")
    }

    @Test func recordRowsRoundTrip() throws {
        var demo = DemoData(seed: 3)
        var details = (0..<200).map { _ in demo.next().details }
        details[0].markings = [Marking(kind: .other, text: "odd; text @ with: \\ marks", location: "left side; rear")]
        details[1].notes = "line one\nline two, \"quoted\""
        let text = RecordCSV.headerRow + details.map(RecordCSV.row).joined()
        let parsed = try rows(text, chunk: 4096)
        let header = try RecordCSV.Header(parsed[0])
        for (row, original) in zip(parsed.dropFirst(), details) {
            let input = try header.input(row)
            let validator = RecordValidator(owner: MemberCode("ZZZ")!)
            #expect(try validator.validate(input) == original)
        }
    }

    private static let markingsHeader = try! RecordCSV.Header(
        CSVParser.Row(line: 1, fields: ["external_ref", "category", "make", "status", "markings"])
    )

    private static func markingsRow(_ cell: String) -> CSVParser.Row {
        CSVParser.Row(line: 2, fields: ["R-1", "rifle_carbine", "Colt", "seized", cell])
    }

    /// A `markings` cell reads the same whether it takes the byte-level path (no backslash) or the general one
    /// (an escape elsewhere in the cell): blank entries skipped, the kind trimmed, text and location as written (the
    /// validator trims them).
    @Test(
        arguments: [
            (
                " ; manufacture : Glock 17 ABC123@slide ;; import:KEN 2019 ;",
                [("manufacture", " Glock 17 ABC123", "slide "), ("import", "KEN 2019 ", nil)]
            ),
            ("proof:crown@barrel@left", [("proof", "crown", "barrel@left")]),
            ("other:a:b", [("other", "a:b", nil)]),
            ("state:\u{A0};other:x", [("state", "\u{A0}", nil), ("other", "x", nil)]),
        ] as [(String, [(String, String, String?)])]
    )
    func markingsCellsRead(cell: String, expected: [(String, String, String?)]) throws {
        func markings(_ cell: String) throws -> [WeaponRecordInput.MarkingInput] {
            try Self.markingsHeader.input(Self.markingsRow(cell)).markings ?? []
        }
        let wanted = expected.map { WeaponRecordInput.MarkingInput(kind: $0.0, text: $0.1, location: $0.2) }
        #expect(try markings(cell) == wanted)
        // The same cell with one escaped character in a last entry takes the general path.
        #expect(try markings(cell + ";other:\\;") == wanted + [WeaponRecordInput.MarkingInput(kind: "other", text: ";", location: nil)])
    }

    @Test func aMarkingWithoutAKindIsNamed() throws {
        for cell in ["import:KEN;Glock 17", "\u{2003};Glock\\17"] {
            #expect(throws: RecordCSV.ProblemList.self) { try Self.markingsHeader.input(Self.markingsRow(cell)) }
        }
        // White space beyond ASCII alone is a blank entry, as on the general path.
        #expect(try Self.markingsHeader.input(Self.markingsRow("import:KEN;\u{2003}")).markings?.count == 1)
    }

    @Test func fieldsMapToColumns() {
        #expect(RecordCSV.column(forField: "event.legal_justification") == "event_legal_justification")
        #expect(RecordCSV.column(forField: "markings[3].text") == "markings")
        #expect(RecordCSV.column(forField: "serial_number") == "serial_number")
    }
}

/// Hostile input: mutated and random files must end in rows or a syntax error, never a crash, and every row either
/// maps to a valid record or to problems that name their line.
@Suite struct CSVHostileInputTests {
    @Test func mutatedFilesNeverCrashAndProblemsNameTheirLine() throws {
        var demo = DemoData(seed: 21)
        let valid = Array((RecordCSV.headerRow + (0..<40).map { _ in RecordCSV.row(demo.next().details) }.joined()).utf8)
        var random = SeededGenerator(seed: 99)
        let alphabet: [UInt8] = Array(",\"\n\r;:@\\?*-ab09ÿ".utf8) + [0x00, 0xC2, 0x85, 0xFF]
        var (syntaxErrors, rejectedRows, validRows) = (0, 0, 0)
        for _ in 0..<300 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...12, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = alphabet.randomElement(using: &random)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &random)!, at: position)
                }
            }
            var parser = CSVParser()
            var rows: [CSVParser.Row] = []
            do {
                try parser.parse(bytes) { rows.append($0) }
                try parser.finish { rows.append($0) }
            } catch is CSVParser.SyntaxError {
                syntaxErrors += 1
                continue
            }
            guard let first = rows.first, let header = try? RecordCSV.Header(first) else { continue }
            let validator = RecordValidator(owner: MemberCode("KEN")!)
            for row in rows.dropFirst() {
                do {
                    _ = try validator.validate(try header.input(row))
                    validRows += 1
                } catch let list as RecordCSV.ProblemList {
                    rejectedRows += 1
                    #expect(!list.problems.isEmpty && list.problems.allSatisfy { $0.line == row.line })
                } catch DomainError.invalid(let errors) {
                    rejectedRows += 1
                    #expect(!errors.isEmpty)
                }
            }
        }
        #expect(syntaxErrors > 0 && rejectedRows > 0 && validRows > 0, "\(syntaxErrors) \(rejectedRows) \(validRows)")
    }
}
