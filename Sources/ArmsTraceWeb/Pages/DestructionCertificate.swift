import ArmsTraceDomain
import Foundation

/// What the destruction certificate shows (`destruction-certificate.mustache`), for the API's printable page and the
/// stock pages: the event, its witnesses and verification, and every weapon it covers.
enum DestructionCertificate {
    static func object(_ event: DestructionEvent, _ weapons: [StockWeapon], now: Date = Date()) -> [String: Any] {
        let verified = event.status == .verified
        let fields: [[String: String]] = [
            ("Method", event.method.rawValue), ("Place", event.place), ("Planned for", event.plannedFor.description),
            ("Destroyed on", event.destroyedOn?.description), ("Witnesses", event.witnesses.isEmpty ? nil : event.witnesses.joined(separator: "; ")),
            ("Recorded", event.recordedAt?.minuteText), ("Verified", event.verifiedAt?.minuteText), ("Verification", event.verification),
        ].compactMap { label, value in value.map { ["label": label, "value": $0] } }
        return [
            "title": "Destruction certificate \(event.id) · ArmsTrace",
            "certificateHeading": verified ? "Destruction certificate" : "Destruction record",
            "id": event.id.description,
            "member": Countries.name(of: event.owner.rawValue).map { "\($0) (\(event.owner))" } ?? event.owner.rawValue,
            "verified": verified,
            "status": event.status.rawValue,
            "fields": fields,
            "count": weapons.count,
            "weapons": weapons.enumerated().map { index, weapon -> [String: Any] in
                [
                    "id": weapon.id.description, "number": index + 1, "serial": weapon.serialNumber, "category": weapon.category.rawValue,
                    "make": weapon.make, "model": weapon.model ?? "", "calibre": weapon.calibre ?? "", "status": weapon.status.rawValue,
                ]
            },
            "printedAt": now.minuteText,
        ]
    }
}
