import ArmsTraceDomain
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `Idempotency-Key` on the API's writes: a `POST` that carries one is done once per member and key; the same
/// request sent again (a retry after a lost answer, twenty at once) gets the first answer back, marked
/// `Idempotent-Replayed: true`, and the same key with a different request is refused (422).
///
/// The key is claimed before the request is done and its answer stored after, both in the store, so servers sharing
/// a database agree; a request that fails gives the key up, and a claim left by a server that stopped is taken over
/// after a minute. Keys are kept for a day.
struct IdempotencyMiddleware: RouterMiddleware {
    typealias Context = AuthenticatedContext

    let repository: any IdempotencyRepository
    /// How long a claim may wait unanswered before another call takes it over.
    var stale: TimeInterval = 60
    /// How long a call waits for another call with its key to finish.
    var patience: Duration = .seconds(30)

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!
    /// Answers larger than this are not kept (none of the API's writes gives one).
    static let largestKept = 1 << 20

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, let key = request.headers[Self.header] else { return try await next(request, context) }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError.badParameter("Idempotency-Key", "1 to 255 visible ASCII characters, no spaces")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        var hasher = SHA256()
        hasher.update(data: Data("\(request.method) \(request.uri.path)?\(request.uri.query ?? "")\n".utf8))
        hasher.update(data: Data(buffer: body))
        let fingerprint = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        var request = request
        request.body = RequestBody(buffer: body)
        let member = context.actor.member
        let deadline = ContinuousClock.now + patience
        while true {
            switch try await repository.claim(member: member, key: key, fingerprint: fingerprint, at: Date(), stale: stale) {
            case .claimed:
                return try await perform(request, context: context, key: key, next: next)
            case .answered(let answer):
                var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", Self.replayed: "true"]
                if let location = answer.location { headers[.location] = location }
                return Response(
                    status: HTTPResponse.Status(code: answer.status),
                    headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
                )
            case .mismatch:
                throw APIError(
                    status: .unprocessableContent,
                    code: "idempotency_key_reused",
                    message: "this Idempotency-Key was used for a different request; use a new key for a new request"
                )
            case .inProgress:
                guard ContinuousClock.now < deadline else {
                    throw APIError(
                        status: .conflict,
                        code: "conflict",
                        message: "a request with this Idempotency-Key is still being done; retry later"
                    )
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Does the request once and keeps its answer; a failure gives the key up.
    private func perform(
        _ request: Request,
        context: Context,
        key: String,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let member = context.actor.member
        let response: Response
        var body = ByteBuffer()
        do {
            response = try await next(request, context)
            let collector = Collector()
            try await response.body.write(collector)
            body = collector.buffer
        } catch {
            try? await repository.release(member: member, key: key)
            throw error
        }
        if response.status.kind == .serverError || body.readableBytes > Self.largestKept {
            try await repository.release(member: member, key: key)
        } else {
            let answer = IdempotentResponse(status: response.status.code, body: Data(buffer: body), location: response.headers[.location])
            try await repository.complete(member: member, key: key, response: answer)
        }
        var kept = response
        kept.body = ResponseBody(byteBuffer: body)
        return kept
    }
}

/// Gathers a response's body as it is written.
private final class Collector: ResponseBodyWriter {
    var buffer = ByteBuffer()

    func write(_ part: ByteBuffer) async throws {
        var part = part
        buffer.writeBuffer(&part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
