import ArmsTraceDomain
import Foundation

/// What the index keeps of each record, one column per field and one row ("slot") per record version: about 45
/// bytes a record besides the serial.
struct SlotStore: Sendable {
    enum SharingCode: UInt8 {
        case all = 0
        case owner = 1
        case members = 2
        /// A slot replaced by a newer version of its record.
        case replaced = 3
    }

    private(set) var ids: [UInt128] = []
    private var serialStart: [UInt32] = [0]
    private var serialBytes: [UInt8] = []
    private var owner: [UInt16] = []
    private(set) var sharing: [UInt8] = []
    private var category: [UInt8] = []
    private var make: [UInt32] = []
    private var model: [UInt32] = []
    private var calibre: [UInt32] = []
    private var country: [UInt16] = []
    private var sharedWith: [UInt32: [UInt16]] = [:]
    private(set) var members: [MemberCode] = []
    private var memberIndex: [MemberCode: UInt16] = [:]
    private var attributeIndex: [String: UInt32] = [:]
    /// The same numbers by the value as written, which most records repeat exactly: one lookup instead of a
    /// normalisation and a lookup.
    private var attributeByRawValue: [String: UInt32] = [:]
    private var countryIndex: [String: UInt16] = [:]

    var count: Int { ids.count }

    var memoryBytes: Int {
        ids.capacity * 16 + serialStart.capacity * 4 + serialBytes.capacity + owner.capacity * 2 + sharing.capacity
            + category.capacity + (make.capacity + model.capacity + calibre.capacity) * 4 + country.capacity * 2
    }

    mutating func reserveCapacity(_ count: Int) {
        ids.reserveCapacity(count)
        serialStart.reserveCapacity(count + 1)
        serialBytes.reserveCapacity(count * 10)
        owner.reserveCapacity(count)
        sharing.reserveCapacity(count)
        category.reserveCapacity(count)
        make.reserveCapacity(count)
        model.reserveCapacity(count)
        calibre.reserveCapacity(count)
        country.reserveCapacity(count)
    }

    /// Backs the columns a search reads with huge pages (see ``HugePages``).
    func collapseIntoHugePages() {
        HugePages.collapse(ids)
        HugePages.collapse(serialStart)
        HugePages.collapse(serialBytes)
        HugePages.collapse(owner)
        HugePages.collapse(sharing)
        HugePages.collapse(category)
        HugePages.collapse(make)
        HugePages.collapse(model)
        HugePages.collapse(calibre)
        HugePages.collapse(country)
    }

    /// Appends a record and returns its slot.
    mutating func append(_ entry: SearchEntry) -> UInt32 {
        let slot = UInt32(ids.count)
        ids.append(Self.key(entry.id))
        if let serial = entry.serial { serialBytes.append(contentsOf: SerialNormalizer.normalize(serial).prefix(SerialQuery.maximumCharacters * 2)) }
        serialStart.append(UInt32(serialBytes.count))
        owner.append(intern(entry.owner))
        switch entry.sharing {
        case .all: sharing.append(SharingCode.all.rawValue)
        case .owner: sharing.append(SharingCode.owner.rawValue)
        case .members(let codes):
            sharing.append(SharingCode.members.rawValue)
            sharedWith[slot] = codes.map { intern($0) }
        }
        category.append(Self.categoryCode(entry.category))
        make.append(intern(entry.make, .make))
        model.append(intern(entry.model, .model, make: entry.make))
        calibre.append(intern(entry.calibre, .calibre))
        country.append(intern(country: entry.countryOfManufacture))
        return slot
    }

    mutating func markReplaced(_ slot: UInt32) {
        sharing[Int(slot)] = SharingCode.replaced.rawValue
        sharedWith[slot] = nil
    }

    @inline(__always)
    func withSerial<T>(_ slot: UInt32, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let start = Int(serialStart[Int(slot)])
        let end = Int(serialStart[Int(slot) + 1])
        return serialBytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Reads, for each slot, the memory a check of it reads (its sharing, its serial's bounds, then its serial's
    /// first bytes), one pass per level before the first check: the loads of a pass do not wait on each other, so
    /// the processor keeps many cache misses in flight where checking slot after slot waits on each in turn.
    func prefetch(_ slots: [UInt32]) {
        var touched: UInt64 = 0
        serialStart.withUnsafeBufferPointer { starts in
            sharing.withUnsafeBufferPointer { sharing in
                for slot in slots { touched &+= UInt64(starts[Int(slot)]) &+ UInt64(sharing[Int(slot)]) }
            }
            serialBytes.withUnsafeBufferPointer { bytes in
                let last = bytes.count - 1
                guard last >= 0 else { return }
                for slot in slots { touched &+= UInt64(bytes[min(Int(starts[Int(slot)]), last)]) }
            }
        }
        keep(touched)
    }

    func hasSerial(_ slot: UInt32) -> Bool { serialStart[Int(slot) + 1] > serialStart[Int(slot)] }

    func recordID(_ slot: UInt32) -> WeaponRecord.ID { Self.id(ids[Int(slot)]) }

    func owner(of slot: UInt32) -> MemberCode { members[Int(owner[Int(slot)])] }

    /// The member's number in this store; `nil` for a member the store has never seen (who owns nothing here and
    /// is named in no sharing list).
    func memberNumber(_ member: MemberCode) -> UInt16? { memberIndex[member] }

    /// Whether the member numbered `viewer` may see the slot (`nil`: an unknown member, who sees shared records).
    @inline(__always)
    /// Whether the slot holds a current record (not one replaced by a later version).
    func isLive(_ slot: UInt32) -> Bool { sharing[Int(slot)] != SharingCode.replaced.rawValue }

    func isVisible(_ slot: UInt32, to viewer: UInt16?) -> Bool {
        switch sharing[Int(slot)] {
        case SharingCode.all.rawValue: return true
        case SharingCode.replaced.rawValue: return false
        case SharingCode.owner.rawValue: return viewer != nil && owner[Int(slot)] == viewer
        default:
            guard let viewer else { return false }
            return owner[Int(slot)] == viewer || sharedWith[slot]?.contains(viewer) == true
        }
    }

    /// Calls `visit` with each field the query gives and the slot holds, by API name, and whether they agree.
    @inline(__always)
    private func compareFields(_ slot: UInt32, with query: ComparableQuery, _ visit: (String, Bool) -> Void) {
        @inline(__always) func compare<T: Equatable>(_ name: String, _ wanted: T??, _ stored: T, none: T) {
            guard let wanted, stored != none else { return }
            visit(name, wanted == stored)
        }
        let i = Int(slot)
        compare("make", query.make, make[i], none: 0)
        compare("model", query.model, model[i], none: 0)
        compare("calibre", query.calibre, calibre[i], none: 0)
        compare("category", query.category, category[i], none: 0)
        compare("country_of_manufacture", query.country, country[i], none: 0)
    }

    /// The query's fields the slot agrees and disagrees with, by API name.
    func comparison(_ slot: UInt32, with query: ComparableQuery) -> (agreements: [String], disagreements: [String]) {
        var agreements: [String] = []
        var disagreements: [String] = []
        compareFields(slot, with: query) { name, agrees in
            if agrees { agreements.append(name) } else { disagreements.append(name) }
        }
        return (agreements, disagreements)
    }

    /// The score offset of the slot's agreement with the query (see ``SearchRanking``).
    @inline(__always)
    func agreementScore(_ slot: UInt32, with query: ComparableQuery) -> Int {
        guard query.hasAttributes else { return 0 }
        var agreements = 0
        var disagreements = 0
        compareFields(slot, with: query) { _, agrees in
            if agrees { agreements += 1 } else { disagreements += 1 }
        }
        return SearchRanking.score(distance: 0, agreements: agreements, disagreements: disagreements)
    }

    /// A query's make, model, calibre, category and country as this store numbers them. The outer optional is
    /// whether the query gives the field; an inner `nil` is a value no record holds, which agrees with nothing.
    struct ComparableQuery {
        var make: UInt32??
        var model: UInt32??
        var calibre: UInt32??
        var category: UInt8??
        var country: UInt16??
        var hasAttributes: Bool { make != nil || model != nil || calibre != nil || category != nil || country != nil }
    }

    func comparable(_ query: SerialQuery) -> ComparableQuery {
        func number(_ key: String?) -> UInt32?? { key.map { attributeIndex[$0] } }
        return ComparableQuery(
            make: number(query.make),
            model: number(query.model),
            calibre: number(query.calibre),
            category: query.category.map { .some(Self.categoryCode($0)) },
            country: query.countryOfManufacture.map { countryIndex[$0] }
        )
    }

    // MARK: - Interning

    private mutating func intern(_ member: MemberCode) -> UInt16 {
        if let number = memberIndex[member] { return number }
        let number = UInt16(members.count)
        members.append(member)
        memberIndex[member] = number
        return number
    }

    /// The number of an attribute's comparison key (``SearchAttributes``), read through the reference once per
    /// distinct value as typed.
    private mutating func intern(_ value: String?, _ kind: SearchAttributes.Kind, make: String? = nil) -> UInt32 {
        guard let value else { return 0 }
        let raw = kind == .model ? "model:\(make ?? "")\u{0}\(value)" : "\(kind.rawValue):\(value)"
        if let number = attributeByRawValue[raw] { return number }
        guard let key = SearchAttributes.key(value, kind, make: make) else { return 0 }
        let number = attributeIndex[key] ?? UInt32(attributeIndex.count + 1)
        attributeIndex[key] = number
        attributeByRawValue[raw] = number
        return number
    }

    private mutating func intern(country value: String?) -> UInt16 {
        guard let value else { return 0 }
        if let number = countryIndex[value] { return number }
        let number = UInt16(countryIndex.count + 1)
        countryIndex[value] = number
        return number
    }

    private static let categories = WeaponCategory.allCases

    private static func categoryCode(_ category: WeaponCategory) -> UInt8 {
        UInt8(categories.firstIndex(of: category)! + 1)
    }

    // MARK: - Identifiers as integers

    static func key(_ id: WeaponRecord.ID) -> UInt128 {
        withUnsafeBytes(of: id.uuid.uuid) { UInt128(bigEndian: $0.loadUnaligned(as: UInt128.self)) }
    }

    static func id(_ key: UInt128) -> WeaponRecord.ID {
        let bigEndian = key.bigEndian
        return withUnsafeBytes(of: bigEndian) { WeaponRecord.ID(UUID(uuid: $0.loadUnaligned(as: uuid_t.self))) }
    }
}
