import ArmsTraceDomain
import Foundation
import HTTPTypes
import Hummingbird

/// An error as the API shows it: a status, a stable machine-readable code, a message a person can act on, and the
/// fields at fault. This is the one place where domain errors become HTTP.
struct APIError: Error, Sendable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var fields: [FieldError]
    /// For a 429 or a 503: in how many seconds to try again, sent as `Retry-After`.
    var retryAfter: Int?

    init(status: HTTPResponse.Status, code: String, message: String, fields: [FieldError] = [], retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.retryAfter = retryAfter
    }

    /// The body: `{"error": {"code": …, "message": …, "fields": [{"field": …, "message": …}]}}`.
    struct Body: Encodable {
        struct Content: Encodable {
            var code: String
            var message: String
            var fields: [FieldError]?
        }
        var error: Content
    }

    /// A request parameter that cannot be read.
    static func badParameter(_ field: String, _ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: "\(field): \(message)", fields: [FieldError(field: field, message: message)])
    }

    /// A body that is not the JSON the endpoint takes, naming the field in the API's spelling.
    static func badJSON(_ error: DecodingError) -> APIError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { key in key.intValue.map { "[\($0)]" } ?? "." + snakeCase(key.stringValue) }.joined().trimmingPrefix(".").description
        }
        let (field, message): (String, String) =
            switch error {
            case .typeMismatch(let type, let context): (path(context.codingPath), "has the wrong type; expected \(typeName(type))")
            case .valueNotFound(let type, let context): (path(context.codingPath), "must not be null; expected \(typeName(type))")
            case .keyNotFound(let key, let context): (path(context.codingPath + [key]), "is required")
            case .dataCorrupted(let context):
                context.codingPath.isEmpty
                    ? ("body", "is not valid JSON")
                    : (path(context.codingPath), context.debugDescription)
            @unknown default: ("body", "cannot be read")
            }
        return APIError(
            status: .badRequest,
            code: "bad_request",
            message: "\(field): \(message)",
            fields: [FieldError(field: field, message: message)]
        )
    }

    /// The API form of any error: domain errors by their kind, Hummingbird's HTTP errors by their status, and
    /// anything else as a bare internal error whose detail stays in the log.
    init(_ error: any Error) {
        switch error {
        case let error as APIError: self = error
        case let error as DomainError:
            switch error {
            case .notFound(let entity, let id): self.init(status: .notFound, code: "not_found", message: "\(entity) \(id) not found")
            case .invalid(let fields):
                self.init(
                    status: .unprocessableContent,
                    code: "validation_failed",
                    message: "the input breaks \(fields.count) rule\(fields.count == 1 ? "" : "s"); see fields",
                    fields: fields
                )
            case .forbidden(let message): self.init(status: .forbidden, code: "forbidden", message: message)
            case .unauthenticated:
                self.init(status: .unauthorized, code: "unauthenticated", message: "send a valid API token as 'Authorization: Bearer <token>'")
            case .conflict(let message): self.init(status: .conflict, code: "conflict", message: message)
            case .unavailable(let message, let retryAfter):
                self.init(status: .serviceUnavailable, code: "unavailable", message: message, retryAfter: retryAfter)
            case .limitReached(let message, let retryAfter):
                self.init(status: .tooManyRequests, code: "limit_reached", message: message, retryAfter: retryAfter)
            }
        case let error as any HTTPResponseError:
            // Hummingbird's own errors: a route that does not exist, a body over the limit.
            let code: String =
                switch error.status {
                case .notFound: "not_found"
                case .contentTooLarge: "payload_too_large"
                case .methodNotAllowed: "method_not_allowed"
                default: error.status.code < 500 ? "bad_request" : "internal"
                }
            let message: String =
                switch error.status {
                case .contentTooLarge: "the request body is larger than the 1 MiB limit"
                case _ where error.status.code >= 500: "internal error"
                default: (error as? HTTPError)?.body ?? error.status.reasonPhrase
                }
            self.init(status: error.status, code: code, message: message)
        default:
            self.init(status: .internalServerError, code: "internal", message: "internal error")
        }
    }

    private static func snakeCase(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".contains("Array") ? "an array" : "an object"
        }
    }
}

extension APIError: HTTPResponseError {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try APIJSON.encoder.encode(Body(error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields)))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"armstrace\"" }
        if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
