import Foundation

/// Deterministic corpora of records and realistically damaged queries, for the search benchmark and its tests.
///
/// Two shapes of serials: ``Shape/uniform`` draws each serial at random from maker-like formats of eight to ten
/// characters; ``Shape/dense`` issues serials in consecutive runs of 1,000 to 20,000 (as factories number them),
/// so that the neighbourhood of a serial within two edits holds hundreds of real weapons.
public struct SearchCorpus: Sequence, IteratorProtocol, Sendable {
    public enum Shape: String, Sendable, CaseIterable {
        case uniform
        case dense
    }

    /// How a query was damaged from a stored serial.
    public enum Damage: String, Sendable, CaseIterable {
        case exact, confusable, separators, substitution, deletion, insertion, transposition, twoEdits
        case unreadable, groundOff, noMatch, doubled
    }

    struct Model {
        var make: String
        var model: String
        var calibre: String
        var category: WeaponCategory
        var country: String
        /// `A` a letter, `9` a digit; other characters literal.
        var format: String
    }

    static let models: [Model] = [
        Model(make: "Kalashnikov", model: "AKM", calibre: "7.62x39mm", category: .assaultRifle, country: "RUS", format: "AA9999999"),
        Model(make: "Norinco", model: "Type 56", calibre: "7.62x39mm", category: .assaultRifle, country: "CHN", format: "99999999"),
        Model(make: "Glock", model: "17", calibre: "9x19mm", category: .revolverPistol, country: "AUT", format: "AAA999999"),
        Model(make: "Beretta", model: "92FS", calibre: "9x19mm", category: .revolverPistol, country: "ITA", format: "A99999999Z"),
        Model(make: "FN Herstal", model: "FAL", calibre: "7.62x51mm", category: .rifleCarbine, country: "BEL", format: "9999A99999"),
        Model(make: "Heckler & Koch", model: "G3", calibre: "7.62x51mm", category: .rifleCarbine, country: "DEU", format: "A9999999"),
        Model(make: "Colt", model: "M16A1", calibre: "5.56x45mm", category: .assaultRifle, country: "USA", format: "AA99999999"),
        Model(make: "CZ", model: "75 B", calibre: "9x19mm", category: .revolverPistol, country: "CZE", format: "A9999999"),
    ]

    public let shape: Shape
    public let count: Int
    public let seed: UInt64
    public let members: [MemberCode]
    private var random: SeededGenerator
    private var produced = 0
    private var run: (model: Int, prefix: [UInt8], number: Int, left: Int)?

    /// - Parameter members: owners, in turn; every fifth record is shared with its owner only.
    public init(shape: Shape, count: Int, seed: UInt64, members: [MemberCode]) {
        self.shape = shape
        self.count = count
        self.members = members
        self.seed = seed
        self.random = SeededGenerator(seed: seed)
    }

    public mutating func next() -> SearchEntry? {
        guard produced < count else { return nil }
        defer { produced += 1 }
        let (modelIndex, serial) = nextSerial()
        let model = Self.models[modelIndex]
        let owner = members[produced % members.count]
        return SearchEntry(
            id: Self.id(produced, seed: seed),
            owner: owner,
            sharing: produced % 5 == 4 ? .owner : .all,
            category: model.category,
            make: model.make,
            model: model.model,
            calibre: model.calibre,
            countryOfManufacture: model.country,
            serial: serial,
            markings: produced % 3 == 0 ? ["\(model.make) \(model.model) \(serial)", "IMP-\(owner.rawValue) R\(produced)X"] : []
        )
    }

    /// The `n`th record's ID: a UUIDv7 whose time is 2026-01-01 plus `n` milliseconds, so that IDs ascend and the
    /// same corpus gets the same IDs in every pass.
    static func id(_ n: Int, seed: UInt64) -> WeaponRecord.ID {
        let milliseconds = UInt64(1_767_225_600_000 + n)
        var random = SeededGenerator(seed: seed ^ UInt64(n))
        let high = milliseconds << 16 | 0x7000 | (random.next() & 0x0FFF)
        let low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * i))
            bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * i))
        }
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11], bytes[12],
                bytes[13], bytes[14], bytes[15]
            )
        )
        return WeaponRecord.ID(uuid)
    }

    private mutating func nextSerial() -> (Int, String) {
        switch shape {
        case .uniform:
            let model = Int.random(in: 0..<Self.models.count, using: &random)
            return (model, Self.fill(Self.models[model].format, using: &random))
        case .dense:
            if run == nil || run!.left == 0 {
                let model = Int.random(in: 0..<Self.models.count, using: &random)
                let format = Self.models[model].format
                let digits = format.reversed().prefix(while: { $0 == "9" }).count
                let head = Self.fill(String(format.dropLast(digits)), using: &random)
                let length = Int.random(in: 1_000...20_000, using: &random)
                let highest = Int(Self.pow10(digits)) - length
                run = (model, Array(head.utf8), Int.random(in: 0...Swift.max(0, highest), using: &random), length)
            }
            let digits = Self.models[run!.model].format.reversed().prefix(while: { $0 == "9" }).count
            var number = String(run!.number)
            number = String(repeating: "0", count: Swift.max(0, digits - number.count)) + number
            let serial = String(decoding: run!.prefix, as: UTF8.self) + number
            run!.number += 1
            run!.left -= 1
            return (run!.model, serial)
        }
    }

    private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 10 } }

    private static let letters = Array("ABCDEFGHJKLMNPRSTUVWXYZ".utf8)
    private static let digitBytes = Array("0123456789".utf8)

    static func fill(_ format: String, using random: inout SeededGenerator) -> String {
        String(
            decoding: format.utf8.map { c -> UInt8 in
                switch c {
                case UInt8(ascii: "A"): letters.randomElement(using: &random)!
                case UInt8(ascii: "9"): digitBytes.randomElement(using: &random)!
                default: c
                }
            },
            as: UTF8.self
        )
    }

    /// A query as an officer might type the stored `serial` after reading it off a worn weapon, damaged as `damage`
    /// says. Characters come from the stored serial's own alphabet, so a damaged query still looks like a serial.
    public static func damage(_ serial: String, _ damage: Damage, using random: inout SeededGenerator) -> String {
        var chars = Array(serial.utf8)
        let anyCharacter = { (random: inout SeededGenerator) -> UInt8 in
            (chars.first.map { $0 >= UInt8(ascii: "A") } ?? false) && Bool.random(using: &random)
                ? letters.randomElement(using: &random)! : digitBytes.randomElement(using: &random)!
        }
        func position(_ random: inout SeededGenerator) -> Int { Int.random(in: 0..<chars.count, using: &random) }
        switch damage {
        case .exact:
            break
        case .confusable:
            let swaps: [UInt8: UInt8] = [48: 79, 49: 73, 53: 83, 56: 66, 50: 90, 54: 71, 79: 48, 73: 49, 83: 53, 66: 56, 90: 50, 71: 54, 55: 49]
            let candidates = chars.indices.filter { swaps[chars[$0]] != nil }
            for i in candidates.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)) { chars[i] = swaps[chars[i]]! }
        case .separators:
            let i = Int.random(in: 1..<Swift.max(2, chars.count), using: &random)
            chars.insert(contentsOf: Array((Bool.random(using: &random) ? " - " : ".").utf8), at: Swift.min(i, chars.count))
            return String(decoding: chars, as: UTF8.self).lowercased()
        case .substitution:
            let i = position(&random)
            var replacement = anyCharacter(&random)
            while replacement == chars[i] { replacement = anyCharacter(&random) }
            chars[i] = replacement
        case .deletion:
            chars.remove(at: position(&random))
        case .insertion:
            chars.insert(anyCharacter(&random), at: Int.random(in: 0...chars.count, using: &random))
        case .transposition:
            let i = Int.random(in: 0..<(chars.count - 1), using: &random)
            chars.swapAt(i, i + 1)
        case .twoEdits:
            let first = Damage.allCases[3...6].randomElement(using: &random)!
            let second = Damage.allCases[3...6].randomElement(using: &random)!
            return Self.damage(Self.damage(serial, first, using: &random), second, using: &random)
        case .unreadable:
            for i in chars.indices.shuffled(using: &random).prefix(Int.random(in: 1...2, using: &random)) { chars[i] = UInt8(ascii: "?") }
        case .groundOff:
            let kept = Int.random(in: 5...6, using: &random)
            chars = Array("*".utf8) + chars.suffix(kept)
        case .doubled:
            // A character typed twice, or twice over (two keystrokes repeated).
            let i = position(&random)
            chars.insert(contentsOf: Array(repeating: chars[i], count: Int.random(in: 1...2, using: &random)), at: i)
        case .noMatch:
            return fill(models.randomElement(using: &random)!.format, using: &random)
        }
        return String(decoding: chars, as: UTF8.self)
    }
}
