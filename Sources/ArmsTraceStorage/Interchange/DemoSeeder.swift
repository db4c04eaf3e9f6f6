public import ArmsTraceDomain
import Foundation

/// A user made for the demo, with the one-time secret of its token.
public struct DemoUser: Sendable {
    public var user: User
    public var token: String
    /// The web sign-in: a login name and a random password, shown once.
    public var login: String
    public var password: String
}

extension Store {
    /// Seeds the demo members, an officer per member with a fresh token, `records` synthetic records, and up to
    /// `traces` trace requests between the members about those records (see ``DemoTraces``).
    ///
    /// Members that exist already are kept. Demo records go into a database that has none yet. Records are written in transactions of 20,000, each with its history
    /// entry, so a million records take a minute or so.
    /// - Parameters:
    ///   - records: how many records to add.
    ///   - traces: how many trace requests to add at most.
    ///   - seed: the same seed gives the same records.
    ///   - progress: called after each transaction with the records written so far.
    /// - Returns: the users made, with their tokens.
    public func seedDemo(
        records: Int,
        traces: Int = 0,
        seed: UInt64,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> [DemoUser] {
        let repositories = self.repositories
        guard try await repositories.records.count(owner: nil) == 0 || records == 0 else {
            throw DomainError.conflict("the database already holds records; demo records go into an empty database")
        }
        var users: [DemoUser] = []
        for member in DemoData.members {
            let exists = try await !repositories.members.existing([member.id]).isEmpty
            if !exists { try await repositories.members.create(member) }
            let user = User(id: .generate(), member: member.id, name: "Demo officer (\(member.id))", role: .officer, createdAt: Date())
            try await repositories.users.create(user)
            let token = try await repositories.users.issueToken(for: user.id, name: "demo", expiresAt: nil)
            // A web sign-in too, with a random password (bcrypt at cost 10: the demo starts fast).
            let login = "\(member.id.rawValue.lowercased()).officer"
            var random = SystemRandomNumberGenerator()
            let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
            let password = String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
            try await repositories.signIn.setCredentials(
                of: user.id,
                login: login,
                passwordHash: try Credentials(cost: 10).hashPassword(password),
                totpSecret: nil
            )
            users.append(DemoUser(user: user, token: token.secret, login: login, password: password))
        }
        let batch = 20_000
        var generator = DemoData(seed: seed)
        var written = 0
        while written < records {
            let count = min(batch, records - written)
            let chunk = (0..<count).map { _ in generator.next() }
            var idGenerator = SeededGenerator(seed: seed &+ UInt64(written))
            try await insertRecords(
                chunk.map { record in
                    GeneratedRecord(
                        id: WeaponRecord.ID(UUID.version7(at: record.enteredAt, using: &idGenerator)),
                        owner: record.owner,
                        details: record.details,
                        enteredAt: record.enteredAt
                    )
                }
            )
            written += count
            progress(written)
        }
        if traces > 0 {
            let actors = Dictionary(users.map { ($0.user.member, $0.user) }, uniquingKeysWith: { first, _ in first })
            try await DemoTraces(repositories: repositories).seed(count: traces, users: actors, seed: seed)
        }
        try await DemoCooperation(repositories: repositories).seed()
        return users
    }
}
