import ArmsTraceDomain
import ArmsTraceStorage
import ArmsTraceWeb
import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

/// Two `armstrace serve` instances on one PostgreSQL database, each with its own connection pool and search index,
/// served for real (`.live`, background jobs running), as behind a load balancer.
@Suite(.enabled(if: PostgresDatabase.testServer != nil, "set ARMSTRACE_TEST_POSTGRES to a postgres:// URL to run"))
struct MultiInstanceTests {
    @Test func twoServersOnOneDatabaseStayConsistent() async throws {
        let first = try await PostgresDatabase.scratch(url: try #require(PostgresDatabase.testServer))
        let second = try first.reopened()
        let world = try await TestWorld.make(on: first)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let configuration = AppConfiguration(port: 0, searchIndexCatchUpInterval: .milliseconds(250), traceDeadlineCheckInterval: nil)
        let serverA = try await buildApplication(store: first, configuration: configuration, logger: logger)
        let serverB = try await buildApplication(store: second, configuration: configuration, logger: logger)

        try await serverA.test(.live) { a in
            try await serverB.test(.live) { b in
                // A record created through A…
                var input = fullInput
                input["external_ref"] = "UGA-2026-0042"
                let created = try await a.execute(uri: "/api/v1/records", method: .post, headers: world.headers("uga"), body: json(input))
                #expect(created.status == .created)
                let id = try #require(created.object["id"] as? String)

                // …is found through B at one of its next looks (every 250 ms here). Five seconds, not one: CI runs
                // every suite at once on 2 cores, and a one-second bound failed there now and then.
                let start = ContinuousClock.now
                var found = false
                while !found && ContinuousClock.now - start < .seconds(5) {
                    let answer = try await SearchAPITests.search(b, world, "ken", ["serial": "5612345"])
                    found = answer.object["hit"] as? Bool == true
                    if found {
                        #expect(
                            (answer.object["candidates"] as? [[String: Any]])?.first.flatMap { $0["record"] as? [String: Any] }?["id"] as? String
                                == id
                        )
                    } else {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                }
                #expect(found, "a record created through one server is found through the other within five seconds")

                // Searches through both servers at once: one notice to the owner per search, none lost or doubled.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<6 {
                        let client = index.isMultiple(of: 2) ? a : b
                        group.addTask {
                            let answer = try await SearchAPITests.search(client, world, "ken", ["serial": "56I2345"])
                            #expect(answer.object["notices_sent"] as? Int == 1)
                        }
                    }
                    try await group.waitForAll()
                }
                for client in [a, b] {
                    let notices = try await SearchAPITests.notices(client, world, "uga")
                    #expect(notices.count == 7)
                    #expect(Set(notices.compactMap { $0["search_id"] as? String }).count == 7)
                }
            }
        }

        // A passed deadline, checked by both servers at the same moment, is noticed once.
        _ = try await world.overdueTraceRequest()
        async let noticedByA = TraceService(repositories: first.repositories).noticePassedDeadlines()
        async let noticedByB = TraceService(repositories: second.repositories).noticePassedDeadlines()
        let noticed = try await noticedByA.count + noticedByB.count
        #expect(noticed == 1)
        let page = try await second.repositories.traces.notices(for: MemberCode("UGA")!, limit: 50, cursor: nil)
        #expect(page.items.count == 1)

        // Every server appended to one audit chain, in one unbroken order.
        let verification = try await second.verifyAuditChain()
        #expect(verification.isIntact, "\(verification.problem ?? "")")
        #expect(verification.entries > 20)
        await second.close()
        await first.close()
    }
}
