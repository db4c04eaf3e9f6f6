import ArmsTraceDomain
import Hummingbird

/// One page of a list, as every list endpoint answers it: `{"<items>": [...], "next_cursor": "..."}`, with
/// `next_cursor` present and `null` on the last page.
struct CursorPage<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    /// The name of the list's key, in camelCase (the encoder writes snake_case).
    var itemsKey: String
    var items: [Item]
    var nextCursor: String?

    init(itemsKey: String, items: [Item], nextCursor: String?) {
        self.itemsKey = itemsKey
        self.items = items
        self.nextCursor = nextCursor
    }

    /// A repository's page under the list's key.
    init(_ itemsKey: String, _ page: Page<Item>) {
        self.init(itemsKey: itemsKey, items: page.items, nextCursor: page.nextCursor)
    }

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

extension Request {
    /// The `limit` (1 to ``RecordQuery/maximumLimit``, ``RecordQuery/defaultLimit`` when absent) and `cursor` query
    /// parameters of a list endpoint.
    /// - Throws: `APIError.badParameter` for a limit that is not a whole number in range.
    func pageParameters() throws -> (limit: Int, cursor: String?) {
        let parameters = uri.queryParameters
        var limit = RecordQuery.defaultLimit
        if let text = parameters.get("limit"), !text.isEmpty {
            guard let value = Int(text), (1...RecordQuery.maximumLimit).contains(value) else {
                throw APIError.badParameter("limit", "'\(text)' is not a whole number from 1 to \(RecordQuery.maximumLimit)")
            }
            limit = value
        }
        return (limit, parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 })
    }
}
