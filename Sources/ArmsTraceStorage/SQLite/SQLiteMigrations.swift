import Foundation
import GRDB

/// The SQLite schema as an append-only list of named migrations.
///
/// Never edit or reorder a migration that has shipped: add a new one. Names are stable strings, never derived from
/// types, and the SQL never refers to application types. Table and column names are snake_case, as on PostgreSQL.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("2026-11-29-01-registry") { db in
            try db.execute(
                sql: """
                    CREATE TABLE member (
                        code TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('state', 'organisation')),
                        name TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );

                    CREATE TABLE app_user (
                        id TEXT PRIMARY KEY NOT NULL,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        name TEXT NOT NULL,
                        role TEXT NOT NULL,
                        created_at TEXT NOT NULL
                    );
                    CREATE INDEX app_user_member ON app_user(member_code);

                    CREATE TABLE api_token (
                        id TEXT PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        token_hash BLOB NOT NULL UNIQUE,
                        created_at TEXT NOT NULL,
                        expires_at TEXT,
                        revoked_at TEXT
                    );

                    CREATE TABLE weapon_record (
                        id TEXT PRIMARY KEY NOT NULL,
                        owner_code TEXT NOT NULL REFERENCES member(code),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        external_ref TEXT NOT NULL,
                        category TEXT NOT NULL,
                        make TEXT NOT NULL,
                        model TEXT,
                        calibre TEXT,
                        serial_number TEXT,
                        serial_obliterated TEXT NOT NULL CHECK (serial_obliterated IN ('no', 'yes', 'partly')),
                        markings TEXT NOT NULL,
                        country_of_manufacture TEXT,
                        year_of_manufacture INTEGER,
                        import_country TEXT,
                        import_year INTEGER,
                        status TEXT NOT NULL,
                        event_date TEXT,
                        event_country TEXT,
                        event_place TEXT,
                        event_circumstances TEXT,
                        event_legal_justification TEXT,
                        event_criminal_context TEXT,
                        event_case_reference TEXT,
                        sharing_mode TEXT NOT NULL CHECK (sharing_mode IN ('all', 'owner', 'members')),
                        notes TEXT,
                        details_hash BLOB NOT NULL,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (owner_code, external_ref),
                        CHECK (serial_number IS NOT NULL OR serial_obliterated = 'yes')
                    );

                    CREATE TABLE weapon_record_share (
                        record_id TEXT NOT NULL REFERENCES weapon_record(id) ON DELETE CASCADE,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        PRIMARY KEY (member_code, record_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX weapon_record_share_record ON weapon_record_share(record_id);

                    CREATE TABLE weapon_record_history (
                        record_id TEXT NOT NULL REFERENCES weapon_record(id),
                        version INTEGER NOT NULL,
                        action TEXT NOT NULL CHECK (action IN ('created', 'updated')),
                        recorded_at TEXT NOT NULL,
                        user_id TEXT,
                        member_code TEXT NOT NULL,
                        channel TEXT NOT NULL,
                        -- The record's details before this change, as canonical JSON; NULL for a creation. With the
                        -- current row this rebuilds every version while a creation, the common case, stores no copy.
                        previous_details TEXT,
                        CHECK ((action = 'created') = (previous_details IS NULL)),
                        PRIMARY KEY (record_id, version)
                    ) WITHOUT ROWID;

                    -- The history is append-only: the database itself refuses to change or remove an entry.
                    CREATE TRIGGER weapon_record_history_no_update BEFORE UPDATE ON weapon_record_history
                    BEGIN SELECT RAISE(ABORT, 'weapon_record_history is append-only'); END;
                    CREATE TRIGGER weapon_record_history_no_delete BEFORE DELETE ON weapon_record_history
                    BEGIN SELECT RAISE(ABORT, 'weapon_record_history is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-02-search") { db in
            try db.execute(
                sql: """
                    -- Every hit/no-hit search, for the audit trail: who, when, what was asked, how many candidates.
                    CREATE TABLE search_log (
                        id TEXT PRIMARY KEY NOT NULL,
                        searched_at TEXT NOT NULL,
                        user_id TEXT,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        channel TEXT NOT NULL,
                        request TEXT NOT NULL,
                        candidate_count INTEGER NOT NULL CHECK (candidate_count >= 0)
                    );
                    CREATE INDEX search_log_member ON search_log(member_code, id);

                    -- A search that matched another member's record, for that record's owner.
                    CREATE TABLE hit_notice (
                        id TEXT PRIMARY KEY NOT NULL,
                        recipient_code TEXT NOT NULL REFERENCES member(code),
                        record_id TEXT NOT NULL REFERENCES weapon_record(id),
                        search_id TEXT NOT NULL REFERENCES search_log(id),
                        source TEXT NOT NULL CHECK (source IN ('serial', 'pattern', 'marking')),
                        distance REAL NOT NULL,
                        UNIQUE (search_id, record_id)
                    );
                    CREATE INDEX hit_notice_recipient ON hit_notice(recipient_code, id);

                    CREATE TRIGGER search_log_no_update BEFORE UPDATE ON search_log
                    BEGIN SELECT RAISE(ABORT, 'search_log is append-only'); END;
                    CREATE TRIGGER search_log_no_delete BEFORE DELETE ON search_log
                    BEGIN SELECT RAISE(ABORT, 'search_log is append-only'); END;
                    CREATE TRIGGER hit_notice_no_update BEFORE UPDATE ON hit_notice
                    BEGIN SELECT RAISE(ABORT, 'hit_notice is append-only'); END;
                    CREATE TRIGGER hit_notice_no_delete BEFORE DELETE ON hit_notice
                    BEGIN SELECT RAISE(ABORT, 'hit_notice is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-03-tracing") { db in
            try db.execute(
                sql: """
                    -- The time each member allows itself to acknowledge and answer the requests it receives.
                    CREATE TABLE trace_deadline_policy (
                        member_code TEXT PRIMARY KEY NOT NULL REFERENCES member(code),
                        urgent_acknowledge_hours INTEGER NOT NULL CHECK (urgent_acknowledge_hours > 0),
                        urgent_answer_hours INTEGER NOT NULL CHECK (urgent_answer_hours > 0),
                        routine_acknowledge_hours INTEGER NOT NULL CHECK (routine_acknowledge_hours > 0),
                        routine_answer_hours INTEGER NOT NULL CHECK (routine_answer_hours > 0),
                        updated_at TEXT NOT NULL
                    );

                    -- Trace requests between members (ITI section V). Scalars the lists filter on are columns; what
                    -- the requester and the requested member write is JSON.
                    CREATE TABLE trace_request (
                        id TEXT PRIMARY KEY NOT NULL,
                        requester_code TEXT NOT NULL REFERENCES member(code),
                        requested_code TEXT NOT NULL REFERENCES member(code),
                        record_id TEXT NOT NULL REFERENCES weapon_record(id),
                        status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'acknowledged', 'information_requested',
                            'delayed', 'answered', 'declined', 'withdrawn', 'closed')),
                        priority TEXT NOT NULL CHECK (priority IN ('routine', 'urgent')),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        particulars TEXT NOT NULL,
                        weapon TEXT NOT NULL,
                        acknowledge_by TEXT,
                        answer_by TEXT,
                        created_at TEXT NOT NULL,
                        sent_at TEXT,
                        acknowledged_at TEXT,
                        information_requested_at TEXT,
                        answered_at TEXT,
                        ended_at TEXT,
                        delay_ground TEXT,
                        delay_expected_by TEXT,
                        delay_explanation TEXT,
                        decline_ground TEXT,
                        decline_explanation TEXT,
                        answer TEXT,
                        origin_established INTEGER CHECK (origin_established IN (0, 1)),
                        outcome_remarks TEXT,
                        CHECK (requester_code <> requested_code),
                        CHECK ((status = 'draft') = (sent_at IS NULL)),
                        CHECK ((status = 'closed') = (origin_established IS NOT NULL))
                    );
                    CREATE INDEX trace_request_requester ON trace_request(requester_code, id);
                    CREATE INDEX trace_request_requested ON trace_request(requested_code, id);
                    CREATE INDEX trace_request_record ON trace_request(record_id);
                    CREATE INDEX trace_request_owed ON trace_request(answer_by)
                        WHERE status IN ('sent', 'acknowledged', 'delayed');

                    -- Each request's timeline: every step, message and passed deadline, with who and when.
                    CREATE TABLE trace_event (
                        id TEXT PRIMARY KEY NOT NULL,
                        request_id TEXT NOT NULL REFERENCES trace_request(id),
                        at TEXT NOT NULL,
                        member_code TEXT REFERENCES member(code),
                        user_id TEXT,
                        channel TEXT,
                        kind TEXT NOT NULL,
                        status TEXT,
                        text TEXT,
                        ground TEXT,
                        expected_by TEXT,
                        origin_established INTEGER
                    );
                    CREATE INDEX trace_event_request ON trace_event(request_id, id);

                    CREATE TABLE trace_attachment (
                        id TEXT PRIMARY KEY NOT NULL,
                        request_id TEXT NOT NULL REFERENCES trace_request(id),
                        event_id TEXT NOT NULL REFERENCES trace_event(id),
                        name TEXT NOT NULL,
                        content_type TEXT NOT NULL,
                        size INTEGER NOT NULL CHECK (size > 0),
                        sha256 BLOB NOT NULL,
                        content BLOB NOT NULL
                    );
                    CREATE INDEX trace_attachment_request ON trace_attachment(request_id);

                    -- One row per deadline that passed while owed: what makes its notices go out once.
                    CREATE TABLE trace_deadline_passed (
                        request_id TEXT NOT NULL REFERENCES trace_request(id),
                        deadline TEXT NOT NULL CHECK (deadline IN ('acknowledge', 'answer')),
                        due_at TEXT NOT NULL,
                        noticed_at TEXT NOT NULL,
                        PRIMARY KEY (request_id, deadline, due_at)
                    ) WITHOUT ROWID;

                    CREATE TABLE trace_notice (
                        id TEXT PRIMARY KEY NOT NULL,
                        recipient_code TEXT NOT NULL REFERENCES member(code),
                        request_id TEXT NOT NULL REFERENCES trace_request(id),
                        deadline TEXT NOT NULL CHECK (deadline IN ('acknowledge', 'answer')),
                        due_at TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        UNIQUE (request_id, recipient_code, deadline, due_at)
                    );
                    CREATE INDEX trace_notice_recipient ON trace_notice(recipient_code, id);
                    """
            )
            // The timeline, its files and the notices are append-only: the database refuses to change or remove them.
            for table in ["trace_event", "trace_attachment", "trace_deadline_passed", "trace_notice"] {
                try db.execute(
                    sql: """
                        CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                        BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
                        CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                        BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
                        """
                )
            }
        }
        migrator.registerMigration("2026-11-29-04-audit") { db in
            try db.execute(
                sql: """
                    -- The audit trail: a hash chain (see AuditChain). Entries are never changed or removed; the chain
                    -- shows it if they are.
                    CREATE TABLE audit_log (
                        sequence INTEGER PRIMARY KEY NOT NULL CHECK (sequence >= 1),
                        at TEXT NOT NULL,
                        member_code TEXT,
                        user_id TEXT,
                        channel TEXT,
                        action TEXT NOT NULL,
                        subject TEXT,
                        concerns_code TEXT,
                        detail TEXT,
                        previous_hash BLOB NOT NULL,
                        hash BLOB NOT NULL
                    );
                    CREATE INDEX audit_log_member ON audit_log(member_code, sequence);
                    CREATE INDEX audit_log_concerns ON audit_log(concerns_code, sequence);
                    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-05-member-settings") { db in
            try db.execute(
                sql: """
                    -- What each member's admin sets: the daily search quota and the most candidates per answer.
                    CREATE TABLE member_settings (
                        member_code TEXT PRIMARY KEY NOT NULL REFERENCES member(code),
                        searches_per_day INTEGER NOT NULL CHECK (searches_per_day >= 1),
                        maximum_candidates INTEGER NOT NULL CHECK (maximum_candidates >= 1),
                        updated_at TEXT NOT NULL
                    );
                    -- The quota counts a member's searches of the day.
                    CREATE INDEX search_log_member_time ON search_log(member_code, searched_at);
                    """
            )
        }
        migrator.registerMigration("2026-11-29-06-audit-heads") { db in
            try db.execute(
                sql: """
                    -- Signed heads of the audit chain (see AuditSigning): what shows a cut-off tail or a rewritten chain.
                    CREATE TABLE audit_head (
                        sequence INTEGER PRIMARY KEY NOT NULL,
                        hash BLOB NOT NULL,
                        signed_at TEXT NOT NULL,
                        public_key BLOB NOT NULL,
                        signature BLOB NOT NULL
                    );
                    CREATE TRIGGER audit_head_no_update BEFORE UPDATE ON audit_head
                    BEGIN SELECT RAISE(ABORT, 'audit_head is append-only'); END;
                    CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
                    BEGIN SELECT RAISE(ABORT, 'audit_head is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-07-restricted-hits") { db in
            try db.execute(
                sql: """
                    -- A notice of a match in a record the searcher may not see (Prüm's hit/no-hit).
                    ALTER TABLE hit_notice ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1));

                    -- The owner's release of a restricted hit's record to the member that searched.
                    CREATE TABLE hit_release (
                        notice_id TEXT PRIMARY KEY NOT NULL REFERENCES hit_notice(id),
                        record_id TEXT NOT NULL REFERENCES weapon_record(id),
                        released_to TEXT NOT NULL REFERENCES member(code),
                        released_by TEXT,
                        released_at TEXT NOT NULL
                    );
                    CREATE TRIGGER hit_release_no_update BEFORE UPDATE ON hit_release
                    BEGIN SELECT RAISE(ABORT, 'hit_release is append-only'); END;
                    CREATE TRIGGER hit_release_no_delete BEFORE DELETE ON hit_release
                    BEGIN SELECT RAISE(ABORT, 'hit_release is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-08-web-sign-in") { db in
            try db.execute(
                sql: """
                    -- Web sign-in: a login name, a bcrypt hash and an optional TOTP secret per user.
                    ALTER TABLE app_user ADD COLUMN login TEXT;
                    ALTER TABLE app_user ADD COLUMN password_hash TEXT;
                    ALTER TABLE app_user ADD COLUMN totp_secret BLOB;
                    CREATE UNIQUE INDEX app_user_login ON app_user(login) WHERE login IS NOT NULL;

                    -- Browser sessions: the cookie's secret is stored only as its SHA-256.
                    CREATE TABLE web_session (
                        token_hash BLOB PRIMARY KEY NOT NULL,
                        user_id TEXT NOT NULL REFERENCES app_user(id),
                        csrf_token TEXT NOT NULL,
                        address TEXT NOT NULL,
                        created_at TEXT NOT NULL,
                        expires_at TEXT NOT NULL,
                        ended_at TEXT
                    ) WITHOUT ROWID;

                    -- Sign-in attempts, for the limits per login and per address.
                    CREATE TABLE sign_in_attempt (
                        id INTEGER PRIMARY KEY,
                        login TEXT NOT NULL,
                        address TEXT NOT NULL,
                        at TEXT NOT NULL,
                        succeeded INTEGER NOT NULL CHECK (succeeded IN (0, 1))
                    );
                    CREATE INDEX sign_in_attempt_login ON sign_in_attempt(login, at);
                    CREATE INDEX sign_in_attempt_address ON sign_in_attempt(address, at);
                    """
            )
        }
        migrator.registerMigration("2026-11-29-09-search-usage") { db in
            try db.execute(
                sql: """
                    -- Searches per member and UTC day, kept with the log: the quota check reads one row instead of
                    -- counting the day's log entries on every search.
                    CREATE TABLE search_usage (
                        member_code TEXT NOT NULL REFERENCES member(code),
                        day TEXT NOT NULL,
                        searches INTEGER NOT NULL CHECK (searches >= 0),
                        PRIMARY KEY (member_code, day)
                    ) WITHOUT ROWID;
                    INSERT INTO search_usage (member_code, day, searches)
                        SELECT member_code, substr(searched_at, 1, 10), count(*) FROM search_log GROUP BY 1, 2;
                    DROP INDEX search_log_member_time;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-10-record-tally") { db in
            // The dashboard counts a member's records by status and category and by month from this index alone,
            // without reading the table's rows (tens of milliseconds instead of a second at 80,000 records). Entry
            // time comes second so that new records, an import's among them, go at the end of their member's range.
            try db.execute(sql: "CREATE INDEX weapon_record_tally ON weapon_record(owner_code, created_at, status, category, event_date)")
        }
        migrator.registerMigration("2026-11-29-11-reference-data") { db in
            try db.execute(
                sql: """
                    -- Marking schemes members publish (PoA III 12), one row per version, never changed once written.
                    CREATE TABLE marking_scheme (
                        member_code TEXT NOT NULL REFERENCES member(code),
                        kind TEXT NOT NULL CHECK (kind IN ('manufacture', 'import', 'state', 'civilian_transfer')),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        effective_from TEXT NOT NULL,
                        definition TEXT NOT NULL,
                        published_at TEXT NOT NULL,
                        published_by TEXT REFERENCES app_user(id),
                        PRIMARY KEY (member_code, kind, version)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER marking_scheme_append_only BEFORE UPDATE ON marking_scheme
                        BEGIN SELECT RAISE(ABORT, 'marking_scheme is append-only'); END;
                    CREATE TRIGGER marking_scheme_no_delete BEFORE DELETE ON marking_scheme
                        BEGIN SELECT RAISE(ABORT, 'marking_scheme is append-only'); END;

                    -- Makers, models and calibres members add to the shared reference or edit in it, keyed by kind
                    -- and name key; each change is in the audit trail.
                    CREATE TABLE reference_entry (
                        kind TEXT NOT NULL CHECK (kind IN ('maker', 'model', 'calibre')),
                        key TEXT NOT NULL,
                        definition TEXT NOT NULL,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        changed_at TEXT NOT NULL,
                        changed_by TEXT REFERENCES app_user(id),
                        PRIMARY KEY (kind, key)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-12-stockpile") { db in
            try db.execute(
                sql: """
                    -- A member's stockpile (PoA III 6, 8, 14): sites, weapons one by one, their movements, physical checks.
                    CREATE TABLE stock_site (
                        id TEXT PRIMARY KEY NOT NULL,
                        owner_code TEXT NOT NULL REFERENCES member(code),
                        name TEXT NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('depot', 'unit_armoury')),
                        custodian TEXT NOT NULL,
                        security_level TEXT NOT NULL CHECK (security_level IN ('low', 'medium', 'high')),
                        check_interval_days INTEGER NOT NULL CHECK (check_interval_days >= 1),
                        last_checked_at TEXT,
                        created_at TEXT NOT NULL,
                        UNIQUE (owner_code, name)
                    ) WITHOUT ROWID;

                    -- A weapon is at exactly one site, or at none while in transit, lost, stolen or destroyed.
                    CREATE TABLE stock_weapon (
                        id TEXT PRIMARY KEY NOT NULL,
                        owner_code TEXT NOT NULL REFERENCES member(code),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        serial_number TEXT NOT NULL,
                        serial_key TEXT NOT NULL,
                        category TEXT NOT NULL,
                        make TEXT NOT NULL,
                        model TEXT,
                        calibre TEXT,
                        markings TEXT NOT NULL,
                        condition TEXT NOT NULL CHECK (condition IN ('serviceable', 'repairable', 'unserviceable')),
                        status TEXT NOT NULL CHECK (status IN ('in_service', 'in_store', 'issued', 'in_transit', 'surplus',
                            'awaiting_destruction', 'destroyed', 'lost', 'stolen')),
                        site_id TEXT REFERENCES stock_site(id),
                        holder TEXT,
                        transit TEXT,
                        surplus_reason TEXT,
                        loss_record_id TEXT REFERENCES weapon_record(id),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (owner_code, make, serial_number),
                        CHECK ((site_id IS NULL) = (status IN ('in_transit', 'lost', 'stolen', 'destroyed'))),
                        CHECK ((transit IS NULL) = (status <> 'in_transit')),
                        CHECK ((holder IS NULL) = (status <> 'issued'))
                    ) WITHOUT ROWID;
                    CREATE INDEX stock_weapon_site ON stock_weapon(site_id, status);
                    CREATE INDEX stock_weapon_serial ON stock_weapon(owner_code, serial_key);

                    CREATE TABLE stock_movement (
                        sequence INTEGER PRIMARY KEY,
                        weapon_id TEXT NOT NULL REFERENCES stock_weapon(id),
                        kind TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'return', 'dispatch', 'receive', 'surplus', 'lost', 'stolen')),
                        at TEXT NOT NULL,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        user_id TEXT,
                        from_site TEXT REFERENCES stock_site(id),
                        to_site TEXT REFERENCES stock_site(id),
                        holder TEXT,
                        document TEXT,
                        detail TEXT
                    );
                    CREATE INDEX stock_movement_weapon ON stock_movement(weapon_id, sequence);
                    CREATE TRIGGER stock_movement_append_only BEFORE UPDATE ON stock_movement
                        BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
                    CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement
                        BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;

                    CREATE TABLE stock_check (
                        id TEXT PRIMARY KEY NOT NULL,
                        owner_code TEXT NOT NULL REFERENCES member(code),
                        site_id TEXT NOT NULL REFERENCES stock_site(id),
                        started_at TEXT NOT NULL,
                        expected TEXT NOT NULL,
                        closed_at TEXT,
                        result TEXT,
                        CHECK ((closed_at IS NULL) = (result IS NULL))
                    ) WITHOUT ROWID;
                    CREATE TABLE stock_check_count (
                        check_id TEXT NOT NULL REFERENCES stock_check(id),
                        sequence INTEGER NOT NULL,
                        serial TEXT NOT NULL,
                        counted_at TEXT NOT NULL,
                        user_id TEXT,
                        PRIMARY KEY (check_id, sequence)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-13-destruction") { db in
            try db.execute(
                sql: """
                    -- Destruction (PoA III 14; MOSAIC 05.50): planned, recorded before two witnesses, verified by another user.
                    CREATE TABLE destruction_event (
                        id TEXT PRIMARY KEY NOT NULL,
                        owner_code TEXT NOT NULL REFERENCES member(code),
                        method TEXT NOT NULL CHECK (method IN ('cutting', 'crushing', 'smelting', 'burning', 'other')),
                        place TEXT NOT NULL,
                        planned_for TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('planned', 'recorded', 'verified')),
                        planned_at TEXT NOT NULL,
                        planned_by TEXT,
                        destroyed_on TEXT,
                        witnesses TEXT NOT NULL,
                        recorded_at TEXT,
                        recorded_by TEXT,
                        verified_at TEXT,
                        verified_by TEXT,
                        verification TEXT,
                        CHECK ((status = 'planned') = (recorded_at IS NULL)),
                        CHECK ((status = 'verified') = (verified_at IS NOT NULL)),
                        CHECK (verified_by IS NULL OR recorded_by IS NULL OR verified_by <> recorded_by)
                    ) WITHOUT ROWID;
                    CREATE INDEX destruction_event_owner ON destruction_event(owner_code, planned_at);
                    CREATE TABLE destruction_item (
                        event_id TEXT NOT NULL REFERENCES destruction_event(id),
                        position INTEGER NOT NULL,
                        weapon_id TEXT NOT NULL REFERENCES stock_weapon(id),
                        PRIMARY KEY (event_id, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX destruction_item_weapon ON destruction_item(weapon_id);

                    -- The movements' kinds gain the two steps of a destruction: SQLite changes a CHECK by rebuilding.
                    CREATE TABLE stock_movement_new (
                        sequence INTEGER PRIMARY KEY,
                        weapon_id TEXT NOT NULL REFERENCES stock_weapon(id),
                        kind TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'return', 'dispatch', 'receive', 'surplus', 'lost', 'stolen',
                            'destruction_planned', 'destroyed')),
                        at TEXT NOT NULL,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        user_id TEXT,
                        from_site TEXT REFERENCES stock_site(id),
                        to_site TEXT REFERENCES stock_site(id),
                        holder TEXT,
                        document TEXT,
                        detail TEXT
                    );
                    INSERT INTO stock_movement_new SELECT * FROM stock_movement;
                    DROP TABLE stock_movement;
                    ALTER TABLE stock_movement_new RENAME TO stock_movement;
                    CREATE INDEX stock_movement_weapon ON stock_movement(weapon_id, sequence);
                    CREATE TRIGGER stock_movement_append_only BEFORE UPDATE ON stock_movement
                        BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
                    CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement
                        BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-14-ammunition") { db in
            try db.execute(
                sql: """
                    -- Ammunition by lot and site, counted by quantity; every change kept with its reason.
                    CREATE TABLE ammunition_lot (
                        id TEXT PRIMARY KEY NOT NULL,
                        owner_code TEXT NOT NULL REFERENCES member(code),
                        lot_number TEXT NOT NULL,
                        type TEXT NOT NULL,
                        quantity INTEGER NOT NULL CHECK (quantity >= 0),
                        site_id TEXT NOT NULL REFERENCES stock_site(id),
                        expiry TEXT,
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL,
                        UNIQUE (owner_code, site_id, lot_number)
                    ) WITHOUT ROWID;
                    CREATE TABLE ammunition_movement (
                        sequence INTEGER PRIMARY KEY,
                        lot_id TEXT NOT NULL REFERENCES ammunition_lot(id),
                        delta INTEGER NOT NULL,
                        quantity_after INTEGER NOT NULL CHECK (quantity_after >= 0),
                        reason TEXT NOT NULL,
                        at TEXT NOT NULL,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        user_id TEXT
                    );
                    CREATE INDEX ammunition_movement_lot ON ammunition_movement(lot_id, sequence);
                    CREATE TRIGGER ammunition_movement_append_only BEFORE UPDATE ON ammunition_movement
                        BEGIN SELECT RAISE(ABORT, 'ammunition_movement is append-only'); END;
                    CREATE TRIGGER ammunition_movement_no_delete BEFORE DELETE ON ammunition_movement
                        BEGIN SELECT RAISE(ABORT, 'ammunition_movement is append-only'); END;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-15-sealed-containers") { db in
            try db.execute(
                sql: """
                    -- Bulk stores pack weapons in sealed containers; a check may count a container found intact.
                    ALTER TABLE stock_weapon ADD COLUMN container TEXT;
                    CREATE INDEX stock_weapon_container ON stock_weapon(owner_code, container) WHERE container IS NOT NULL;
                    CREATE TABLE stock_check_container (
                        check_id TEXT NOT NULL REFERENCES stock_check(id),
                        seal TEXT NOT NULL,
                        counted_at TEXT NOT NULL,
                        user_id TEXT,
                        PRIMARY KEY (check_id, seal)
                    ) WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("2026-11-29-16-directory") { db in
            try db.execute(
                sql: """
                    -- Members' national coordination agencies and points of contact (PoA III 5 and 7).
                    CREATE TABLE point_of_contact (
                        id TEXT PRIMARY KEY NOT NULL,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        role TEXT NOT NULL CHECK (role IN ('national_coordination_agency', 'poa', 'iti_tracing', 'stockpile',
                            'mla_central_authority')),
                        agency TEXT NOT NULL,
                        name TEXT NOT NULL,
                        title TEXT,
                        languages TEXT NOT NULL,
                        email TEXT,
                        phone TEXT,
                        address TEXT,
                        updated_at TEXT NOT NULL,
                        confirmed_at TEXT NOT NULL,
                        CHECK (email IS NOT NULL OR phone IS NOT NULL OR address IS NOT NULL)
                    ) WITHOUT ROWID;
                    CREATE INDEX point_of_contact_member ON point_of_contact(member_code, role);
                    """
            )
        }
        // Assistance, training, mutual legal assistance and report answers: one JSON document per item, with the members
        // taking part, each saved whole under an optimistic version (see CooperationDocument).
        migrator.registerMigration("2026-11-29-17-cooperation") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cooperation_document (
                        id TEXT PRIMARY KEY NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN ('assistance_need', 'assistance_offer', 'training_event', 'legal_assistance',
                            'report_answers')),
                        owner_code TEXT NOT NULL REFERENCES member(code),
                        version INTEGER NOT NULL CHECK (version > 0),
                        body TEXT NOT NULL CHECK (json_valid(body)),
                        created_at TEXT NOT NULL,
                        updated_at TEXT NOT NULL
                    );
                    CREATE INDEX cooperation_document_kind ON cooperation_document(kind, created_at);
                    CREATE TABLE cooperation_party (
                        document_id TEXT NOT NULL REFERENCES cooperation_document(id),
                        member_code TEXT NOT NULL REFERENCES member(code),
                        PRIMARY KEY (document_id, member_code)
                    );
                    CREATE INDEX cooperation_party_member ON cooperation_party(member_code, document_id);
                    """
            )
        }
        // Idempotency keys: a day's replay cache of the API's writes, per member.
        migrator.registerMigration("2026-11-29-18-idempotency") { db in
            try db.execute(
                sql: """
                    CREATE TABLE idempotency_key (
                        member_code TEXT NOT NULL REFERENCES member(code),
                        key TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        status INTEGER,
                        body BLOB,
                        location TEXT,
                        created_at TEXT NOT NULL,
                        PRIMARY KEY (member_code, key)
                    );
                    CREATE INDEX idempotency_key_age ON idempotency_key(created_at);
                    """
            )
        }
        // Import jobs: each bulk upload's checkpoint, stored with every batch it commits.
        migrator.registerMigration("2026-11-30-19-import-job") { db in
            try db.execute(
                sql: """
                    CREATE TABLE import_job (
                        id TEXT PRIMARY KEY,
                        member_code TEXT NOT NULL REFERENCES member(code),
                        file_sha256 TEXT NOT NULL,
                        rows INTEGER NOT NULL,
                        last_line INTEGER NOT NULL,
                        created INTEGER NOT NULL,
                        updated INTEGER NOT NULL,
                        unchanged INTEGER NOT NULL,
                        user_id TEXT,
                        channel TEXT NOT NULL,
                        started_at TEXT NOT NULL,
                        finished_at TEXT
                    );
                    CREATE INDEX import_job_unfinished ON import_job(member_code, file_sha256) WHERE finished_at IS NULL;
                    """
            )
        }
        // A draft may be withdrawn without ever being sent: the request's check allowed no status but `draft` without
        // `sent_at`. SQLite changes a check only by building the table anew (foreign keys are checked at the end).
        migrator.registerMigration("2026-11-30-20-withdrawn-drafts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE trace_request_new (
                        id TEXT PRIMARY KEY NOT NULL,
                        requester_code TEXT NOT NULL REFERENCES member(code),
                        requested_code TEXT NOT NULL REFERENCES member(code),
                        record_id TEXT NOT NULL REFERENCES weapon_record(id),
                        status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'acknowledged', 'information_requested',
                            'delayed', 'answered', 'declined', 'withdrawn', 'closed')),
                        priority TEXT NOT NULL CHECK (priority IN ('routine', 'urgent')),
                        version INTEGER NOT NULL CHECK (version >= 1),
                        particulars TEXT NOT NULL,
                        weapon TEXT NOT NULL,
                        acknowledge_by TEXT,
                        answer_by TEXT,
                        created_at TEXT NOT NULL,
                        sent_at TEXT,
                        acknowledged_at TEXT,
                        information_requested_at TEXT,
                        answered_at TEXT,
                        ended_at TEXT,
                        delay_ground TEXT,
                        delay_expected_by TEXT,
                        delay_explanation TEXT,
                        decline_ground TEXT,
                        decline_explanation TEXT,
                        answer TEXT,
                        origin_established INTEGER CHECK (origin_established IN (0, 1)),
                        outcome_remarks TEXT,
                        CHECK (requester_code <> requested_code),
                        CHECK (status <> 'draft' OR sent_at IS NULL),
                        CHECK (status IN ('draft', 'withdrawn') OR sent_at IS NOT NULL),
                        CHECK ((status = 'closed') = (origin_established IS NOT NULL))
                    );
                    INSERT INTO trace_request_new SELECT * FROM trace_request;
                    DROP TABLE trace_request;
                    ALTER TABLE trace_request_new RENAME TO trace_request;
                    CREATE INDEX trace_request_requester ON trace_request(requester_code, id);
                    CREATE INDEX trace_request_requested ON trace_request(requested_code, id);
                    CREATE INDEX trace_request_record ON trace_request(record_id);
                    CREATE INDEX trace_request_owed ON trace_request(answer_by)
                        WHERE status IN ('sent', 'acknowledged', 'delayed');
                    """
            )
        }
        // The records' counts by status, category and month, kept by every write of a record (RecordCounts),
        // replace the index the tally read, whose upkeep cost half of a bulk import's time.
        migrator.registerMigration("2026-11-30-21-record-counts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE weapon_record_count (
                        owner_code TEXT NOT NULL,
                        status TEXT NOT NULL,
                        category TEXT NOT NULL,
                        entered_month TEXT NOT NULL,
                        event_month TEXT NOT NULL,
                        records INTEGER NOT NULL CHECK (records >= 0),
                        PRIMARY KEY (owner_code, status, category, entered_month, event_month)
                    ) WITHOUT ROWID;
                    DROP INDEX weapon_record_tally;
                    """
            )
            try db.execute(sql: RecordCounts.rebuild)
        }
        // SQLite (3.40) checks `column IN (...)` of three values or more in a CHECK constraint by building a
        // temporary b-tree of the values for every row it writes: some 1.2 µs a constraint, as much as the rest of a
        // small row's insert, and a quarter of a bulk import's time per record. The same constraint as comparisons
        // costs nothing measurable. The tables written a row at a time in bulk (an import's records, a search's
        // notices, a stock inventory's weapons and movements) get comparisons; the others keep their lists.
        migrator.registerMigration("2026-12-01-22-checks-as-comparisons") { db in
            try rewriteConstraints(
                db,
                [
                    ("weapon_record", "serial_obliterated", ["no", "yes", "partly"]),
                    ("weapon_record", "sharing_mode", ["all", "owner", "members"]),
                    ("hit_notice", "source", ["serial", "pattern", "marking"]),
                    ("stock_weapon", "condition", ["serviceable", "repairable", "unserviceable"]),
                    (
                        "stock_weapon", "status",
                        ["in_service", "in_store", "issued", "in_transit", "surplus", "awaiting_destruction", "destroyed", "lost", "stolen"]
                    ),
                    ("stock_weapon", "status", ["in_transit", "lost", "stolen", "destroyed"]),
                    (
                        "stock_movement", "kind",
                        [
                            "receipt", "issue", "return", "dispatch", "receive", "surplus", "lost", "stolen", "destruction_planned",
                            "destroyed",
                        ]
                    ),
                ]
            )
        }
        return migrator
    }

    /// Replaces, in the stored definitions of tables, each `column IN ('a', 'b', ...)` by
    /// `(column = 'a' OR column = 'b' ...)`: the same constraint, which every row already meets.
    ///
    /// SQLite changes a table's constraints only by building the table anew, copying every row (minutes at ten
    /// million records), except for the edit of the stored definition that its documentation gives for changing
    /// CHECK constraints (https://www.sqlite.org/lang_altertable.html#otheralter, "writable_schema"): done here, in
    /// the migration's transaction, with the schema's version raised so that every connection reads it anew. Each
    /// list must occur exactly once as written (values separated by `, `, wrapped lines joined by any spacing), or
    /// the migration fails and changes nothing.
    private static func rewriteConstraints(_ db: Database, _ edits: [(table: String, column: String, values: [String])]) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        defer { try? db.execute(sql: "PRAGMA writable_schema = OFF") }
        for (table, column, values) in edits {
            let quoted = values.map { "'\($0)'" }
            let list = "\(column) IN \\(" + quoted.joined(separator: ",\\s+") + "\\)"
            let comparisons = "(" + quoted.map { "\(column) = \($0)" }.joined(separator: " OR ") + ")"
            guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
            else { throw StorageError("table \(table) is missing") }
            let matches = try NSRegularExpression(pattern: list).matches(in: sql, range: NSRange(sql.startIndex..., in: sql))
            guard matches.count == 1, let range = Range(matches[0].range, in: sql) else {
                throw StorageError("table \(table) has \(matches.count) constraints '\(column) IN (\(quoted.joined(separator: ", ")))', not one")
            }
            try db.execute(
                sql: "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                arguments: [sql.replacingCharacters(in: range, with: comparisons), table]
            )
        }
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        db.clearSchemaCache()
    }
}
