import ArmsTraceDomain
import ArmsTraceStorage
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization

/// A member's own records as a download, from the API (`GET /api/v1/records/export`) and the records page: the same
/// CSV or JSON that `armstrace export` writes, so a download re-imports to the same records.
///
/// The export is written first, from one snapshot of the store, to a temporary file that has no name (it is unlinked
/// as soon as it is made, so nothing is left behind if the server dies), and then sent from that file. The store's
/// snapshot so lasts as long as the disk takes, not as long as the slowest client, and memory stays flat whatever
/// the size. Exports are the heaviest thing a user can ask for, so ``ExportLimiter`` bounds how many run at once.
struct RecordExports: Sendable {
    let store: any Store
    let limiter: ExportLimiter

    /// The actor's member's records in the request's `format` (csv, the default, or json), as an attachment named
    /// after the member and the day.
    /// - Throws: a bad parameter for a `format` that is neither; `.forbidden` for a role that may not change records
    ///   (an export is the import's counterpart); `.limitReached` while too many exports run (see ``ExportLimiter``).
    func response(to request: Request, by actor: Actor) async throws -> Response {
        let format = try Self.format(request)
        try actor.require(.editRecords)
        let permit = try limiter.permit(for: actor.member)
        let spool = try SpoolFile()
        let count = try await store.exportRecords(by: actor, format: format) { text in try spool.append(text) }
        let size = try spool.rewind()
        let name = "\(actor.member)-records-\(CalendarDate.today).\(format.rawValue)"
        let headers: HTTPFields = [
            .contentType: format == .csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
            .contentDisposition: "attachment; filename=\"\(name)\"",
            .contentSecurityPolicy: "default-src 'none'; sandbox",
            HTTPField.Name("X-Record-Count")!: "\(count)",
        ]
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody(contentLength: size) { writer in
                // The permit is held until the last byte is sent: it bounds the temporary files on disk too.
                defer { withExtendedLifetime(permit) {} }
                while let chunk = try await spool.next() { try await writer.write(chunk) }
                try await writer.finish(nil)
            }
        )
    }
}

extension RecordExports {
    /// The `format` of an export: csv (the default) or json.
    static func format(_ request: Request) throws -> ExportFormat {
        guard let text = try request.uri.queryParameters.get("format").present("format") else { return .csv }
        guard let format = ExportFormat(rawValue: text) else { throw APIError.badParameter("format", "'\(text)' is not csv or json") }
        return format
    }
}

/// How many exports run at once: one per member, and `total` on the server. Each holds a snapshot of the store and
/// a temporary file as large as the member's data, so a burst of exports is refused (429, `Retry-After`) rather
/// than queued. The limit is this server's; several servers on one database each have their own.
final class ExportLimiter: Sendable {
    /// Exports that may run at once on this server, all members together.
    let total: Int
    /// The members whose export runs.
    private let running = Mutex<Set<MemberCode>>([])

    init(total: Int = 2) {
        self.total = total
    }

    /// A running export's place; it is given back when the permit is released.
    final class Permit: Sendable {
        private let giveBack: @Sendable () -> Void

        init(giveBack: @escaping @Sendable () -> Void) {
            self.giveBack = giveBack
        }

        deinit { giveBack() }
    }

    /// Takes a place for one of `member`'s exports.
    /// - Throws: `.limitReached` when the member's previous export still runs, or `total` exports do.
    func permit(for member: MemberCode) throws -> Permit {
        try running.withLock { running in
            guard !running.contains(member) else {
                throw DomainError.limitReached("\(member)'s previous export is still running; one runs at a time per member", retryAfter: 10)
            }
            guard running.count < total else {
                throw DomainError.limitReached("the server is busy with \(total) other exports; try again shortly", retryAfter: 10)
            }
            running.insert(member)
        }
        return Permit { [self] in _ = running.withLock { $0.remove(member) } }
    }
}

/// A temporary file without a name: written once, then read back in chunks on NIO's thread pool.
private final class SpoolFile: Sendable {
    private let descriptor: Int32

    /// Makes the file in the temporary folder (`TMPDIR`) and unlinks it at once.
    init() throws {
        let folder = FileManager.default.temporaryDirectory.path
        var template = Array("\(folder)/armstrace-export-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw SpoolError("cannot make a temporary file in \(folder): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Appends `text` as UTF-8.
    func append(_ text: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw SpoolError("cannot write the export's temporary file: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Goes back to the start for reading.
    /// - Returns: the file's size in bytes.
    func rewind() throws -> Int {
        let size = lseek(descriptor, 0, SEEK_CUR)
        guard size >= 0, lseek(descriptor, 0, SEEK_SET) == 0 else { throw SpoolError("cannot reread the export's temporary file") }
        return Int(size)
    }

    /// The next chunk of up to 256 KiB, read off the server's event loops; nil at the end.
    func next() async throws -> ByteBuffer? {
        try await NIOThreadPool.singleton.runIfActive { [descriptor] in
            var buffer = ByteBuffer()
            let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 256 * 1024) { bytes in
                var count: Int
                repeat { count = read(descriptor, bytes.baseAddress!, bytes.count) } while count < 0 && errno == EINTR
                guard count >= 0 else { throw SpoolError("cannot reread the export's temporary file: \(String(cString: strerror(errno)))") }
                return count
            }
            return count == 0 ? nil : buffer
        }
    }

    struct SpoolError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
