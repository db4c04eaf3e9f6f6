import ArmsTraceDomain
import Foundation
import Hummingbird

/// The training pages: every event, the member's officials and what they were trained in, the form to organise
/// an event; an event's page with its participants, registration and completion.
struct TrainingPages {
    let service: TrainingService
    let renderer: PageRenderer

    func addRoutes(to pages: RouterGroup<WebContext>) {
        pages.get("training", use: overview)
        pages.post("training", use: organise)
        pages.get("training/:id", use: event)
        pages.post("training/:id/participants", use: register)
        pages.post("training/:id/participants/:participant", use: record)
    }

    @Sendable func overview(_ request: Request, context: WebContext) async throws -> Response {
        try await overviewPage(context: context)
    }

    private func overviewPage(context: WebContext, errors: [FieldError] = [], typed: [String: String] = [:]) async throws -> Response {
        let actor = context.actor
        let events = try await service.events(by: actor)
        let officials = try await service.officials(by: actor)
        let object: [String: Any] = [
            "events": events.map { event -> [String: Any] in
                [
                    "id": event.id.description, "eventTitle": event.title, "programme": event.programme ?? "", "topic": event.topic.words,
                    "organiser": event.organiser.rawValue, "dates": "\(event.start) to \(event.end)", "place": event.place,
                    "seats": "\(event.seatsTaken) of \(event.seats)", "language": event.language,
                ]
            },
            "officials": officials.map { official -> [String: Any] in
                [
                    "name": official.participant.name, "post": official.participant.post, "event": official.event.description,
                    "eventTitle": official.title, "topic": official.topic.words, "dates": "\(official.start) to \(official.end)",
                    "status": official.participant.status.words,
                ]
            },
            "mayOrganise": actor.role.may(.manageCooperation),
            "topics": TrainingTopic.allCases.map { ["code": $0.rawValue, "words": $0.words, "selected": typed["topic"] == $0.rawValue] },
            "values": typed,
            "errors": PageRenderer.fieldMessages(errors),
            "hasErrors": !errors.isEmpty,
            "errorList": errors.map { ["field": $0.field, "message": $0.message] },
        ]
        return try renderer.page(
            "training",
            title: "Training",
            section: .training,
            session: context.session,
            object,
            status: errors.isEmpty ? .ok : .unprocessableContent
        )
    }

    @Sendable func organise(_ request: Request, context: WebContext) async throws -> Response {
        let form = try await WebForm.read(request, context: context)
        let names = ["programme", "title", "topic", "dates_start", "dates_end", "place", "seats", "language", "description", "need"]
        let input = TrainingEventInput(
            programme: form["programme"],
            title: form["title"] ?? "",
            topic: form["topic"] ?? "",
            start: form["dates_start"] ?? "",
            end: form["dates_end"] ?? "",
            place: form["place"] ?? "",
            seats: form["seats"].flatMap { Int($0) } ?? 0,
            language: form["language"] ?? "",
            description: form["description"],
            need: form["need"]
        )
        do {
            let event = try await service.organise(input, by: context.actor)
            return Response(status: .seeOther, headers: [.location: "/training/\(event.id)"])
        } catch DomainError.invalid(let errors) {
            return try await overviewPage(
                context: context,
                errors: errors,
                typed: Dictionary(uniqueKeysWithValues: names.map { ($0, form[$0] ?? "") })
            )
        }
    }

    @Sendable func event(_ request: Request, context: WebContext) async throws -> Response {
        try await eventPage(try TrainingEvent.ID.route(context, "training event"), context: context)
    }

    private func eventPage(_ id: TrainingEvent.ID, context: WebContext, problem: String? = nil) async throws -> Response {
        let actor = context.actor
        let event = try await service.event(id, by: actor)
        let manager = actor.role.may(.manageCooperation)
        let organiser = manager && event.organiser == actor.member
        let started = CalendarDate(Date()) >= event.start
        var fields: [[String: String]] = [
            ["label": "Topic", "value": event.topic.words],
            ["label": "Organiser", "value": event.organiser.rawValue],
            ["label": "Dates", "value": "\(event.start) to \(event.end)"],
            ["label": "Place", "value": event.place],
            ["label": "Language", "value": event.language],
            ["label": "Seats", "value": "\(event.seatsTaken) of \(event.seats) taken"],
        ]
        if let programme = event.programme { fields.insert(["label": "Programme", "value": programme], at: 0) }
        if let need = event.need { fields.append(["label": "Answers the need", "value": need.description]) }
        var object: [String: Any] = [
            "id": event.id.description,
            "fields": fields,
            "participants": event.participants.map { participant -> [String: Any] in
                [
                    "participant": participant.id.description, "name": participant.name, "post": participant.post,
                    "member": participant.member.rawValue, "status": participant.status.words,
                    "mayRecord": organiser && started && participant.status != .withdrawn,
                    "mayWithdraw": manager && participant.member == actor.member && participant.status == .registered,
                ]
            },
            "organiser": organiser,
            "mayRegister": manager && CalendarDate(Date()) <= event.end && event.seatsTaken < event.seats,
        ]
        if let need = event.need { object["need"] = need.description }
        if let description = event.description { object["eventDescription"] = description }
        if let problem { object["problem"] = problem }
        return try renderer.page(
            "training-event",
            title: event.title,
            section: .training,
            session: context.session,
            object,
            status: problem == nil ? .ok : .unprocessableContent
        )
    }

    @Sendable func register(_ request: Request, context: WebContext) async throws -> Response {
        let id = try TrainingEvent.ID.route(context, "training event")
        let form = try await WebForm.read(request, context: context)
        return try await acting(id, context: context) {
            _ = try await service.register(id, name: form["name"] ?? "", post: form["post"] ?? "", by: context.actor)
        }
    }

    @Sendable func record(_ request: Request, context: WebContext) async throws -> Response {
        let id = try TrainingEvent.ID.route(context, "training event")
        let form = try await WebForm.read(request, context: context)
        let text = context.parameters.get("participant") ?? ""
        guard let participant = TrainingEvent.Participant.ID(text) else { throw DomainError.notFound(entity: "participant", id: text) }
        return try await acting(id, context: context) {
            guard let status = form["status"].flatMap(TrainingEvent.Participant.Status.init(rawValue:)) else {
                throw DomainError.invalid(field: "status", "choose completed, not completed or withdrawn")
            }
            _ = try await service.record(status, of: participant, on: id, by: context.actor)
        }
    }

    /// Runs a change and goes back to the event; a refused change is shown on the event's page.
    private func acting(_ id: TrainingEvent.ID, context: WebContext, _ change: () async throws -> Void) async throws -> Response {
        do {
            try await change()
            return Response(status: .seeOther, headers: [.location: "/training/\(id)"])
        } catch let error as DomainError {
            guard let problem = error.pageProblem else { throw error }
            return try await eventPage(id, context: context, problem: problem)
        }
    }
}
