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

    @Test func fieldsMapToColumns() {
        #expect(RecordCSV.column(forField: "event.legal_justification") == "event_legal_justification")
        #expect(RecordCSV.column(forField: "markings[3].text") == "markings")
        #expect(RecordCSV.column(forField: "serial_number") == "serial_number")
    }
}
