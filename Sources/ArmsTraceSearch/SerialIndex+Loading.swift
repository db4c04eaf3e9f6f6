public import ArmsTraceDomain

extension SerialIndex {
    /// Builds an index of every record in a store, reading it a page at a time: the store reads the next page
    /// while this task files the current one.
    /// - Parameter progress: called with the number of records read so far, after each page.
    public static func load(
        from repository: any SearchRepository,
        pageSize: Int = 50_000,
        progress: (Int) -> Void = { _ in }
    ) async throws -> SerialIndex {
        var builder = Builder()
        var reading = Task { try await repository.entries(after: nil, limit: pageSize) }
        while true {
            let page = try await reading.value
            if let next = page.next { reading = Task { try await repository.entries(after: next, limit: pageSize) } }
            for entry in page.entries { builder.add(entry) }
            progress(builder.count)
            if page.next == nil { break }
        }
        return builder.build()
    }
}
