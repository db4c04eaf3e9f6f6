public import ArmsTraceDomain

extension SerialIndex {
    /// Builds an index of every record in a store, reading it a page at a time: the store reads the next page
    /// while this task files the current one.
    /// - Parameters:
    ///   - hugePages: whether to move the index onto huge pages once built: for a server, not for a one-off search.
    ///   - progress: called with the number of records read so far, after each page.
    /// - Returns: the index, and the store's position after the last record read (see ``catchUp(from:after:)``).
    public static func load(
        from repository: any SearchRepository,
        pageSize: Int = 50_000,
        hugePages: Bool = true,
        progress: (Int) -> Void = { _ in }
    ) async throws -> (index: SerialIndex, position: String?) {
        var builder = Builder()
        var reading = Task { try await repository.entries(after: nil, limit: pageSize) }
        while true {
            let page = try await reading.value
            if !page.isLast { reading = Task { try await repository.entries(after: page.position, limit: pageSize) } }
            for entry in page.entries { builder.add(entry) }
            progress(builder.count)
            if page.isLast { return (builder.build(hugePages: hugePages), page.position) }
        }
    }

    /// Adds the records the store gained after `position` (those a bulk import in another process wrote), and
    /// returns the new position.
    public func catchUp(from repository: any SearchRepository, after position: String?, pageSize: Int = 10_000) async throws -> String? {
        var position = position
        while true {
            let page = try await repository.entries(after: position, limit: pageSize)
            for entry in page.entries { upsert(entry) }
            position = page.position
            if page.isLast { return position }
        }
    }
}
