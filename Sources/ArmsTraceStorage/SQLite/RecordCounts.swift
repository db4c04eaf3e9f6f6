import ArmsTraceDomain
import GRDB

/// The `weapon_record_count` table on SQLite: how many records each member has by status, category, month of entry
/// and month of the event, kept up to date by every write of a record (``RecordRowWriter``).
///
/// The dashboard's tally, the national report and the SDG 16.4.2 seizure counts read these few rows instead of one
/// index entry per record. An index over the records served them before, and cost half of a bulk import's time:
/// every new record went into it at a random place, while a batch of records only adds to a handful of counts.
enum RecordCounts {
    /// One row of the table: the columns that group the records.
    ///
    /// The months are numbers (`YYYYMM`), turned into the table's `YYYY-MM` only when written: a bulk import looks a
    /// key up for every record, a twentieth of its writer's time with the months as substrings, a thirtieth so.
    struct Key: Hashable {
        let owner: MemberCode
        let status: RecordStatus
        let category: WeaponCategory
        /// The month of `created_at`, as `YYYYMM`.
        let enteredMonth: Int
        /// The month of `event_date`, as `YYYYMM`, or 0 when the record has no event date.
        let eventMonth: Int

        /// The month of `date` as `YYYYMM`, or 0 for none.
        static func month(of date: CalendarDate?) -> Int { date.map { $0.year * 100 + $0.month } ?? 0 }

        /// The table's form of a month: `YYYY-MM` (the start of its first day's text), or empty for 0.
        static func text(month: Int) -> String {
            CalendarDate(year: month / 100, month: month % 100, day: 1).map { String($0.description.prefix(7)) } ?? ""
        }
    }

    /// The changes a transaction made to the counts, written once at its end.
    final class Changes {
        private var deltas: [Key: Int] = [:]

        /// Counts a record in (`by` 1) or out (`by` -1) of its group.
        func add(_ key: Key, by delta: Int) { deltas[key, default: 0] += delta }

        /// Writes the changes to the table of `db` and forgets them.
        ///
        /// A count that goes down is only ever updated: an upsert would check the new row's `records >= 0` before it
        /// found the one it conflicts with.
        /// - Throws: `StorageError` when a count to lower is missing or would go below zero: the counts are out of
        ///   step with the records, and the transaction fails rather than make it worse.
        func write(to db: Database) throws {
            let changed = deltas.filter { $0.value != 0 }
            deltas = [:]
            guard !changed.isEmpty else { return }
            let raise = try FastStatement(
                db,
                sql: """
                    INSERT INTO weapon_record_count (owner_code, status, category, entered_month, event_month, records)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO UPDATE SET records = records + excluded.records
                    """
            )
            let lower = try FastStatement(
                db,
                sql: """
                    UPDATE weapon_record_count SET records = records + ?
                    WHERE owner_code = ? AND status = ? AND category = ? AND entered_month = ? AND event_month = ?
                    """
            )
            // A large import changes thousands of counts per transaction: bound directly, not through GRDB's
            // arguments.
            for (key, delta) in changed {
                let group = { (bind: inout FastBinder) in
                    bind.text(key.owner.rawValue)
                    bind.text(key.status.rawValue)
                    bind.text(key.category.rawValue)
                    bind.text(Key.text(month: key.enteredMonth))
                    bind.text(Key.text(month: key.eventMonth))
                }
                if delta > 0 {
                    try raise.run { bind in
                        group(&bind)
                        bind.int(delta)
                    }
                } else {
                    try lower.run { bind in
                        bind.int(delta)
                        group(&bind)
                    }
                    guard lower.changes == 1 else { throw StorageError("weapon_record_count has no row for \(key) to lower") }
                }
            }
        }
    }

    /// The statement that counts every record anew, for a new table and after rows were copied in wholesale.
    static let rebuild = """
        DELETE FROM weapon_record_count;
        INSERT INTO weapon_record_count (owner_code, status, category, entered_month, event_month, records)
        SELECT owner_code, status, category, substr(created_at, 1, 7), coalesce(substr(event_date, 1, 7), ''), count(*)
        FROM weapon_record GROUP BY 1, 2, 3, 4, 5;
        """
}
