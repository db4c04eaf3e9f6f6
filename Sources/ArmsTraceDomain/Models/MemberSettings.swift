/// What a member's admin sets for the member's own use of ArmsTrace: how many searches its users may make in a
/// day (UTC) and how many candidates one answer may hold, as Prüm's technical annexes set for each state.
public struct MemberSettings: Sendable, Equatable, Codable {
    public var searchesPerDay: Int
    public var maximumCandidates: Int

    public init(searchesPerDay: Int, maximumCandidates: Int) {
        self.searchesPerDay = searchesPerDay
        self.maximumCandidates = maximumCandidates
    }

    /// Until the admin sets its own: 10,000 searches a day, answers as large as the API allows.
    public static let standard = MemberSettings(searchesPerDay: 10_000, maximumCandidates: SerialQuery.maximumLimit)

    /// The most searches a day that can be set.
    public static let maximumSearchesPerDay = 1_000_000

    /// Checks the ranges.
    /// - Throws: `DomainError.invalid` naming each bad field.
    public func validate() throws {
        var problems: [FieldError] = []
        if !(1...Self.maximumSearchesPerDay).contains(searchesPerDay) {
            problems.append(FieldError(field: "searches_per_day", message: "must be from 1 to \(Self.maximumSearchesPerDay), got \(searchesPerDay)"))
        }
        if !(1...SerialQuery.maximumLimit).contains(maximumCandidates) {
            problems.append(
                FieldError(field: "maximum_candidates", message: "must be from 1 to \(SerialQuery.maximumLimit), got \(maximumCandidates)")
            )
        }
        guard problems.isEmpty else { throw DomainError.invalid(problems) }
    }
}
