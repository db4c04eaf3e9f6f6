public import ArmsTraceDomain

extension SerialIndex {
    /// Builds an index of every record in a store, reading it a page at a time in record ID order.
    public static func load(from repository: any SearchRepository, pageSize: Int = 20_000) async throws -> SerialIndex {
        var builder = Builder()
        var after: WeaponRecord.ID?
        while true {
            let page = try await repository.entries(after: after, limit: pageSize)
            for entry in page { builder.add(entry) }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.id
        }
        return builder.build()
    }
}
