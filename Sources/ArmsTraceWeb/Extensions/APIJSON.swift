import ArmsTraceDomain
import Foundation
import Hummingbird

/// The JSON conventions of the API: snake_case keys, ISO 8601 times in UTC, sorted keys for stable output; and the
/// largest request body the API reads.
enum APIJSON {
    /// 1 MiB; bulk uploads go through the command line's streaming importer.
    static let maxBodySize = 1 << 20

    /// Shared: configured once, never changed after.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

extension Request {
    /// Decodes a JSON body within the context's size limit; a malformed body is a 400 that names the field, a number
    /// too large for its field a 422.
    func decodeJSON<T: Decodable>(as type: T.Type, context: some RequestContext) async throws -> T {
        let data = Data(buffer: try await body.collect(upTo: context.maxUploadSize))
        do {
            return try APIJSON.decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            // The decoder says only "not valid JSON" when a number does not fit the field's type; JSON it is, though,
            // so the body is well formed and a value is out of range.
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil
            {
                throw DomainError.invalid(field: "body", "holds a number too large for its field")
            }
            throw APIError.badJSON(error)
        }
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = buffer.withUnsafeReadableBytes { Data($0) }
    }
}

/// A domain value as a JSON response: what handlers return for the domain's types, which do not know Hummingbird.
struct JSONBody<Value: Encodable & Sendable>: ResponseEncodable, Sendable {
    var value: Value

    init(_ value: Value) { self.value = value }

    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}

/// A 201 answer: `value` as JSON, with the `Location` of what was created.
func created<T: Encodable & Sendable>(_ value: T, at location: String, _ request: Request, _ context: AuthenticatedContext) throws -> Response {
    var response = try context.responseEncoder.encode(JSONBody(value), from: request, context: context)
    response.status = .created
    response.headers[.location] = location
    return response
}
