public import Foundation
import Synchronization

/// A typed identifier: `Identifier<WeaponRecord>` and `Identifier<User>` cannot be swapped by mistake.
///
/// Identifiers are UUIDs of version 7 (RFC 9562): time-ordered, so that newer rows sort after older ones and
/// database indexes append instead of scattering.
public struct Identifier<Entity>: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The underlying UUID.
    public let uuid: UUID

    /// Wraps an existing UUID.
    public init(_ uuid: UUID) { self.uuid = uuid }

    /// Parses the canonical text form; returns `nil` for anything that is not a UUID.
    public init?(_ text: String) {
        guard let uuid = UUID(canonical: text) else { return nil }
        self.uuid = uuid
    }

    /// A new time-ordered identifier.
    public static func generate(at date: Date = Date()) -> Self {
        Self(UUID.version7(at: date))
    }

    /// The lower-case canonical text form, as stored and as shown in the API.
    public var description: String { uuid.lowercasedString }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = UUID(canonical: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UUID: \(text)"))
        }
        self.uuid = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension UUID {
    /// Parses the canonical 36-character form, in either case, without Foundation's `scanf`-based parser.
    public init?(canonical text: String) {
        var bytes = [UInt8](repeating: 0, count: 16)
        var count = 0
        var high: UInt8?
        var position = 0
        for character in text.utf8 {
            defer { position += 1 }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            guard count < 16 else { return nil }
            if let first = high {
                bytes[count] = first << 4 | value
                count += 1
                high = nil
            } else {
                high = value
            }
        }
        guard position == 36, count == 16 else { return nil }
        self.init(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }

    /// The canonical text form in lower case (`01a2259f-a145-7faf-b48f-2e1a03fcf5fa`), formatted without
    /// Foundation's `uuidString`, which goes through `printf` and is slow on hot paths.
    public var lowercasedString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        return withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { buffer in
                var position = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        buffer[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    buffer[position] = digits[Int(byte >> 4)]
                    buffer[position + 1] = digits[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// A version 7 UUID: 48 bits of Unix milliseconds, a 12-bit counter, then random bits (RFC 9562, section 5.7,
    /// with the fixed-length counter of section 6.2).
    ///
    /// UUIDs made in one process never go backwards: within one millisecond the counter orders them, so records
    /// created in a burst (a bulk import) keep their order.
    public static func version7(at date: Date = Date()) -> UUID {
        let (millis, counter, random) = monotonicClock.withLock { state -> (UInt64, UInt16, UInt64) in
            let now = UInt64(max(0, date.timeIntervalSince1970 * 1000))
            if now > state.millis {
                (state.millis, state.counter) = (now, UInt16.random(in: 0..<0x400))
            } else if state.counter < 0xFFF {
                state.counter += 1
            } else {
                (state.millis, state.counter) = (state.millis + 1, 0)
            }
            return (state.millis, state.counter, state.randomBits.next())
        }
        return version7(millis: millis, counter: counter, random: random)
    }

    /// A version 7 UUID drawn from the given generator (deterministic demo data uses a seeded one).
    public static func version7<G: RandomNumberGenerator>(at date: Date, using generator: inout G) -> UUID {
        let random = generator.next() as UInt64
        return version7(millis: UInt64(max(0, date.timeIntervalSince1970 * 1000)), counter: UInt16(random >> 52), random: random)
    }

    private static let monotonicClock = Mutex(MonotonicClock())

    /// The last UUID's millisecond and counter, and random bits for the next ones.
    private struct MonotonicClock {
        var millis: UInt64 = 0
        var counter: UInt16 = 0
        var randomBits = RandomBits()
    }

    /// The system's random bits, fetched a few kilobytes at a time: a bulk import makes a million UUIDs, and one
    /// system call for each cost more than the rest of making them.
    private struct RandomBits {
        private var words = [UInt64](repeating: 0, count: 512)
        private var used = 512

        mutating func next() -> UInt64 {
            if used == words.count {
                words.withUnsafeMutableBytes { bytes in arc4random_buf(bytes.baseAddress!, bytes.count) }
                used = 0
            }
            defer { used += 1 }
            return words[used]
        }
    }

    private static func version7(millis: UInt64, counter: UInt16, random: UInt64) -> UUID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(index))) }
        bytes[6] = 0x70 | UInt8((counter >> 8) & 0x0F)
        bytes[7] = UInt8(truncatingIfNeeded: counter)
        for index in 8..<16 { bytes[index] = UInt8(truncatingIfNeeded: random >> (8 * UInt64(index - 8))) }
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            )
        )
    }
}
