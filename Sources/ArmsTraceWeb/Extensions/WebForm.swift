import ArmsTraceDomain
import Foundation
import Hummingbird
import MultipartKit
import NIOCore

/// A form posted by a page: its fields (a name may repeat, as checkboxes do) and, for `multipart/form-data`, its
/// files. Reading one checks the session's CSRF token, so no handler can forget to.
struct WebForm: Sendable {
    /// A file sent with the form.
    struct File: Sendable {
        var name: String
        var content: ByteBuffer
    }

    /// The largest form body read: a CSV upload of about 100,000 records. Larger files go through the command line
    /// or the API.
    static let maxBodySize = 32 * 1024 * 1024

    private(set) var values: [String: [String]] = [:]
    private(set) var files: [String: File] = [:]

    /// The first value of a field, without surrounding spaces; `nil` when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every non-blank value of a field, in the order sent.
    func all(_ name: String) -> [String] {
        (values[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    init(values: [String: [String]] = [:], files: [String: File] = [:]) {
        self.values = values
        self.files = files
    }

    /// Reads the form and checks that its `csrf` field is the session's token.
    /// - Throws: `DomainError.forbidden` for a missing or wrong token; `.invalid` for a body that cannot be read.
    static func read(_ request: Request, context: WebContext) async throws -> WebForm {
        let form = try await parse(request, limit: maxBodySize)
        guard SignInService.same(context.session.csrfToken, form["csrf"] ?? "") else {
            throw DomainError.forbidden("the form's security token is missing or stale; reload the page and send it again")
        }
        return form
    }

    /// Reads a `application/x-www-form-urlencoded` or `multipart/form-data` body of at most `limit` bytes.
    static func parse(_ request: Request, limit: Int) async throws -> WebForm {
        let buffer = try await request.body.collect(upTo: limit)
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            return try multipart(buffer, contentType: contentType)
        }
        return urlEncoded(String(buffer: buffer))
    }

    static func urlEncoded(_ text: String) -> WebForm {
        var form = WebForm()
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            form.values[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return form
    }

    static func multipart(_ buffer: ByteBuffer, contentType: String) throws -> WebForm {
        guard
            let boundary = contentType.split(separator: ";").lazy.map({ $0.trimmingCharacters(in: .whitespaces) })
                .first(where: { $0.lowercased().hasPrefix("boundary=") })?.dropFirst("boundary=".count)
        else { throw DomainError.invalid(field: "body", "the multipart form names no boundary") }
        var form = WebForm()
        var disposition = ""
        var body = ByteBuffer()
        let parser = MultipartParser(boundary: String(boundary).trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { disposition = value }
        }
        parser.onBody = { chunk in body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            let parameters = Self.parameters(disposition)
            if let name = parameters["name"] {
                if let filename = parameters["filename"] {
                    form.files[name] = File(name: filename, content: body)
                } else {
                    form.values[name, default: []].append(String(buffer: body))
                }
            }
            disposition = ""
            body = ByteBuffer()
        }
        do {
            try parser.execute(buffer)
        } catch {
            throw DomainError.invalid(field: "body", "the multipart form cannot be read")
        }
        return form
    }

    /// The `name="…"` parameters of a `Content-Disposition` header.
    private static func parameters(_ header: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            parameters[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] =
                value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
        }
        return parameters
    }
}
