/// One page of a list, newest first, and where the next page starts: what every list of every repository answers.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Pass as the next query's cursor; `nil` on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    /// The page from up to `limit + 1` rows read: an extra row only says that another page follows, which starts
    /// after the last item kept.
    public init(readAhead rows: [Item], limit: Int, cursor: (Item) -> String) {
        var items = rows
        var next: String?
        if items.count > limit {
            items.removeLast(items.count - limit)
            next = items.last.map(cursor)
        }
        self.init(items: items, nextCursor: next)
    }
}

extension Page: Equatable where Item: Equatable {}

extension Identifier {
    /// The identifier a list's `cursor` names (the last item of the previous page), `nil` for the first page.
    /// - Throws: `DomainError.invalid` for text that is no cursor of this list.
    public static func cursor(_ text: String?) throws -> Self? {
        guard let text else { return nil }
        guard let id = Self(text) else { throw DomainError.invalid(field: "cursor", "is not a cursor from a previous page") }
        return id
    }
}
