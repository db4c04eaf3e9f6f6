package import ArmsTraceDomain
import Foundation
import Mustache

/// The printable documents as HTML outside a server, for the command line to write: the same templates as the
/// server's pages.
package enum PrintedDocuments {
    /// A trace request's page (`GET /api/v1/traces/{id}/print`).
    package static func trace(_ view: TraceRequestView) async throws -> String {
        try await render("trace-print", TracePrintPage(view))
    }

    /// A member's tracing statistics (`GET /api/v1/tracing/statistics/print`).
    package static func statistics(_ statistics: TraceStatistics) async throws -> String {
        try await render("trace-statistics", TraceStatisticsPage(statistics))
    }

    private static func render(_ template: String, _ page: Any) async throws -> String {
        guard let resources = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
            throw StartupError("the server's resources are missing from its bundle")
        }
        let templates = try await MustacheLibrary(directory: resources.appendingPathComponent("templates").path)
        guard let html = templates.render(page, withTemplate: template) else { throw StartupError("template \(template) is missing") }
        return html
    }
}
