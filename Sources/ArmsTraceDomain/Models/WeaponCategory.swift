/// The category of a small arm or light weapon, as listed in ITI para 4 and the UN Register's SALW lists.
public enum WeaponCategory: String, Sendable, Codable, CaseIterable {
    case revolverPistol = "revolver_pistol"
    case rifleCarbine = "rifle_carbine"
    case shotgun
    case submachineGun = "submachine_gun"
    case assaultRifle = "assault_rifle"
    case lightMachineGun = "light_machine_gun"
    case otherSmallArm = "other_small_arm"
    case heavyMachineGun = "heavy_machine_gun"
    case grenadeLauncher = "grenade_launcher"
    case antiAircraftGun = "anti_aircraft_gun"
    case antiTankGun = "anti_tank_gun"
    case recoillessRifle = "recoilless_rifle"
    case antiTankLauncher = "anti_tank_launcher"
    case manpads
    case mortar
    case otherLightWeapon = "other_light_weapon"

    /// Whether the category is a small arm (as opposed to a light weapon).
    public var isSmallArm: Bool {
        switch self {
        case .revolverPistol, .rifleCarbine, .shotgun, .submachineGun, .assaultRifle, .lightMachineGun, .otherSmallArm: true
        default: false
        }
    }

}

/// Where a record stands: why the weapon is in the shared database (PoA III 9).
public enum RecordStatus: String, Sendable, Codable, CaseIterable {
    case lost
    case stolen
    case trafficked
    case seized
    case found
    case surrendered
    case recovered
    case destroyed
}

/// Whether the serial number was obliterated or altered, as observed on the weapon.
public enum SerialObliteration: String, Sendable, Codable, CaseIterable {
    /// Intact and readable.
    case no
    /// Entirely unreadable: the record must carry other identifying marks.
    case yes
    /// Partly readable: the serial holds what could be read.
    case partly
}

/// The kind of a mark on a weapon (ITI paras 7 to 10).
public enum MarkingKind: String, Sendable, Codable, CaseIterable {
    /// Applied at manufacture: maker, country, serial.
    case manufacture
    /// Applied on import: country and year of import.
    case `import`
    /// State ownership, or transfer from state stocks.
    case state
    /// A proof house mark.
    case proof
    /// Anything else: assembly numbers, unit marks, trademarks.
    case other
}
