public import Foundation
import Synchronization

/// A maker, model or calibre as a member wrote it into the shared reference: an addition, or an edit of an entry
/// of the same name (a maker's name, a calibre's name, a model's maker and name), which it then replaces.
public struct ReferenceEntry: Sendable, Equatable, Encodable {
    public enum Item: Sendable, Equatable {
        case maker(WeaponReference.Maker)
        case model(WeaponReference.Model)
        case calibre(WeaponReference.Calibre)
    }

    public enum Kind: String, Sendable, Codable, CaseIterable {
        case maker, model, calibre
    }

    public var item: Item
    /// The member whose user wrote it last.
    public var member: MemberCode
    public var changedAt: Date

    public init(_ item: Item, member: MemberCode, changedAt: Date) {
        self.item = item
        self.member = member
        self.changedAt = changedAt
    }

    public var kind: Kind {
        switch item {
        case .maker: .maker
        case .model: .model
        case .calibre: .calibre
        }
    }

    /// What makes two entries one: the kind and the name's key (for a model, its maker's too). `nil` for a name with
    /// no letters or digits.
    public var key: String? {
        switch item {
        case .maker(let maker): WeaponReference.key(maker.name)
        case .model(let model): WeaponReference.key(model.maker).flatMap { maker in WeaponReference.key(model.name).map { "\(maker)/\($0)" } }
        case .calibre(let calibre): WeaponReference.calibreKey(calibre.name)
        }
    }

    private enum CodingKeys: String, CodingKey { case kind, entry, member, changedAt }

    /// `{kind, entry, member, changed_at}`, the entry in the spelling members write it in.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch item {
        case .maker(let maker): try container.encode(maker, forKey: .entry)
        case .model(let model): try container.encode(model, forKey: .entry)
        case .calibre(let calibre): try container.encode(calibre, forKey: .entry)
        }
        try container.encode(member, forKey: .member)
        try container.encode(changedAt, forKey: .changedAt)
    }

    /// The entry's name as people read it: "Glock 17 (Glock)".
    public var name: String {
        switch item {
        case .maker(let maker): maker.name
        case .model(let model): "\(model.name) (\(model.maker))"
        case .calibre(let calibre): calibre.name
        }
    }
}

/// What members published and edited, as the store holds it, in the order it was written.
public struct ReferenceContributions: Sendable, Equatable {
    public var schemes: [MarkingScheme]
    public var entries: [ReferenceEntry]

    public init(schemes: [MarkingScheme] = [], entries: [ReferenceEntry] = []) {
        self.schemes = schemes
        self.entries = entries
    }
}

/// The reference data in force: the schemes and the reference set ArmsTrace ships with, and over them what members
/// published and edited. Identification, the marking check and search keys read ``current``.
public struct ReferenceSnapshot: Sendable {
    /// Every marking scheme, the shipped ones first, each member's versions in order.
    public let schemes: [MarkingScheme]
    public let reference: WeaponReference
    public let contributions: ReferenceContributions
    private let memo = ReferenceMemo()

    /// What ArmsTrace ships with, nothing added.
    public static let builtIn = ReferenceSnapshot(contributions: ReferenceContributions())

    /// Builds the data in force from the contributions; an entry that no longer fits (a model whose maker is gone) is
    /// left out rather than stopping the server.
    public init(contributions: ReferenceContributions) {
        self.contributions = contributions
        self.schemes = PublishedSchemes.all + contributions.schemes
        self.reference = WeaponReference.standard.applying(contributions.entries)
    }

    /// The catalog the running task reads through, bound by the server for each request and job and by the command
    /// line for each command; with none bound, the shipped data.
    @TaskLocal public static var catalog: ReferenceCatalog?

    /// The data in force for the running task.
    public static var current: ReferenceSnapshot { catalog?.snapshot ?? .builtIn }

    /// ``WeaponReference/identify(make:model:calibre:)`` under this snapshot's reference, remembered.
    public func identify(make: String, model: String?, calibre: String?) -> Identification {
        memo.identities.value(.init(make: make, model: model, calibre: calibre)) {
            reference.identify(make: make, model: model, calibre: calibre)
        }
    }

    /// The first reading of an import mark under the import schemes of `country`, or under every country's when it
    /// has none; and whether it has any. Remembered.
    func importReading(of mark: String, country: String?) -> ReferenceMemo.ImportReading {
        memo.importReadings.value(.init(mark: mark, country: country, year: Calendar.utc.component(.year, from: Date()))) {
            let own = country.flatMap(MemberCode.init).map { code in schemes.filter { $0.member == code && $0.kind == .import } } ?? []
            let candidates = own.isEmpty ? schemes.filter { $0.kind == .import } : own
            return .init(parse: MarkingParser.fits(mark, schemes: candidates).first, countryHasSchemes: !own.isEmpty)
        }
    }

    /// The first reading of a state mark under the state and civilian-transfer schemes. Remembered.
    func stateReading(of mark: String) -> MarkingParse? {
        memo.stateReadings.value(.init(mark: mark, country: nil, year: Calendar.utc.component(.year, from: Date()))) {
            MarkingParser.fits(mark, schemes: schemes.filter { $0.kind == .state || $0.kind == .civilianTransfer }).first
        }
    }

    /// The next version number of a member's scheme of one kind.
    public func nextVersion(of member: MemberCode, kind: MarkingScheme.Kind) -> Int {
        (schemes.filter { $0.member == member && $0.kind == kind }.map(\.version).max() ?? 0) + 1
    }
}

/// Holds the reference data in force for one store and swaps it when members change it; safe to read from any task.
public final class ReferenceCatalog: Sendable {
    private let state: Mutex<ReferenceSnapshot>

    public init(_ snapshot: ReferenceSnapshot = .builtIn) {
        state = Mutex(snapshot)
    }

    public var snapshot: ReferenceSnapshot { state.withLock { $0 } }

    /// Loads what members contributed, and puts it in force when it changed.
    /// - Returns: whether it changed.
    @discardableResult
    public func refresh(from repository: any ReferenceRepository) async throws -> Bool {
        let contributions = try await repository.contributions()
        guard contributions != snapshot.contributions else { return false }
        let fresh = ReferenceSnapshot(contributions: contributions)
        state.withLock { $0 = fresh }
        return true
    }

    /// Runs `body` with this catalog as the one ``ReferenceSnapshot/current`` reads.
    public func bound<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        try await ReferenceSnapshot.$catalog.withValue(self) { try await body() }
    }
}
