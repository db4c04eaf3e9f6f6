import Foundation

/// The record use cases: who may do what, the entry rules, then one repository call each.
///
/// ```swift
/// let service = RecordService(repositories: repositories)
/// let record = try await service.create(input, by: actor)
/// ```
public struct RecordService: Sendable {
    public let repositories: Repositories
    /// The search index, told of every record created or changed once the change is stored.
    public let searchIndex: (any SerialSearchIndex)?

    public init(repositories: Repositories, searchIndex: (any SerialSearchIndex)? = nil) {
        self.repositories = repositories
        self.searchIndex = searchIndex
    }

    /// Validates and stores a new record owned by the actor's member.
    /// - Throws: `.forbidden` for a role that may not edit records; `.invalid` naming every bad field;
    ///   `.conflict` for a duplicate `external_ref`.
    public func create(_ input: WeaponRecordInput, by actor: Actor) async throws -> WeaponRecord {
        try actor.require(.editRecords)
        let details = try await validate(input, owner: actor.member)
        let record = try await repositories.records.create(details, by: actor)
        searchIndex?.upsert(SearchEntry(record))
        return record
    }

    /// Validates and stores new details for a record the actor's member owns.
    /// - Throws: as ``create(_:by:)``, and `.notFound` for a record the actor's member may not see.
    public func update(
        _ id: WeaponRecord.ID,
        with input: WeaponRecordInput,
        expectedVersion: Int?,
        by actor: Actor
    ) async throws
        -> WeaponRecord
    {
        try actor.require(.editRecords)
        let details = try await validate(input, owner: actor.member)
        let record = try await repositories.records.update(id, details: details, expectedVersion: expectedVersion, by: actor)
        searchIndex?.upsert(SearchEntry(record))
        return record
    }

    /// A record the actor's member may see.
    public func get(_ id: WeaponRecord.ID, by actor: Actor) async throws -> WeaponRecord {
        try actor.require(.readRecords)
        let record = try await repositories.records.get(id, viewer: actor.member)
        try await repositories.audit.append(AuditEvent(.recordRead, by: actor, subject: "record:\(id)", concerns: record.owner))
        return record
    }

    /// A page of records the actor's member may see.
    /// - Throws: `.invalid` for a limit out of range.
    public func list(_ query: RecordQuery, by actor: Actor) async throws -> Page<WeaponRecord> {
        try actor.require(.readRecords)
        try RecordQuery.checkLimit(query.limit)
        let page = try await repositories.records.list(query, viewer: actor.member)
        try await repositories.audit.append(AuditEvent(.recordList, by: actor, detail: "\(page.items.count) record(s)"))
        return page
    }

    /// The actor's member's own records counted for its dashboard, with the last `months` months (UTC) to the
    /// current one. Counts only, no record leaves: not in the audit trail.
    public func tally(months: Int = 24, by actor: Actor) async throws -> RecordTally {
        try actor.require(.readRecords)
        let last = Date().monthText
        let first = RecordTally.monthsBack(months, from: last).first ?? last
        return RecordTally(try await repositories.records.tally(owner: actor.member, sinceMonth: first), months: months, endingIn: last)
    }

    /// The history of a record the actor's member may see.
    public func history(_ id: WeaponRecord.ID, by actor: Actor) async throws -> [RecordHistoryEntry] {
        try actor.require(.readRecords)
        let history = try await repositories.records.history(id, viewer: actor.member)
        try await repositories.audit.append(AuditEvent(.recordRead, by: actor, subject: "record:\(id)", detail: "history"))
        return history
    }

    /// Applies the field rules, then checks that every member in a sharing list exists.
    private func validate(_ input: WeaponRecordInput, owner: MemberCode) async throws -> WeaponRecord.Details {
        let details = try RecordValidator(owner: owner).validate(input)
        let listed = details.sharing.memberCodes
        if !listed.isEmpty {
            let known = try await repositories.members.existing(listed)
            let unknown = listed.filter { !known.contains($0) }
            if !unknown.isEmpty {
                throw DomainError.invalid(field: "sharing", "unknown members: " + unknown.map(\.rawValue).joined(separator: ", "))
            }
        }
        return details
    }
}
