/// The repositories of one store, handed together to the services, the web layer and the command line.
public struct Repositories: Sendable {
    public var members: any MemberRepository
    public var users: any UserRepository
    public var records: any WeaponRecordRepository

    public init(members: any MemberRepository, users: any UserRepository, records: any WeaponRecordRepository) {
        self.members = members
        self.users = users
        self.records = records
    }
}
