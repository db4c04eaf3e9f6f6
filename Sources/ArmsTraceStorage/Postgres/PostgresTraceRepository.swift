import ArmsTraceDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// ``TraceRepository`` on PostgreSQL.
struct PostgresTraceRepository: TraceRepository {
    let database: PostgresDatabase

    func create(_ request: TraceRequest, event: TraceEvent) async throws {
        let row = try RequestRow(request)
        try await database.write { connection in
            let logger = database.logger
            try await connection.rows(
                """
                INSERT INTO trace_request (id, requester_code, requested_code, record_id, status, priority, version, particulars, weapon,
                    acknowledge_by, answer_by, created_at, sent_at, acknowledged_at, information_requested_at, answered_at, ended_at,
                    delay_ground, delay_expected_by, delay_explanation, decline_ground, decline_explanation, answer,
                    origin_established, outcome_remarks)
                VALUES (\(request.id.uuid), \(request.requester.rawValue), \(request.requested.rawValue), \(request.recordID.uuid),
                    \(request.status.rawValue), \(request.particulars.priority.rawValue), \(request.version), \(row.particulars)::json,
                    \(row.weapon)::json, \(request.deadlines?.acknowledgeBy.stored), \(request.deadlines?.answerBy.stored),
                    \(request.createdAt.stored), \(request.sentAt.stored), \(request.acknowledgedAt.stored),
                    \(request.informationRequestedAt.stored), \(request.answeredAt.stored), \(request.endedAt.stored),
                    \(request.delay?.ground.rawValue), \(request.delay?.expectedBy.stored), \(request.delay?.explanation),
                    \(request.decline?.ground.rawValue), \(request.decline?.explanation), \(row.answer)::json,
                    \(request.outcome?.originEstablished), \(request.outcome?.remarks))
                """,
                logger
            )
            try await Self.insert(connection, event, logger)
            try await database.audit(connection, .traceEntry(event, action: .traceCreate, request: request))
        }
    }

    func get(_ id: TraceRequest.ID, viewer: MemberCode) async throws -> TraceRequest {
        let request = try await database.read { connection in try await Self.fetch(connection, id: id, database.logger) }
        return try Self.visible(request, id: id, to: viewer)
    }

    func getWithTimeline(_ id: TraceRequest.ID, viewer: MemberCode) async throws -> (TraceRequest, [TraceEvent]) {
        try await database.snapshot { connection in
            let logger = database.logger
            let request = try Self.visible(try await Self.fetch(connection, id: id, logger), id: id, to: viewer)
            let events = try await connection.rows("SELECT * FROM trace_event WHERE request_id = \(id.uuid) ORDER BY id", logger)
            let files = try await connection.rows(
                "SELECT id, event_id, name, content_type, size FROM trace_attachment WHERE request_id = \(id.uuid) ORDER BY id",
                logger
            )
            var filesByEvent: [UUID: [TraceAttachment.Summary]] = [:]
            for row in files {
                filesByEvent[try row.uuid("event_id"), default: []].append(
                    TraceAttachment.Summary(
                        id: try row.id("id"),
                        name: try row.text("name"),
                        contentType: try row.text("content_type"),
                        size: try row.int("size")
                    )
                )
            }
            return (request, try events.map { try Self.event($0, attachments: filesByEvent[try $0.uuid("id")] ?? []) })
        }
    }

    func update(
        _ id: TraceRequest.ID,
        viewer: MemberCode,
        step: @escaping @Sendable (inout TraceRequest) throws -> (TraceEvent, [TraceAttachment])
    ) async throws -> TraceRequest {
        try await database.write { connection in
            let logger = database.logger
            var request = try Self.visible(try await Self.fetch(connection, id: id, forUpdate: true, logger), id: id, to: viewer)
            let version = request.version
            let (event, files) = try step(&request)
            let row = try RequestRow(request)
            // The row lock serialises steps; the version guards the rule of one step per version anyway.
            let changed = try await connection.changes(
                """
                UPDATE trace_request SET requester_code = \(request.requester.rawValue), requested_code = \(request.requested.rawValue),
                    record_id = \(request.recordID.uuid), status = \(request.status.rawValue),
                    priority = \(request.particulars.priority.rawValue), version = \(request.version),
                    particulars = \(row.particulars)::json, weapon = \(row.weapon)::json,
                    acknowledge_by = \(request.deadlines?.acknowledgeBy.stored), answer_by = \(request.deadlines?.answerBy.stored),
                    created_at = \(request.createdAt.stored), sent_at = \(request.sentAt.stored),
                    acknowledged_at = \(request.acknowledgedAt.stored), information_requested_at = \(request.informationRequestedAt.stored),
                    answered_at = \(request.answeredAt.stored), ended_at = \(request.endedAt.stored),
                    delay_ground = \(request.delay?.ground.rawValue), delay_expected_by = \(request.delay?.expectedBy.stored),
                    delay_explanation = \(request.delay?.explanation), decline_ground = \(request.decline?.ground.rawValue),
                    decline_explanation = \(request.decline?.explanation), answer = \(row.answer)::json,
                    origin_established = \(request.outcome?.originEstablished), outcome_remarks = \(request.outcome?.remarks)
                WHERE id = \(id.uuid) AND version = \(version)
                """,
                logger
            )
            guard changed == 1 else { throw DomainError.conflict("trace request \(id) changed meanwhile; reload it") }
            try await Self.insert(connection, event, logger)
            try await database.audit(connection, .traceEntry(event, action: .traceStep, request: request))
            for file in files {
                try await connection.rows(
                    """
                    INSERT INTO trace_attachment (id, request_id, event_id, name, content_type, size, sha256, content)
                    VALUES (\(file.id.uuid), \(id.uuid), \(event.id.uuid), \(file.name), \(file.contentType), \(file.content.count),
                        \(Data(SHA256.hash(data: file.content))), \(file.content))
                    """,
                    logger
                )
            }
            return request
        }
    }

    func list(_ query: TraceQuery, viewer: MemberCode, now: Date) async throws -> Page<TraceRequest> {
        var sql = QueryBuilder("SELECT * FROM trace_request WHERE ")
        let code = sql.bind(viewer.rawValue)
        switch query.box {
        case .outgoing: sql.append("requester_code = \(code)")
        case .incoming: sql.append("requested_code = \(code) AND status <> 'draft'")
        case .all: sql.append("(requester_code = \(code) OR (requested_code = \(code) AND status <> 'draft'))")
        }
        if let after = try TraceRequest.ID.cursor(query.cursor) { sql.append(" AND id < \(sql.bind(after.uuid))") }
        if let status = query.status { sql.append(" AND status = \(sql.bind(status.rawValue))") }
        if let priority = query.priority { sql.append(" AND priority = \(sql.bind(priority.rawValue))") }
        if let counterpart = query.counterpart {
            sql.append(" AND (CASE WHEN requester_code = \(code) THEN requested_code ELSE requester_code END) = \(sql.bind(counterpart.rawValue))")
        }
        if query.overdueOnly {
            // The rule of TraceRequest.passedDeadlines(at:): an acknowledgement owed past its deadline, or an answer
            // owed past its deadline while the answer clock runs.
            let moment = sql.bind(now)
            sql.append(
                " AND ((status = 'sent' AND acknowledge_by < \(moment)) OR (status IN ('sent', 'acknowledged', 'delayed') AND answer_by < \(moment)))"
            )
        }
        sql.append(" ORDER BY id DESC LIMIT \(query.limit + 1)")
        let statement = sql.query
        let requests = try await database.read { connection in
            try await connection.rows(statement, database.logger).map(Self.request)
        }
        return Page(readAhead: requests, limit: query.limit, cursor: \.id.description)
    }

    func attachment(_ id: TraceAttachment.ID, of request: TraceRequest.ID, viewer: MemberCode) async throws -> TraceAttachment {
        let file = try await database.snapshot { connection -> TraceAttachment? in
            let logger = database.logger
            _ = try Self.visible(try await Self.fetch(connection, id: request, logger), id: request, to: viewer)
            let row = try await connection.rows(
                "SELECT name, content_type, content FROM trace_attachment WHERE id = \(id.uuid) AND request_id = \(request.uuid)",
                logger
            ).first
            return try row.map {
                TraceAttachment(id: id, name: try $0.text("name"), contentType: try $0.text("content_type"), content: try $0.data("content"))
            }
        }
        guard let file else { throw DomainError.notFound(entity: "attachment", id: id.description) }
        return file
    }

    func deadlinePolicy(of member: MemberCode) async throws -> TraceDeadlinePolicy {
        let row = try await database.read { connection in
            try await connection.rows("SELECT * FROM trace_deadline_policy WHERE member_code = \(member.rawValue)", database.logger).first
        }
        guard let row else { return .standard }
        return TraceDeadlinePolicy(
            urgent: .init(acknowledgeHours: try row.int("urgent_acknowledge_hours"), answerHours: try row.int("urgent_answer_hours")),
            routine: .init(acknowledgeHours: try row.int("routine_acknowledge_hours"), answerHours: try row.int("routine_answer_hours"))
        )
    }

    func setDeadlinePolicy(_ policy: TraceDeadlinePolicy, by actor: Actor) async throws {
        try await database.write { connection in
            try await connection.rows(
                """
                INSERT INTO trace_deadline_policy (member_code, urgent_acknowledge_hours, urgent_answer_hours,
                    routine_acknowledge_hours, routine_answer_hours, updated_at)
                VALUES (\(actor.member.rawValue), \(policy.urgent.acknowledgeHours), \(policy.urgent.answerHours),
                    \(policy.routine.acknowledgeHours), \(policy.routine.answerHours), \(Date().stored))
                ON CONFLICT (member_code) DO UPDATE SET
                    urgent_acknowledge_hours = excluded.urgent_acknowledge_hours,
                    urgent_answer_hours = excluded.urgent_answer_hours,
                    routine_acknowledge_hours = excluded.routine_acknowledge_hours,
                    routine_answer_hours = excluded.routine_answer_hours,
                    updated_at = excluded.updated_at
                """,
                database.logger
            )
            try await database.audit(connection, .deadlinePolicySet(policy, by: actor))
        }
    }

    func pastDeadline(at now: Date) async throws -> [TraceRequest] {
        try await database.read { connection in
            try await connection.rows(
                """
                SELECT * FROM trace_request t WHERE
                    (t.status = 'sent' AND t.acknowledge_by < \(now) AND NOT EXISTS (
                        SELECT 1 FROM trace_deadline_passed p
                        WHERE p.request_id = t.id AND p.deadline = 'acknowledge' AND p.due_at = t.acknowledge_by))
                    OR (t.status IN ('sent', 'acknowledged', 'delayed') AND t.answer_by < \(now) AND NOT EXISTS (
                        SELECT 1 FROM trace_deadline_passed p
                        WHERE p.request_id = t.id AND p.deadline = 'answer' AND p.due_at = t.answer_by))
                ORDER BY t.id
                """,
                database.logger
            ).map(Self.request)
        }
    }

    func recordPassedDeadlines(_ passed: [PassedDeadline]) async throws -> [PassedDeadline] {
        try await database.write { connection in
            let logger = database.logger
            var recorded: [PassedDeadline] = []
            for deadline in passed {
                // The key (request, deadline, due time) lets one server only store each deadline, whichever asks first.
                let inserted = try await connection.rows(
                    """
                    INSERT INTO trace_deadline_passed (request_id, deadline, due_at, noticed_at)
                    VALUES (\(deadline.requestID.uuid), \(deadline.deadline.rawValue), \(deadline.dueAt.stored), \(deadline.event.at.stored))
                    ON CONFLICT DO NOTHING RETURNING 1 AS inserted
                    """,
                    logger
                )
                guard !inserted.isEmpty else { continue }
                for notice in deadline.notices {
                    try await connection.rows(
                        """
                        INSERT INTO trace_notice (id, recipient_code, request_id, deadline, due_at, created_at)
                        VALUES (\(notice.id.uuid), \(notice.recipient.rawValue), \(notice.requestID.uuid), \(notice.deadline.rawValue),
                            \(notice.dueAt.stored), \(notice.createdAt.stored))
                        """,
                        logger
                    )
                }
                try await Self.insert(connection, deadline.event, logger)
                try await database.audit(connection, .deadlinePassed(deadline))
                recorded.append(deadline)
            }
            return recorded
        }
    }

    func notices(for recipient: MemberCode, limit: Int, cursor: String?) async throws -> Page<TraceNotice> {
        var sql = QueryBuilder("SELECT * FROM trace_notice WHERE recipient_code = $1")
        _ = sql.bind(recipient.rawValue)
        if let after = try TraceNotice.ID.cursor(cursor) { sql.append(" AND id < \(sql.bind(after.uuid))") }
        sql.append(" ORDER BY id DESC LIMIT \(limit + 1)")
        let statement = sql.query
        let notices = try await database.read { connection in
            try await connection.rows(statement, database.logger).map { row in
                TraceNotice(
                    id: try row.id("id"),
                    recipient: try row.member("recipient_code"),
                    requestID: try row.id("request_id"),
                    deadline: try row.enumeration("deadline"),
                    dueAt: try row.date("due_at"),
                    createdAt: try row.date("created_at")
                )
            }
        }
        return Page(readAhead: notices, limit: limit, cursor: \.id.description)
    }

    func requests(of member: MemberCode, sentIn year: Int) async throws -> [TraceRequest] {
        func start(_ year: Int) -> Date { Calendar.utc.date(from: DateComponents(year: year, month: 1, day: 1)) ?? .distantPast }
        return try await database.read { connection in
            try await connection.rows(
                """
                SELECT * FROM trace_request
                WHERE (requester_code = \(member.rawValue) OR requested_code = \(member.rawValue))
                    AND sent_at >= \(start(year)) AND sent_at < \(start(year + 1))
                ORDER BY id
                """,
                database.logger
            ).map(Self.request)
        }
    }

    func seizureCounts(of member: MemberCode, year: Int) async throws -> SeizureCounts {
        let rows = try await database.read { connection in
            try await connection.rows(
                """
                SELECT r.status, count(*) AS weapons, count(*) FILTER (WHERE EXISTS (
                    SELECT 1 FROM trace_request t WHERE t.record_id = r.id AND t.status = 'closed' AND t.origin_established)) AS established
                FROM weapon_record r
                WHERE r.owner_code = \(member.rawValue) AND r.status IN ('seized', 'found', 'surrendered')
                    AND extract(year FROM coalesce(r.event_date::timestamp, r.created_at AT TIME ZONE 'UTC')) = \(year)
                GROUP BY r.status
                """,
                database.logger
            )
        }
        var counts = SeizureCounts(seized: 0, found: 0, surrendered: 0, originEstablished: 0)
        for row in rows {
            let weapons = try row.int("weapons")
            switch try row.text("status") {
            case "seized": counts.seized = weapons
            case "found": counts.found = weapons
            default: counts.surrendered = weapons
            }
            counts.originEstablished += try row.int("established")
        }
        return counts
    }

    // MARK: - Rows

    /// The JSON columns of a request.
    private struct RequestRow {
        var particulars: String
        var weapon: String
        var answer: String?

        init(_ request: TraceRequest) throws {
            let encoder = JSONEncoder.snakeCase
            func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }
            particulars = try json(request.particulars)
            weapon = try json(request.weapon)
            answer = try request.answer.map(json)
        }
    }

    private static func visible(_ request: TraceRequest?, id: TraceRequest.ID, to viewer: MemberCode) throws -> TraceRequest {
        guard let request, request.isVisible(to: viewer) else { throw DomainError.notFound(entity: "trace request", id: id.description) }
        return request
    }

    private static func fetch(
        _ connection: PostgresConnection,
        id: TraceRequest.ID,
        forUpdate: Bool = false,
        _ logger: Logger
    ) async throws
        -> TraceRequest?
    {
        let rows =
            forUpdate
            ? try await connection.rows("SELECT * FROM trace_request WHERE id = \(id.uuid) FOR UPDATE", logger)
            : try await connection.rows("SELECT * FROM trace_request WHERE id = \(id.uuid)", logger)
        return try rows.first.map(request)
    }

    private static func request(_ row: PostgresRandomAccessRow) throws -> TraceRequest {
        let decoder = JSONDecoder.snakeCase
        func decode<T: Decodable>(_ type: T.Type, _ column: String) throws -> T? {
            try row.optionalText(column).map { try decoder.decode(T.self, from: Data($0.utf8)) }
        }
        let id: TraceRequest.ID = try row.id("id")
        guard let particulars = try decode(TraceRequest.Particulars.self, "particulars"), let weapon = try decode(TraceWeapon.self, "weapon")
        else { throw StorageError("trace_request row \(id) has no particulars") }
        var deadlines: TraceRequest.Deadlines?
        if let acknowledgeBy = try row.optionalDate("acknowledge_by"), let answerBy = try row.optionalDate("answer_by") {
            deadlines = TraceRequest.Deadlines(acknowledgeBy: acknowledgeBy, answerBy: answerBy)
        }
        var delay: TraceRequest.Delay?
        if let ground = try row.optionalText("delay_ground").flatMap(WithholdingGround.init(rawValue:)),
            let expectedBy = try row.optionalDate("delay_expected_by")
        {
            delay = TraceRequest.Delay(ground: ground, expectedBy: expectedBy, explanation: try row.optionalText("delay_explanation"))
        }
        let decline = try row.optionalText("decline_ground").flatMap(WithholdingGround.init(rawValue:)).map {
            TraceRequest.Decline(ground: $0, explanation: try row.optionalText("decline_explanation"))
        }
        return TraceRequest(
            id: id,
            requester: try row.member("requester_code"),
            requested: try row.member("requested_code"),
            recordID: try row.id("record_id"),
            status: try row.enumeration("status"),
            version: try row.int("version"),
            particulars: particulars,
            weapon: weapon,
            deadlines: deadlines,
            createdAt: try row.date("created_at"),
            sentAt: try row.optionalDate("sent_at"),
            acknowledgedAt: try row.optionalDate("acknowledged_at"),
            informationRequestedAt: try row.optionalDate("information_requested_at"),
            answeredAt: try row.optionalDate("answered_at"),
            endedAt: try row.optionalDate("ended_at"),
            delay: delay,
            decline: decline,
            answer: try decode(TraceAnswer.self, "answer"),
            outcome: try row.optionalBool("origin_established").map {
                TraceOutcome(originEstablished: $0, remarks: try row.optionalText("outcome_remarks"))
            }
        )
    }

    private static func insert(_ connection: PostgresConnection, _ event: TraceEvent, _ logger: Logger) async throws {
        let content = event.content
        try await connection.rows(
            """
            INSERT INTO trace_event (id, request_id, at, member_code, user_id, channel, kind, status, text, ground, expected_by,
                origin_established)
            VALUES (\(event.id.uuid), \(event.requestID.uuid), \(event.at.stored), \(event.member?.rawValue), \(event.userID?.uuid),
                \(event.channel?.rawValue), \(content.kind.rawValue), \(content.status?.rawValue), \(content.text), \(content.ground),
                \(content.expectedBy.stored), \(content.originEstablished))
            """,
            logger
        )
    }

    private static func event(_ row: PostgresRandomAccessRow, attachments: [TraceAttachment.Summary]) throws -> TraceEvent {
        TraceEvent(
            id: try row.id("id"),
            requestID: try row.id("request_id"),
            at: try row.date("at"),
            member: try row.optionalMember("member_code"),
            userID: try row.optionalID("user_id"),
            channel: try row.optionalText("channel").flatMap(Actor.Channel.init(rawValue:)),
            content: TraceEvent.Content(
                kind: try row.enumeration("kind"),
                status: try row.optionalText("status").flatMap(TraceStatus.init(rawValue:)),
                text: try row.optionalText("text"),
                ground: try row.optionalText("ground"),
                expectedBy: try row.optionalDate("expected_by"),
                originEstablished: try row.optionalBool("origin_established"),
                attachments: attachments
            )
        )
    }
}
