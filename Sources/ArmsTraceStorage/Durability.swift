/// The settings each engine needs so that what it acknowledged as committed survives a crash or a power cut.
enum Durability {
    /// SQLite: the journal in WAL mode and `synchronous` at FULL (2), as the writer connection reports them.
    static func sqliteWarnings(journalMode: String?, synchronous: String?) -> [String] {
        var warnings: [String] = []
        if journalMode?.lowercased() != "wal" {
            warnings.append("SQLite journal_mode is \(journalMode ?? "unknown"), not wal")
        }
        if synchronous != "2" && synchronous != "3" {
            warnings.append("SQLite synchronous is \(synchronous ?? "unknown"), not FULL (2): a power cut may lose committed transactions")
        }
        return warnings
    }

    /// PostgreSQL: `fsync`, `synchronous_commit` and `full_page_writes` as the server reports them (`SHOW`). With
    /// `synchronous_commit` off a crash loses the last transactions acknowledged; with either of the others off it may
    /// corrupt the database.
    static func postgresWarnings(_ settings: [String: String]) -> [String] {
        ["fsync", "synchronous_commit", "full_page_writes"].compactMap { name in
            let value = settings[name] ?? "unknown"
            return value == "off" || value == "unknown"
                ? "PostgreSQL \(name) is \(value): committed transactions may be lost in a crash (turn it on in postgresql.conf)" : nil
        }
    }
}
