import ArmsTraceDomain
import ArmsTraceStorage
import ArmsTraceStorageTesting
import Foundation
import Testing

/// The same conformance suite as SQLite's, on the PostgreSQL server `ARMSTRACE_TEST_POSTGRES` names (`.ci/run`
/// starts one); each check in a schema of its own.
@Suite(.enabled(if: PostgresDatabase.testServer != nil, "set ARMSTRACE_TEST_POSTGRES to a postgres:// URL to run"))
struct PostgresConformanceTests {
    @Test func postgresConforms() async throws {
        let url = try #require(PostgresDatabase.testServer)
        try await RepositoryConformance { try await PostgresDatabase.scratch(url: url).repositories }.run()
    }

    /// The server CI starts keeps fsync, synchronous_commit and full_page_writes on: nothing to warn of at startup.
    @Test func theServersSettingsAreDurable() async throws {
        let database = try await PostgresDatabase.scratch(url: try #require(PostgresDatabase.testServer))
        #expect(try await database.durabilityWarnings().isEmpty)
        try await database.dropSchema()
    }
}
