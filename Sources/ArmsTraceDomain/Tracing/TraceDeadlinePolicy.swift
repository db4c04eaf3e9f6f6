public import Foundation

/// The time a member allows itself to acknowledge and to answer the trace requests it receives, per priority.
///
/// The ITI sets no numbers; the defaults follow real practice (urgent: acknowledge within 24 hours, answer within
/// 48, as Prüm's 48 hours for core data; routine: acknowledge within 5 days, answer within 30). The requested
/// member's policy when a request is sent fixes that request's deadlines; later changes apply to later requests.
public struct TraceDeadlinePolicy: Sendable, Equatable, Codable {
    /// The limits for one priority, in hours.
    public struct Limits: Sendable, Equatable, Codable {
        public var acknowledgeHours: Int
        public var answerHours: Int

        public init(acknowledgeHours: Int, answerHours: Int) {
            self.acknowledgeHours = acknowledgeHours
            self.answerHours = answerHours
        }
    }

    public var urgent: Limits
    public var routine: Limits

    public init(urgent: Limits, routine: Limits) {
        self.urgent = urgent
        self.routine = routine
    }

    /// The defaults of real practice.
    public static let standard = TraceDeadlinePolicy(
        urgent: Limits(acknowledgeHours: 24, answerHours: 48),
        routine: Limits(acknowledgeHours: 5 * 24, answerHours: 30 * 24)
    )

    /// The longest limit accepted: a year.
    public static let maximumHours = 366 * 24

    public func limits(for priority: TracePriority) -> Limits {
        priority == .urgent ? urgent : routine
    }

    /// The deadlines of a request of `priority` sent at `sentAt`.
    public func deadlines(for priority: TracePriority, sentAt: Date) -> TraceRequest.Deadlines {
        let limits = limits(for: priority)
        return TraceRequest.Deadlines(
            acknowledgeBy: sentAt.addingTimeInterval(TimeInterval(limits.acknowledgeHours) * 3600),
            answerBy: sentAt.addingTimeInterval(TimeInterval(limits.answerHours) * 3600)
        )
    }

    /// Checks that every limit is from 1 hour to a year, and that no answer is due before its acknowledgement.
    /// - Throws: `DomainError.invalid` naming each bad limit (`urgent.answer_hours`).
    public func validate() throws {
        var problems: [FieldError] = []
        for (name, limits) in [("urgent", urgent), ("routine", routine)] {
            for (field, hours) in [("acknowledge_hours", limits.acknowledgeHours), ("answer_hours", limits.answerHours)]
            where !(1...Self.maximumHours).contains(hours) {
                problems.append(FieldError(field: "\(name).\(field)", message: "must be from 1 to \(Self.maximumHours) hours, got \(hours)"))
            }
            if limits.answerHours < limits.acknowledgeHours {
                problems.append(FieldError(field: "\(name).answer_hours", message: "must not be shorter than acknowledge_hours"))
            }
        }
        if urgent.answerHours > routine.answerHours {
            problems.append(FieldError(field: "urgent.answer_hours", message: "must not be longer than routine.answer_hours"))
        }
        guard problems.isEmpty else { throw DomainError.invalid(problems) }
    }
}
