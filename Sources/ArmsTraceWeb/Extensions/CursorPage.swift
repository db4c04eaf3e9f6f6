import Hummingbird

/// One page of a list, as every list endpoint answers it: `{"<items>": [...], "next_cursor": "..."}`, with
/// `next_cursor` present and `null` on the last page.
struct CursorPage<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    /// The name of the list's key, in camelCase (the encoder writes snake_case).
    var itemsKey: String
    var items: [Item]
    var nextCursor: String?

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(items, forKey: Key(itemsKey))
        try container.encode(nextCursor, forKey: Key("nextCursor"))
    }
}
