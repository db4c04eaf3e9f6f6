// libFuzzer targets over ArmsTraceDomain's parsers, compiled into the domain module by `scripts/fuzz` with
// `swiftc -sanitize=fuzzer,address`. One binary holds every target; ARMSTRACE_FUZZ_TARGET picks the one to run.
// Not part of the Swift package: SwiftPM does not build with libFuzzer.
import Foundation

/// The target the process fuzzes, read once.
private let target = ProcessInfo.processInfo.environment["ARMSTRACE_FUZZ_TARGET"] ?? "csv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case "csv": fuzzCSV(bytes)
    case "serial": fuzzSerial(bytes)
    case "marking": fuzzMarking(bytes)
    default: fatalError("unknown ARMSTRACE_FUZZ_TARGET \(target): csv, serial or marking")
    }
    return 0
}

/// The importer's reading of a file: CSV in uneven chunks, the header, each row to a record input and through the
/// entry rules. Any input may be refused; none may crash, hang or grow without bound.
private func fuzzCSV(_ bytes: [UInt8]) {
    var parser = CSVParser()
    var header: RecordCSV.Header?
    let validator = RecordValidator(owner: MemberCode("KEN")!)
    func take(_ row: CSVParser.Row) {
        guard let columns = header else {
            header = try? RecordCSV.Header(row)
            return
        }
        if let input = try? columns.input(row) { _ = try? validator.validate(input) }
    }
    var start = 0
    var step = 1
    do {
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            try parser.parse(Array(bytes[start..<end]), take)
            start = end
            step = step * 3 % 97 + 1
        }
        try parser.finish(take)
    } catch {}
}

/// A serial as an officer types it: normalised, as a pattern, as a search query with its comparison keys.
private func fuzzSerial(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    let once = SerialNormalizer.normalizedText(text)
    precondition(SerialNormalizer.normalizedText(once) == once, "normalising is not idempotent for \(text.debugDescription)")
    _ = SerialNormalizer.normalizePattern(text)
    _ = try? SerialQuery(SearchRequest(serial: text, make: text.count > 5 ? String(text.prefix(5)) : nil))
}

/// A mark read against every published marking scheme.
private func fuzzMarking(_ bytes: [UInt8]) {
    let text = String(decoding: bytes.prefix(200), as: UTF8.self)
    _ = MarkingParser.fits(text, schemes: PublishedSchemes.all)
}
