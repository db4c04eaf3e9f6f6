import ArmsTraceDomain
import Crypto
import Foundation
import GRDB

/// ``TraceRepository`` on SQLite.
struct TraceSQLiteRepository: TraceRepository, SQLiteRepository {
    let writer: any DatabaseWriter
    let admission: ReadAdmission

    func create(_ request: TraceRequest, event: TraceEvent) async throws {
        try await writer.translatedWrite { db in
            try Self.insert(db, request)
            try Self.insert(db, event)
            try AuditChain.append(db, .traceEntry(event, action: .traceCreate, request: request))
        }
    }

    func get(_ id: TraceRequest.ID, viewer: MemberCode) async throws -> TraceRequest {
        let request = try await read { db in try Self.fetch(db, id: id) }
        return try Self.visible(request, id: id, to: viewer)
    }

    func getWithTimeline(_ id: TraceRequest.ID, viewer: MemberCode) async throws -> (TraceRequest, [TraceEvent]) {
        try await read { db in
            let request = try Self.visible(try Self.fetch(db, id: id), id: id, to: viewer)
            let events = try Row.fetchAll(db, sql: "SELECT * FROM trace_event WHERE request_id = ? ORDER BY id", arguments: [id.description])
            let files = try Row.fetchAll(
                db,
                sql: "SELECT id, event_id, name, content_type, size FROM trace_attachment WHERE request_id = ? ORDER BY id",
                arguments: [id.description]
            )
            var filesByEvent: [String: [TraceAttachment.Summary]] = [:]
            for row in files {
                guard let fileID = TraceAttachment.ID(row["id"] as String) else { throw StorageError("trace_attachment row is malformed") }
                filesByEvent[row["event_id"], default: []].append(
                    TraceAttachment.Summary(id: fileID, name: row["name"], contentType: row["content_type"], size: row["size"])
                )
            }
            return (request, try events.map { try Self.event($0, attachments: filesByEvent[$0["id"]] ?? []) })
        }
    }

    func update(
        _ id: TraceRequest.ID,
        viewer: MemberCode,
        step: @escaping @Sendable (inout TraceRequest) throws -> (TraceEvent, [TraceAttachment])
    ) async throws -> TraceRequest {
        try await writer.translatedWrite { db in
            var request = try Self.visible(try Self.fetch(db, id: id), id: id, to: viewer)
            let version = request.version
            let (event, files) = try step(&request)
            // The write transaction serialises steps; the version guards the rule of one step per version anyway.
            let columns = try Self.columns(request)
            try db.execute(
                sql: "UPDATE trace_request SET " + columns.map { "\($0.name) = ?" }.joined(separator: ", ") + " WHERE id = ? AND version = ?",
                arguments: StatementArguments(columns.map(\.value) + [id.description, version])
            )
            guard db.changesCount == 1 else { throw DomainError.conflict("trace request \(id) changed meanwhile; reload it") }
            try Self.insert(db, event)
            try AuditChain.append(db, .traceEntry(event, action: .traceStep, request: request))
            for file in files {
                try db.execute(
                    sql: """
                        INSERT INTO trace_attachment (id, request_id, event_id, name, content_type, size, sha256, content)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        file.id.description, id.description, event.id.description, file.name, file.contentType, file.content.count,
                        Data(SHA256.hash(data: file.content)), file.content,
                    ]
                )
            }
            return request
        }
    }

    func list(_ query: TraceQuery, viewer: MemberCode, now: Date) async throws -> Page<TraceRequest> {
        let code = viewer.rawValue
        var sql: SQL =
            switch query.box {
            case .outgoing: "SELECT * FROM trace_request WHERE requester_code = \(code)"
            case .incoming: "SELECT * FROM trace_request WHERE requested_code = \(code) AND status <> 'draft'"
            case .all:
                "SELECT * FROM trace_request WHERE (requester_code = \(code) OR (requested_code = \(code) AND status <> 'draft'))"
            }
        if let after = try TraceRequest.ID.cursor(query.cursor) { sql += " AND id < \(after.description)" }
        if let status = query.status { sql += " AND status = \(status.rawValue)" }
        if let priority = query.priority { sql += " AND priority = \(priority.rawValue)" }
        if let counterpart = query.counterpart {
            sql += " AND (CASE WHEN requester_code = \(code) THEN requested_code ELSE requester_code END) = \(counterpart.rawValue)"
        }
        if query.overdueOnly { sql += " AND (\(Self.owedAndPast(now)))" }
        sql += " ORDER BY id DESC LIMIT \(query.limit + 1)"
        let finalSQL = sql
        let requests = try await read { db in try Row.fetchAll(db, SQLRequest(literal: finalSQL)).map(Self.request) }
        return Page(readAhead: requests, limit: query.limit, cursor: \.id.description)
    }

    /// The rule of ``TraceRequest/passedDeadlines(at:)`` in SQL: an acknowledgement owed past its deadline, or an
    /// answer owed past its deadline while the answer clock runs.
    private static func owedAndPast(_ now: Date) -> SQL {
        """
        (status = 'sent' AND acknowledge_by < \(now)) OR (status IN ('sent', 'acknowledged', 'delayed') AND answer_by < \(now))
        """
    }

    func attachment(_ id: TraceAttachment.ID, of request: TraceRequest.ID, viewer: MemberCode) async throws -> TraceAttachment {
        let file = try await read { db -> TraceAttachment? in
            _ = try Self.visible(try Self.fetch(db, id: request), id: request, to: viewer)
            let row = try Row.fetchOne(
                db,
                sql: "SELECT name, content_type, content FROM trace_attachment WHERE id = ? AND request_id = ?",
                arguments: [id.description, request.description]
            )
            return row.map { TraceAttachment(id: id, name: $0["name"], contentType: $0["content_type"], content: $0["content"]) }
        }
        guard let file else { throw DomainError.notFound(entity: "attachment", id: id.description) }
        return file
    }

    func deadlinePolicy(of member: MemberCode) async throws -> TraceDeadlinePolicy {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM trace_deadline_policy WHERE member_code = ?", arguments: [member.rawValue])
            else { return .standard }
            return TraceDeadlinePolicy(
                urgent: .init(acknowledgeHours: row["urgent_acknowledge_hours"], answerHours: row["urgent_answer_hours"]),
                routine: .init(acknowledgeHours: row["routine_acknowledge_hours"], answerHours: row["routine_answer_hours"])
            )
        }
    }

    func setDeadlinePolicy(_ policy: TraceDeadlinePolicy, by actor: Actor) async throws {
        let member = actor.member
        try await writer.translatedWrite { db in
            try AuditChain.append(db, .deadlinePolicySet(policy, by: actor))
            try db.execute(
                sql: """
                    INSERT INTO trace_deadline_policy (member_code, urgent_acknowledge_hours, urgent_answer_hours,
                        routine_acknowledge_hours, routine_answer_hours, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (member_code) DO UPDATE SET
                        urgent_acknowledge_hours = excluded.urgent_acknowledge_hours,
                        urgent_answer_hours = excluded.urgent_answer_hours,
                        routine_acknowledge_hours = excluded.routine_acknowledge_hours,
                        routine_answer_hours = excluded.routine_answer_hours,
                        updated_at = excluded.updated_at
                    """,
                arguments: [
                    member.rawValue, policy.urgent.acknowledgeHours, policy.urgent.answerHours, policy.routine.acknowledgeHours,
                    policy.routine.answerHours, Date(),
                ]
            )
        }
    }

    func pastDeadline(at now: Date) async throws -> [TraceRequest] {
        try await read { db in
            let request = SQLRequest<Row>(
                literal: """
                    SELECT * FROM trace_request t WHERE
                        (t.status = 'sent' AND t.acknowledge_by < \(now) AND NOT EXISTS (
                            SELECT 1 FROM trace_deadline_passed p
                            WHERE p.request_id = t.id AND p.deadline = 'acknowledge' AND p.due_at = t.acknowledge_by))
                        OR (t.status IN ('sent', 'acknowledged', 'delayed') AND t.answer_by < \(now) AND NOT EXISTS (
                            SELECT 1 FROM trace_deadline_passed p
                            WHERE p.request_id = t.id AND p.deadline = 'answer' AND p.due_at = t.answer_by))
                    ORDER BY t.id
                    """
            )
            return try Row.fetchAll(db, request).map(Self.request)
        }
    }

    func recordPassedDeadlines(_ passed: [PassedDeadline]) async throws -> [PassedDeadline] {
        try await writer.translatedWrite { db in
            var recorded: [PassedDeadline] = []
            for deadline in passed {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO trace_deadline_passed (request_id, deadline, due_at, noticed_at) VALUES (?, ?, ?, ?)",
                    arguments: [deadline.requestID.description, deadline.deadline.rawValue, deadline.dueAt, deadline.event.at]
                )
                guard db.changesCount == 1 else { continue }
                for notice in deadline.notices {
                    try db.execute(
                        sql: """
                            INSERT INTO trace_notice (id, recipient_code, request_id, deadline, due_at, created_at)
                            VALUES (?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            notice.id.description, notice.recipient.rawValue, notice.requestID.description, notice.deadline.rawValue,
                            notice.dueAt, notice.createdAt,
                        ]
                    )
                }
                try Self.insert(db, deadline.event)
                try AuditChain.append(db, .deadlinePassed(deadline))
                recorded.append(deadline)
            }
            return recorded
        }
    }

    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<TraceNotice> {
        var sql: SQL = "SELECT * FROM trace_notice WHERE recipient_code = \(recipient.rawValue)"
        if let after = try TraceNotice.ID.cursor(cursor) { sql += " AND id < \(after.description)" }
        sql += " ORDER BY id DESC LIMIT \(limit + 1)"
        let request = SQLRequest<Row>(literal: sql)
        let notices = try await read { db in
            try Row.fetchAll(db, request).map { row in
                guard let id = TraceNotice.ID(row["id"] as String), let recipient = MemberCode(row["recipient_code"]),
                    let requestID = TraceRequest.ID(row["request_id"] as String),
                    let deadline = TraceDeadlineKind(rawValue: row["deadline"])
                else { throw StorageError("trace_notice row is malformed") }
                return TraceNotice(
                    id: id,
                    recipient: recipient,
                    requestID: requestID,
                    deadline: deadline,
                    dueAt: row["due_at"],
                    createdAt: row["created_at"]
                )
            }
        }
        return Page(readAhead: notices, limit: limit, cursor: \.id.description)
    }

    func requests(of member: MemberCode, sentIn year: Int) async throws -> [TraceRequest] {
        let (start, end) = Self.bounds(of: year)
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM trace_request
                    WHERE (requester_code = ? OR requested_code = ?) AND sent_at >= ? AND sent_at < ?
                    ORDER BY id
                    """,
                arguments: [member.rawValue, member.rawValue, start, end]
            ).map(Self.request)
        }
    }

    func seizureCounts(of member: MemberCode, year: Int) async throws -> SeizureCounts {
        // Two queries: the weapons from the records' counts (weapon_record_count), and the few of them whose trace
        // established the origin from the member's closed requests, so that only those records' rows are read.
        let year = String(format: "%04d", year)
        let counted = "r.status IN ('seized', 'found', 'surrendered') AND substr(coalesce(r.event_date, r.created_at), 1, 4) = ?"
        return try await read { db in
            var counts = SeizureCounts(seized: 0, found: 0, surrendered: 0, originEstablished: 0)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT status, sum(records) AS weapons FROM weapon_record_count
                    WHERE owner_code = ? AND status IN ('seized', 'found', 'surrendered')
                    AND substr(CASE event_month WHEN '' THEN entered_month ELSE event_month END, 1, 4) = ?
                    GROUP BY status
                    """,
                arguments: [member.rawValue, year]
            )
            for row in rows {
                let weapons: Int = row["weapons"]
                switch row["status"] as String {
                case "seized": counts.seized = weapons
                case "found": counts.found = weapons
                default: counts.surrendered = weapons
                }
            }
            counts.originEstablished =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(DISTINCT r.id) FROM trace_request t JOIN weapon_record r ON r.id = t.record_id
                        WHERE t.requester_code = ? AND t.status = 'closed' AND t.origin_established = 1 AND r.owner_code = ? AND \(counted)
                        """,
                    arguments: [member.rawValue, member.rawValue, year]
                ) ?? 0
            return counts
        }
    }

    // MARK: - Rows

    /// The first instant of `year` and of the next, in UTC.
    private static func bounds(of year: Int) -> (Date, Date) {
        func start(_ year: Int) -> Date { Calendar.utc.date(from: DateComponents(year: year, month: 1, day: 1)) ?? .distantPast }
        return (start(year), start(year + 1))
    }

    private static func visible(_ request: TraceRequest?, id: TraceRequest.ID, to viewer: MemberCode) throws -> TraceRequest {
        guard let request, request.isVisible(to: viewer) else { throw DomainError.notFound(entity: "trace request", id: id.description) }
        return request
    }

    private static func fetch(_ db: Database, id: TraceRequest.ID) throws -> TraceRequest? {
        try Row.fetchOne(db, sql: "SELECT * FROM trace_request WHERE id = ?", arguments: [id.description]).map(request)
    }

    private static func insert(_ db: Database, _ request: TraceRequest) throws {
        let columns = try columns(request)
        try db.execute(
            sql: "INSERT INTO trace_request (" + columns.map(\.name).joined(separator: ", ") + ") VALUES ("
                + columns.map { _ in "?" }.joined(separator: ", ") + ")",
            arguments: StatementArguments(columns.map(\.value))
        )
    }

    /// A request's row, column by column: what inserts and updates write.
    private static func columns(_ request: TraceRequest) throws -> [(name: String, value: (any DatabaseValueConvertible)?)] {
        let encoder = JSONEncoder.snakeCase
        func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
        return [
            ("id", request.id.description),
            ("requester_code", request.requester.rawValue),
            ("requested_code", request.requested.rawValue),
            ("record_id", request.recordID.description),
            ("status", request.status.rawValue),
            ("priority", request.particulars.priority.rawValue),
            ("version", request.version),
            ("particulars", try json(request.particulars)),
            ("weapon", try json(request.weapon)),
            ("acknowledge_by", request.deadlines?.acknowledgeBy),
            ("answer_by", request.deadlines?.answerBy),
            ("created_at", request.createdAt),
            ("sent_at", request.sentAt),
            ("acknowledged_at", request.acknowledgedAt),
            ("information_requested_at", request.informationRequestedAt),
            ("answered_at", request.answeredAt),
            ("ended_at", request.endedAt),
            ("delay_ground", request.delay?.ground.rawValue),
            ("delay_expected_by", request.delay?.expectedBy),
            ("delay_explanation", request.delay?.explanation),
            ("decline_ground", request.decline?.ground.rawValue),
            ("decline_explanation", request.decline?.explanation),
            ("answer", try request.answer.map(json)),
            ("origin_established", request.outcome?.originEstablished),
            ("outcome_remarks", request.outcome?.remarks),
        ]
    }

    private static func request(_ row: Row) throws -> TraceRequest {
        let decoder = JSONDecoder.snakeCase
        let id: String = row["id"]
        guard let requestID = TraceRequest.ID(id), let requester = MemberCode(row["requester_code"]),
            let requested = MemberCode(row["requested_code"]), let recordID = WeaponRecord.ID(row["record_id"] as String),
            let status = TraceStatus(rawValue: row["status"])
        else { throw StorageError("trace_request row \(id) is malformed") }
        func decode<T: Decodable>(_ type: T.Type, _ column: String) throws -> T? {
            try (row[column] as String?).map { try decoder.decode(T.self, from: Data($0.utf8)) }
        }
        guard let particulars = try decode(TraceRequest.Particulars.self, "particulars"), let weapon = try decode(TraceWeapon.self, "weapon")
        else { throw StorageError("trace_request row \(id) has no particulars") }
        var deadlines: TraceRequest.Deadlines?
        if let acknowledgeBy = row["acknowledge_by"] as Date?, let answerBy = row["answer_by"] as Date? {
            deadlines = TraceRequest.Deadlines(acknowledgeBy: acknowledgeBy, answerBy: answerBy)
        }
        let delay = ((row["delay_ground"] as String?).flatMap(WithholdingGround.init(rawValue:))).flatMap { ground in
            (row["delay_expected_by"] as Date?).map { TraceRequest.Delay(ground: ground, expectedBy: $0, explanation: row["delay_explanation"]) }
        }
        let decline = (row["decline_ground"] as String?).flatMap(WithholdingGround.init(rawValue:)).map {
            TraceRequest.Decline(ground: $0, explanation: row["decline_explanation"])
        }
        return TraceRequest(
            id: requestID,
            requester: requester,
            requested: requested,
            recordID: recordID,
            status: status,
            version: row["version"],
            particulars: particulars,
            weapon: weapon,
            deadlines: deadlines,
            createdAt: row["created_at"],
            sentAt: row["sent_at"],
            acknowledgedAt: row["acknowledged_at"],
            informationRequestedAt: row["information_requested_at"],
            answeredAt: row["answered_at"],
            endedAt: row["ended_at"],
            delay: delay,
            decline: decline,
            answer: try decode(TraceAnswer.self, "answer"),
            outcome: (row["origin_established"] as Bool?).map { TraceOutcome(originEstablished: $0, remarks: row["outcome_remarks"]) }
        )
    }

    private static func insert(_ db: Database, _ event: TraceEvent) throws {
        let content = event.content
        try db.execute(
            sql: """
                INSERT INTO trace_event (id, request_id, at, member_code, user_id, channel, kind, status, text, ground, expected_by,
                    origin_established)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                event.id.description, event.requestID.description, event.at, event.member?.rawValue, event.userID?.description,
                event.channel?.rawValue, content.kind.rawValue, content.status?.rawValue, content.text, content.ground,
                content.expectedBy, content.originEstablished,
            ]
        )
    }

    private static func event(_ row: Row, attachments: [TraceAttachment.Summary]) throws -> TraceEvent {
        guard let id = TraceEvent.ID(row["id"] as String), let requestID = TraceRequest.ID(row["request_id"] as String),
            let kind = TraceEvent.Kind(rawValue: row["kind"])
        else { throw StorageError("trace_event row is malformed") }
        return TraceEvent(
            id: id,
            requestID: requestID,
            at: row["at"],
            member: (row["member_code"] as String?).flatMap(MemberCode.init),
            userID: (row["user_id"] as String?).flatMap(User.ID.init),
            channel: (row["channel"] as String?).flatMap(Actor.Channel.init(rawValue:)),
            content: TraceEvent.Content(
                kind: kind,
                status: (row["status"] as String?).flatMap(TraceStatus.init(rawValue:)),
                text: row["text"],
                ground: row["ground"],
                expectedBy: row["expected_by"],
                originEstablished: row["origin_established"],
                attachments: attachments
            )
        )
    }
}
