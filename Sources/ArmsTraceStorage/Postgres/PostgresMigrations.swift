import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema as an append-only list of named migrations, the same schema in meaning as SQLite's
/// (``SQLiteMigrations``): the same tables, columns, keys and constraints, with PostgreSQL's types (`uuid`,
/// `timestamptz`, `date`, `boolean`, `bytea`, `json`, which keeps the text it was given, so hashes over it hold) and
/// one addition: `weapon_record.change_xid`, the transaction that last wrote the row, which the search index follows.
///
/// Never edit or reorder a migration that has shipped: add a new one.
enum PostgresMigrations {
    static let all: [(name: String, sql: String)] = [
        ("2026-11-29-01-schema", schema),
        // The dashboard's counts by status, category and month, from the index alone (as SQLite's migration 10).
        (
            "2026-11-29-02-record-tally",
            "CREATE INDEX weapon_record_tally ON weapon_record(owner_code, created_at, status, category, event_date);"
        ),
        // Members' marking schemes and reference entries (as SQLite's migration 11).
        ("2026-11-29-03-reference-data", referenceData),
        // The stockpile (as SQLite's migration 12).
        ("2026-11-29-04-stockpile", stockpile),
        // Destruction (as SQLite's migration 13).
        ("2026-11-29-05-destruction", destruction),
        // Ammunition lots (as SQLite's migration 14).
        ("2026-11-29-06-ammunition", ammunition),
        // Sealed containers (as SQLite's migration 15).
        (
            "2026-11-29-07-sealed-containers",
            """
            ALTER TABLE stock_weapon ADD COLUMN container text;
            CREATE INDEX stock_weapon_container ON stock_weapon(owner_code, container) WHERE container IS NOT NULL;
            CREATE TABLE stock_check_container (
                check_id uuid NOT NULL REFERENCES stock_check(id),
                seal text NOT NULL,
                counted_at timestamptz NOT NULL,
                user_id uuid,
                PRIMARY KEY (check_id, seal)
            );
            """
        ),
        // The directory (as SQLite's migration 16).
        (
            "2026-11-29-08-directory",
            """
            CREATE TABLE point_of_contact (
                id uuid PRIMARY KEY,
                member_code text NOT NULL REFERENCES member(code),
                role text NOT NULL CHECK (role IN ('national_coordination_agency', 'poa', 'iti_tracing', 'stockpile', 'mla_central_authority')),
                agency text NOT NULL,
                name text NOT NULL,
                title text,
                languages json NOT NULL,
                email text,
                phone text,
                address text,
                updated_at timestamptz NOT NULL,
                confirmed_at timestamptz NOT NULL,
                CHECK (email IS NOT NULL OR phone IS NOT NULL OR address IS NOT NULL)
            );
            CREATE INDEX point_of_contact_member ON point_of_contact(member_code, role);
            """
        ),
        // Cooperation documents (as SQLite's migration 17).
        (
            "2026-11-29-09-cooperation",
            """
            CREATE TABLE cooperation_document (
                id uuid PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('assistance_need', 'assistance_offer', 'training_event', 'legal_assistance', 'report_answers')),
                owner_code text NOT NULL REFERENCES member(code),
                version integer NOT NULL CHECK (version > 0),
                body json NOT NULL,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            );
            CREATE INDEX cooperation_document_kind ON cooperation_document(kind, created_at);
            CREATE TABLE cooperation_party (
                document_id uuid NOT NULL REFERENCES cooperation_document(id),
                member_code text NOT NULL REFERENCES member(code),
                PRIMARY KEY (document_id, member_code)
            );
            CREATE INDEX cooperation_party_member ON cooperation_party(member_code, document_id);
            """
        ),
        // Idempotency keys (as SQLite's migration 18).
        (
            "2026-11-29-10-idempotency",
            """
            CREATE TABLE idempotency_key (
                member_code text NOT NULL REFERENCES member(code),
                key text NOT NULL,
                fingerprint text NOT NULL,
                status integer,
                body bytea,
                location text,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (member_code, key)
            );
            CREATE INDEX idempotency_key_age ON idempotency_key(created_at);
            """
        ),
        // Import jobs: each bulk upload's checkpoint (as SQLite's migration 19).
        (
            "2026-11-30-11-import-job",
            """
            CREATE TABLE import_job (
                id uuid PRIMARY KEY,
                member_code text NOT NULL REFERENCES member(code),
                file_sha256 text NOT NULL,
                rows integer NOT NULL,
                last_line integer NOT NULL,
                created integer NOT NULL,
                updated integer NOT NULL,
                unchanged integer NOT NULL,
                user_id uuid,
                channel text NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz
            );
            CREATE INDEX import_job_unfinished ON import_job(member_code, file_sha256) WHERE finished_at IS NULL;
            """
        ),
        // A draft may be withdrawn without ever being sent (as SQLite's migration 20).
        (
            "2026-11-30-12-withdrawn-drafts",
            """
            DO $$
            DECLARE name text;
            BEGIN
                SELECT conname INTO name FROM pg_constraint
                WHERE conrelid = 'trace_request'::regclass AND pg_get_constraintdef(oid) LIKE '%sent_at IS NULL%';
                EXECUTE format('ALTER TABLE trace_request DROP CONSTRAINT %I', name);
            END $$;
            ALTER TABLE trace_request ADD CONSTRAINT trace_request_draft_unsent CHECK (status <> 'draft' OR sent_at IS NULL);
            ALTER TABLE trace_request ADD CONSTRAINT trace_request_sent CHECK (status IN ('draft', 'withdrawn') OR sent_at IS NOT NULL);
            """
        ),
    ]

    static let ammunition = """
        CREATE TABLE ammunition_lot (
            id uuid PRIMARY KEY,
            owner_code text NOT NULL REFERENCES member(code),
            lot_number text NOT NULL,
            type text NOT NULL,
            quantity bigint NOT NULL CHECK (quantity >= 0),
            site_id uuid NOT NULL REFERENCES stock_site(id),
            expiry date,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            UNIQUE (owner_code, site_id, lot_number)
        );
        CREATE TABLE ammunition_movement (
            sequence bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            lot_id uuid NOT NULL REFERENCES ammunition_lot(id),
            delta bigint NOT NULL,
            quantity_after bigint NOT NULL CHECK (quantity_after >= 0),
            reason text NOT NULL,
            at timestamptz NOT NULL,
            member_code text NOT NULL REFERENCES member(code),
            user_id uuid
        );
        CREATE INDEX ammunition_movement_lot ON ammunition_movement(lot_id, sequence);
        CREATE TRIGGER ammunition_movement_append_only BEFORE UPDATE OR DELETE ON ammunition_movement
            FOR EACH ROW EXECUTE FUNCTION armstrace_append_only();
        CREATE TRIGGER ammunition_movement_no_truncate BEFORE TRUNCATE ON ammunition_movement
            FOR EACH STATEMENT EXECUTE FUNCTION armstrace_append_only();
        """

    static let destruction = """
        CREATE TABLE destruction_event (
            id uuid PRIMARY KEY,
            owner_code text NOT NULL REFERENCES member(code),
            method text NOT NULL CHECK (method IN ('cutting', 'crushing', 'smelting', 'burning', 'other')),
            place text NOT NULL,
            planned_for date NOT NULL,
            status text NOT NULL CHECK (status IN ('planned', 'recorded', 'verified')),
            planned_at timestamptz NOT NULL,
            planned_by uuid,
            destroyed_on date,
            witnesses json NOT NULL,
            recorded_at timestamptz,
            recorded_by uuid,
            verified_at timestamptz,
            verified_by uuid,
            verification text,
            CHECK ((status = 'planned') = (recorded_at IS NULL)),
            CHECK ((status = 'verified') = (verified_at IS NOT NULL)),
            CHECK (verified_by IS NULL OR recorded_by IS NULL OR verified_by <> recorded_by)
        );
        CREATE INDEX destruction_event_owner ON destruction_event(owner_code, planned_at);
        CREATE TABLE destruction_item (
            event_id uuid NOT NULL REFERENCES destruction_event(id),
            position integer NOT NULL,
            weapon_id uuid NOT NULL REFERENCES stock_weapon(id),
            PRIMARY KEY (event_id, position)
        );
        CREATE INDEX destruction_item_weapon ON destruction_item(weapon_id);
        ALTER TABLE stock_movement DROP CONSTRAINT stock_movement_kind_check;
        ALTER TABLE stock_movement ADD CONSTRAINT stock_movement_kind_check CHECK (kind IN ('receipt', 'issue', 'return', 'dispatch',
            'receive', 'surplus', 'lost', 'stolen', 'destruction_planned', 'destroyed'));
        """

    static let stockpile = """
        CREATE TABLE stock_site (
            id uuid PRIMARY KEY,
            owner_code text NOT NULL REFERENCES member(code),
            name text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('depot', 'unit_armoury')),
            custodian text NOT NULL,
            security_level text NOT NULL CHECK (security_level IN ('low', 'medium', 'high')),
            check_interval_days integer NOT NULL CHECK (check_interval_days >= 1),
            last_checked_at timestamptz,
            created_at timestamptz NOT NULL,
            UNIQUE (owner_code, name)
        );

        CREATE TABLE stock_weapon (
            id uuid PRIMARY KEY,
            owner_code text NOT NULL REFERENCES member(code),
            version integer NOT NULL CHECK (version >= 1),
            serial_number text NOT NULL,
            serial_key text NOT NULL,
            category text NOT NULL,
            make text NOT NULL,
            model text,
            calibre text,
            markings json NOT NULL,
            condition text NOT NULL CHECK (condition IN ('serviceable', 'repairable', 'unserviceable')),
            status text NOT NULL CHECK (status IN ('in_service', 'in_store', 'issued', 'in_transit', 'surplus',
                'awaiting_destruction', 'destroyed', 'lost', 'stolen')),
            site_id uuid REFERENCES stock_site(id),
            holder text,
            transit json,
            surplus_reason text,
            loss_record_id uuid REFERENCES weapon_record(id),
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            UNIQUE (owner_code, make, serial_number),
            CHECK ((site_id IS NULL) = (status IN ('in_transit', 'lost', 'stolen', 'destroyed'))),
            CHECK ((transit IS NULL) = (status <> 'in_transit')),
            CHECK ((holder IS NULL) = (status <> 'issued'))
        );
        CREATE INDEX stock_weapon_site ON stock_weapon(site_id, status);
        CREATE INDEX stock_weapon_serial ON stock_weapon(owner_code, serial_key);

        CREATE TABLE stock_movement (
            sequence bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            weapon_id uuid NOT NULL REFERENCES stock_weapon(id),
            kind text NOT NULL CHECK (kind IN ('receipt', 'issue', 'return', 'dispatch', 'receive', 'surplus', 'lost', 'stolen')),
            at timestamptz NOT NULL,
            member_code text NOT NULL REFERENCES member(code),
            user_id uuid,
            from_site uuid REFERENCES stock_site(id),
            to_site uuid REFERENCES stock_site(id),
            holder text,
            document text,
            detail text
        );
        CREATE INDEX stock_movement_weapon ON stock_movement(weapon_id, sequence);
        CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement
            FOR EACH ROW EXECUTE FUNCTION armstrace_append_only();
        CREATE TRIGGER stock_movement_no_truncate BEFORE TRUNCATE ON stock_movement
            FOR EACH STATEMENT EXECUTE FUNCTION armstrace_append_only();

        CREATE TABLE stock_check (
            id uuid PRIMARY KEY,
            owner_code text NOT NULL REFERENCES member(code),
            site_id uuid NOT NULL REFERENCES stock_site(id),
            started_at timestamptz NOT NULL,
            expected json NOT NULL,
            closed_at timestamptz,
            result json,
            CHECK ((closed_at IS NULL) = (result IS NULL))
        );
        CREATE TABLE stock_check_count (
            check_id uuid NOT NULL REFERENCES stock_check(id),
            sequence integer NOT NULL,
            serial text NOT NULL,
            counted_at timestamptz NOT NULL,
            user_id uuid,
            PRIMARY KEY (check_id, sequence)
        );
        """

    static let referenceData = """
        CREATE TABLE marking_scheme (
            member_code text NOT NULL REFERENCES member(code),
            kind text NOT NULL CHECK (kind IN ('manufacture', 'import', 'state', 'civilian_transfer')),
            version integer NOT NULL CHECK (version >= 1),
            effective_from date NOT NULL,
            definition json NOT NULL,
            published_at timestamptz NOT NULL,
            published_by uuid REFERENCES app_user(id),
            PRIMARY KEY (member_code, kind, version)
        );
        CREATE TRIGGER marking_scheme_append_only BEFORE UPDATE OR DELETE ON marking_scheme
            FOR EACH ROW EXECUTE FUNCTION armstrace_append_only();
        CREATE TRIGGER marking_scheme_no_truncate BEFORE TRUNCATE ON marking_scheme
            FOR EACH STATEMENT EXECUTE FUNCTION armstrace_append_only();

        CREATE TABLE reference_entry (
            kind text NOT NULL CHECK (kind IN ('maker', 'model', 'calibre')),
            key text NOT NULL,
            definition json NOT NULL,
            member_code text NOT NULL REFERENCES member(code),
            changed_at timestamptz NOT NULL,
            changed_by uuid REFERENCES app_user(id),
            PRIMARY KEY (kind, key)
        );
        """

    /// Applies every migration not yet applied, each in its own transaction, holding a session advisory lock so
    /// that servers starting together migrate once.
    static func migrate(_ database: PostgresDatabase) async throws {
        try await database.read { connection in
            let logger = database.logger
            try await connection.rows(lock, logger)
            do {
                try await connection.rows(
                    "CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                    logger
                )
                let applied = try await Set(connection.rows("SELECT name FROM schema_migration", logger).map { try $0["name"].decode(String.self) })
                for migration in all where !applied.contains(migration.name) {
                    try await connection.rows("BEGIN", logger)
                    do {
                        for statement in statements(migration.sql) {
                            try await connection.rows(PostgresQuery(unsafeSQL: statement), logger)
                        }
                        try await connection.rows("INSERT INTO schema_migration (name) VALUES (\(migration.name))", logger)
                        try await connection.rows("COMMIT", logger)
                    } catch {
                        _ = try? await connection.rows("ROLLBACK", logger)
                        throw error
                    }
                }
                try await connection.rows(unlock, logger)
            } catch {
                _ = try? await connection.rows(unlock, logger)
                throw error
            }
        }
    }

    /// The names of the migrations not yet applied.
    static func pending(_ database: PostgresDatabase) async throws -> [String] {
        try await database.read { connection in
            let exists = try await connection.rows("SELECT to_regclass('schema_migration') IS NOT NULL AS present", database.logger)
            guard try exists.first?["present"].decode(Bool.self) == true else { return all.map(\.name) }
            let applied = try await Set(
                connection.rows("SELECT name FROM schema_migration", database.logger).map { try $0["name"].decode(String.self) }
            )
            return all.map(\.name).filter { !applied.contains($0) }
        }
    }

    /// A migration's statements, one by one (the extended protocol runs one at a time): each ends with a `;` at the
    /// end of a line outside a `$$` body.
    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("--") && current.isEmpty { continue }
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody && line.hasSuffix(";") {
                statements.append(current)
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { statements.append(current) }
        return statements
    }

    /// The first key of ArmsTrace's advisory locks ("AT"); the second names the lock and the schema it guards, so
    /// that deployments in other schemas of one database do not wait for each other.
    static let lockClass: Int32 = 0x4154

    /// The session lock migrations run under.
    static let lock: PostgresQuery = "SELECT pg_advisory_lock(\(lockClass), hashtext(current_schema() || ':migrations'))"
    static let unlock: PostgresQuery = "SELECT pg_advisory_unlock(\(lockClass), hashtext(current_schema() || ':migrations'))"

    private static let schema = """
        -- Tables that are append-only refuse UPDATE, DELETE and TRUNCATE through these triggers.
        CREATE FUNCTION armstrace_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END $$;

        CREATE TABLE member (
            code text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('state', 'organisation')),
            name text NOT NULL,
            created_at timestamptz NOT NULL
        );

        CREATE TABLE app_user (
            id uuid PRIMARY KEY,
            member_code text NOT NULL REFERENCES member(code),
            name text NOT NULL,
            role text NOT NULL,
            created_at timestamptz NOT NULL,
            login text UNIQUE,
            password_hash text,
            totp_secret bytea
        );
        CREATE INDEX app_user_member ON app_user(member_code);

        CREATE TABLE api_token (
            id uuid PRIMARY KEY,
            user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
            name text NOT NULL,
            token_hash bytea NOT NULL UNIQUE,
            created_at timestamptz NOT NULL,
            expires_at timestamptz,
            revoked_at timestamptz
        );
        CREATE INDEX api_token_user ON api_token(user_id);

        CREATE TABLE weapon_record (
            id uuid PRIMARY KEY,
            owner_code text NOT NULL REFERENCES member(code),
            version integer NOT NULL CHECK (version >= 1),
            external_ref text NOT NULL,
            category text NOT NULL,
            make text NOT NULL,
            model text,
            calibre text,
            serial_number text,
            serial_obliterated text NOT NULL CHECK (serial_obliterated IN ('no', 'yes', 'partly')),
            markings json NOT NULL,
            country_of_manufacture text,
            year_of_manufacture integer,
            import_country text,
            import_year integer,
            status text NOT NULL,
            event_date date,
            event_country text,
            event_place text,
            event_circumstances text,
            event_legal_justification text,
            event_criminal_context text,
            event_case_reference text,
            sharing_mode text NOT NULL CHECK (sharing_mode IN ('all', 'owner', 'members')),
            notes text,
            details_hash bytea NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            -- The transaction that last wrote the row: the search index's change feed (PostgresSearchRepository).
            change_xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
            UNIQUE (owner_code, external_ref),
            CHECK (serial_number IS NOT NULL OR serial_obliterated = 'yes')
        );
        CREATE INDEX weapon_record_change ON weapon_record(change_xid, id);
        CREATE INDEX weapon_record_owner ON weapon_record(owner_code, id);
        CREATE FUNCTION weapon_record_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.change_xid := pg_current_xact_id();
            RETURN NEW;
        END $$;
        CREATE TRIGGER weapon_record_change BEFORE UPDATE ON weapon_record
            FOR EACH ROW EXECUTE FUNCTION weapon_record_changed();

        CREATE TABLE weapon_record_share (
            record_id uuid NOT NULL REFERENCES weapon_record(id) ON DELETE CASCADE,
            member_code text NOT NULL REFERENCES member(code),
            PRIMARY KEY (member_code, record_id)
        );
        CREATE INDEX weapon_record_share_record ON weapon_record_share(record_id);

        CREATE TABLE weapon_record_history (
            record_id uuid NOT NULL REFERENCES weapon_record(id),
            version integer NOT NULL,
            action text NOT NULL CHECK (action IN ('created', 'updated')),
            recorded_at timestamptz NOT NULL,
            user_id uuid,
            member_code text NOT NULL,
            channel text NOT NULL,
            previous_details json,
            CHECK ((action = 'created') = (previous_details IS NULL)),
            PRIMARY KEY (record_id, version)
        );

        CREATE TABLE search_log (
            id uuid PRIMARY KEY,
            searched_at timestamptz NOT NULL,
            user_id uuid,
            member_code text NOT NULL REFERENCES member(code),
            channel text NOT NULL,
            request json NOT NULL,
            candidate_count integer NOT NULL CHECK (candidate_count >= 0)
        );
        CREATE INDEX search_log_member ON search_log(member_code, id);

        CREATE TABLE search_usage (
            member_code text NOT NULL REFERENCES member(code),
            day date NOT NULL,
            searches integer NOT NULL CHECK (searches >= 0),
            PRIMARY KEY (member_code, day)
        );

        CREATE TABLE hit_notice (
            id uuid PRIMARY KEY,
            recipient_code text NOT NULL REFERENCES member(code),
            record_id uuid NOT NULL REFERENCES weapon_record(id),
            search_id uuid NOT NULL REFERENCES search_log(id),
            source text NOT NULL CHECK (source IN ('serial', 'pattern', 'marking')),
            distance double precision NOT NULL,
            restricted boolean NOT NULL DEFAULT false,
            UNIQUE (search_id, record_id)
        );
        CREATE INDEX hit_notice_recipient ON hit_notice(recipient_code, id);

        CREATE TABLE hit_release (
            notice_id uuid PRIMARY KEY REFERENCES hit_notice(id),
            record_id uuid NOT NULL REFERENCES weapon_record(id),
            released_to text NOT NULL REFERENCES member(code),
            released_by uuid,
            released_at timestamptz NOT NULL
        );

        CREATE TABLE trace_deadline_policy (
            member_code text PRIMARY KEY REFERENCES member(code),
            urgent_acknowledge_hours integer NOT NULL CHECK (urgent_acknowledge_hours > 0),
            urgent_answer_hours integer NOT NULL CHECK (urgent_answer_hours > 0),
            routine_acknowledge_hours integer NOT NULL CHECK (routine_acknowledge_hours > 0),
            routine_answer_hours integer NOT NULL CHECK (routine_answer_hours > 0),
            updated_at timestamptz NOT NULL
        );

        CREATE TABLE trace_request (
            id uuid PRIMARY KEY,
            requester_code text NOT NULL REFERENCES member(code),
            requested_code text NOT NULL REFERENCES member(code),
            record_id uuid NOT NULL REFERENCES weapon_record(id),
            status text NOT NULL CHECK (status IN ('draft', 'sent', 'acknowledged', 'information_requested',
                'delayed', 'answered', 'declined', 'withdrawn', 'closed')),
            priority text NOT NULL CHECK (priority IN ('routine', 'urgent')),
            version integer NOT NULL CHECK (version >= 1),
            particulars json NOT NULL,
            weapon json NOT NULL,
            acknowledge_by timestamptz,
            answer_by timestamptz,
            created_at timestamptz NOT NULL,
            sent_at timestamptz,
            acknowledged_at timestamptz,
            information_requested_at timestamptz,
            answered_at timestamptz,
            ended_at timestamptz,
            delay_ground text,
            delay_expected_by timestamptz,
            delay_explanation text,
            decline_ground text,
            decline_explanation text,
            answer json,
            origin_established boolean,
            outcome_remarks text,
            CHECK (requester_code <> requested_code),
            CHECK ((status = 'draft') = (sent_at IS NULL)),
            CHECK ((status = 'closed') = (origin_established IS NOT NULL))
        );
        CREATE INDEX trace_request_requester ON trace_request(requester_code, id);
        CREATE INDEX trace_request_requested ON trace_request(requested_code, id);
        CREATE INDEX trace_request_record ON trace_request(record_id);
        CREATE INDEX trace_request_owed ON trace_request(answer_by) WHERE status IN ('sent', 'acknowledged', 'delayed');

        CREATE TABLE trace_event (
            id uuid PRIMARY KEY,
            request_id uuid NOT NULL REFERENCES trace_request(id),
            at timestamptz NOT NULL,
            member_code text REFERENCES member(code),
            user_id uuid,
            channel text,
            kind text NOT NULL,
            status text,
            text text,
            ground text,
            expected_by timestamptz,
            origin_established boolean
        );
        CREATE INDEX trace_event_request ON trace_event(request_id, id);

        CREATE TABLE trace_attachment (
            id uuid PRIMARY KEY,
            request_id uuid NOT NULL REFERENCES trace_request(id),
            event_id uuid NOT NULL REFERENCES trace_event(id),
            name text NOT NULL,
            content_type text NOT NULL,
            size integer NOT NULL CHECK (size > 0),
            sha256 bytea NOT NULL,
            content bytea NOT NULL
        );
        CREATE INDEX trace_attachment_request ON trace_attachment(request_id);

        CREATE TABLE trace_deadline_passed (
            request_id uuid NOT NULL REFERENCES trace_request(id),
            deadline text NOT NULL CHECK (deadline IN ('acknowledge', 'answer')),
            due_at timestamptz NOT NULL,
            noticed_at timestamptz NOT NULL,
            PRIMARY KEY (request_id, deadline, due_at)
        );

        CREATE TABLE trace_notice (
            id uuid PRIMARY KEY,
            recipient_code text NOT NULL REFERENCES member(code),
            request_id uuid NOT NULL REFERENCES trace_request(id),
            deadline text NOT NULL CHECK (deadline IN ('acknowledge', 'answer')),
            due_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL,
            UNIQUE (request_id, recipient_code, deadline, due_at)
        );
        CREATE INDEX trace_notice_recipient ON trace_notice(recipient_code, id);

        -- The audit trail's hash chain (AuditChain): its fields are stored as the text that was hashed.
        CREATE TABLE audit_log (
            sequence bigint PRIMARY KEY CHECK (sequence >= 1),
            at text NOT NULL,
            member_code text,
            user_id text,
            channel text,
            action text NOT NULL,
            subject text,
            concerns_code text,
            detail text,
            previous_hash bytea NOT NULL,
            hash bytea NOT NULL
        );
        CREATE INDEX audit_log_member ON audit_log(member_code, sequence);
        CREATE INDEX audit_log_concerns ON audit_log(concerns_code, sequence);

        CREATE TABLE audit_head (
            sequence bigint PRIMARY KEY,
            hash bytea NOT NULL,
            signed_at text NOT NULL,
            public_key bytea NOT NULL,
            signature bytea NOT NULL
        );

        CREATE TABLE member_settings (
            member_code text PRIMARY KEY REFERENCES member(code),
            searches_per_day integer NOT NULL CHECK (searches_per_day >= 1),
            maximum_candidates integer NOT NULL CHECK (maximum_candidates >= 1),
            updated_at timestamptz NOT NULL
        );

        CREATE TABLE web_session (
            token_hash bytea PRIMARY KEY,
            user_id uuid NOT NULL REFERENCES app_user(id),
            csrf_token text NOT NULL,
            address text NOT NULL,
            created_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL,
            ended_at timestamptz
        );

        CREATE TABLE sign_in_attempt (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            login text NOT NULL,
            address text NOT NULL,
            at timestamptz NOT NULL,
            succeeded boolean NOT NULL
        );
        CREATE INDEX sign_in_attempt_login ON sign_in_attempt(login, at);
        CREATE INDEX sign_in_attempt_address ON sign_in_attempt(address, at);

        DO $$
        DECLARE t text;
        BEGIN
            FOREACH t IN ARRAY ARRAY['weapon_record_history', 'search_log', 'hit_notice', 'hit_release', 'trace_event',
                'trace_attachment', 'trace_deadline_passed', 'trace_notice', 'audit_log', 'audit_head']
            LOOP
                EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION armstrace_append_only()',
                    t || '_append_only', t);
                EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION armstrace_append_only()',
                    t || '_no_truncate', t);
            END LOOP;
        END $$;
        """
}
