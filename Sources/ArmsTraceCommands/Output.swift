import Foundation

/// Prints a value as the API's JSON (snake_case, ISO 8601 times): pretty-printed for `--json` flags, on one line for
/// JSON lines.
func printJSON(_ value: some Encodable, pretty: Bool = true) throws {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
