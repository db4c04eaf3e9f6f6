import ArmsTraceDomain
import Foundation

/// How both engines keep members' reference data: a scheme or a reference entry as JSON in the exchange format's
/// spelling (snake_case keys, sorted), beside the columns that key it.
enum ReferenceRows {
    static func json(_ scheme: MarkingScheme) throws -> String {
        String(decoding: try encoder.encode(scheme), as: UTF8.self)
    }

    static func json(_ item: ReferenceEntry.Item) throws -> String {
        let data =
            switch item {
            case .maker(let maker): try encoder.encode(maker)
            case .model(let model): try encoder.encode(model)
            case .calibre(let calibre): try encoder.encode(calibre)
            }
        return String(decoding: data, as: UTF8.self)
    }

    static func scheme(_ json: String) throws -> MarkingScheme {
        try decoder.decode(MarkingScheme.self, from: Data(json.utf8))
    }

    static func entry(kind: String, json: String, member: MemberCode, changedAt: Date) throws -> ReferenceEntry {
        let data = Data(json.utf8)
        let item: ReferenceEntry.Item =
            switch ReferenceEntry.Kind(rawValue: kind) {
            case .maker: .maker(try decoder.decode(WeaponReference.Maker.self, from: data))
            case .model: .model(try decoder.decode(WeaponReference.Model.self, from: data))
            case .calibre: .calibre(try decoder.decode(WeaponReference.Calibre.self, from: data))
            case nil: throw StorageError("reference entry of unknown kind \(kind)")
            }
        return ReferenceEntry(item, member: member, changedAt: changedAt)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()
}
