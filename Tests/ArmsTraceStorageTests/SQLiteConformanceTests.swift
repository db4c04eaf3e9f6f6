import ArmsTraceDomain
import ArmsTraceStorage
import ArmsTraceStorageTesting
import Foundation
import Testing

@Suite struct SQLiteConformanceTests {
    @Test func inMemoryDatabaseConforms() async throws {
        try await RepositoryConformance { try SQLiteDatabase.inMemory().migrated().repositories }.run()
    }

    @Test func databaseFileConforms() async throws {
        let folder = try TemporaryFolder()
        let counter = Counter()
        try await RepositoryConformance {
            try SQLiteDatabase(path: folder.path("conformance-\(counter.next()).sqlite")).migrated().repositories
        }.run()
    }
}
