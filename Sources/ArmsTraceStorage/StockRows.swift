import ArmsTraceDomain
import Foundation

/// What both engines share about the stockpile's rows: the JSON columns (markings, a transit, a check's expected list
/// and result) and the audit entries.
enum StockRows {
    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func value<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try decoder.decode(T.self, from: Data(json.utf8))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}

extension AuditEvent {
    static func stockSiteCreated(_ site: StockSite, by actor: Actor) -> AuditEvent {
        AuditEvent(.stockSiteCreate, by: actor, subject: "site:\(site.id)", detail: "\(site.kind.rawValue) \(site.name)")
    }

    static func stockReceived(_ weapons: [StockWeapon], by actor: Actor) -> AuditEvent {
        AuditEvent(
            .stockReceive,
            by: actor,
            subject: weapons.count == 1 ? "weapon:\(weapons[0].id)" : nil,
            detail: "\(weapons.count) weapon(s) received"
        )
    }

    static func stockMoved(_ movement: StockMovement, serial: String, by actor: Actor) -> AuditEvent {
        AuditEvent(.stockMove, by: actor, subject: "weapon:\(movement.weapon)", detail: "\(movement.kind.rawValue) \(serial)")
    }

    static func destruction(_ event: DestructionEvent, by actor: Actor) -> AuditEvent {
        let detail =
            switch event.status {
            case .planned: "planned: \(event.weapons.count) weapon(s), \(event.method.rawValue) at \(event.place) on \(event.plannedFor)"
            case .recorded: "recorded: destroyed on \(event.destroyedOn.map(\.description) ?? "?") before \(event.witnesses.count) witnesses"
            case .verified: "verified: \(event.weapons.count) weapon(s) destroyed"
            }
        return AuditEvent(.stockDestruction, by: actor, subject: "destruction:\(event.id)", detail: detail)
    }

    static func ammunition(_ lot: AmmunitionLot, change: String, by actor: Actor) -> AuditEvent {
        AuditEvent(.stockAmmunition, by: actor, subject: "lot:\(lot.id)", detail: "lot \(lot.lotNumber): \(change), \(lot.quantity) held")
    }

    static func directory(_ contact: PointOfContact, _ change: String, by actor: Actor) -> AuditEvent {
        AuditEvent(.directoryEdit, by: actor, subject: "contact:\(contact.id)", detail: "\(change): \(contact.role.words), \(contact.name)")
    }

    static func stockCheckStarted(_ check: StockCheck, by actor: Actor) -> AuditEvent {
        AuditEvent(.stockCheck, by: actor, subject: "check:\(check.id)", detail: "started: \(check.expected.count) weapon(s) expected")
    }

    /// A closed check, with its counts.
    static func stockCheckClosed(_ check: StockCheck, _ result: StockReconciliation, by actor: Actor) -> AuditEvent {
        AuditEvent(
            .stockCheck,
            by: actor,
            subject: "check:\(check.id)",
            detail: "closed: \(result.foundCount) of \(result.expectedCount) found, \(result.missing.count) missing, "
                + "\(result.unexpected.count) unexpected, \(result.wrongPlace.count) elsewhere"
        )
    }
}
