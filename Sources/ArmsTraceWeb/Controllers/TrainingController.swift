import ArmsTraceDomain
import Foundation
import Hummingbird

/// `/api/v1/training`: training events (PoA III 7 and 8), registrations of officials, completions, and the
/// member's trained officials.
struct TrainingController {
    let service: TrainingService

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("training/events", use: events)
        api.post("training/events", use: organise)
        api.get("training/events/:id", use: event)
        api.post("training/events/:id/participants", use: register)
        api.post("training/events/:id/participants/:participant", use: record)
        api.get("training/officials", use: officials)
    }

    struct Events: ResponseEncodable {
        var events: [TrainingEvent]
    }

    struct Officials: ResponseEncodable {
        var officials: [TrainingService.TrainedOfficial]
    }

    struct Registration: Decodable {
        var name: String
        var post: String
    }

    struct Outcome: Decodable {
        var status: String
    }

    @Sendable func events(_ request: Request, context: AuthenticatedContext) async throws -> Events {
        Events(events: try await service.events(by: context.actor))
    }

    @Sendable func organise(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let event = try await service.organise(try await request.decodeJSON(as: TrainingEventInput.self, context: context), by: context.actor)
        return try created(event, at: "/api/v1/training/events/\(event.id)", request, context)
    }

    @Sendable func event(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<TrainingEvent> {
        JSONBody(try await service.event(try TrainingEvent.ID.route(context, "training event"), by: context.actor))
    }

    @Sendable func register(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try TrainingEvent.ID.route(context, "training event")
        let input = try await request.decodeJSON(as: Registration.self, context: context)
        let event = try await service.register(id, name: input.name, post: input.post, by: context.actor)
        return try created(event, at: "/api/v1/training/events/\(id)", request, context)
    }

    @Sendable func record(_ request: Request, context: AuthenticatedContext) async throws -> JSONBody<TrainingEvent> {
        let id = try TrainingEvent.ID.route(context, "training event")
        let text = context.parameters.get("participant") ?? ""
        guard let participant = TrainingEvent.Participant.ID(text) else { throw DomainError.notFound(entity: "participant", id: text) }
        let input = try await request.decodeJSON(as: Outcome.self, context: context)
        guard let status = TrainingEvent.Participant.Status(rawValue: input.status) else {
            throw DomainError.invalid(field: "status", "one of: completed, not_completed, withdrawn")
        }
        return JSONBody(try await service.record(status, of: participant, on: id, by: context.actor))
    }

    @Sendable func officials(_ request: Request, context: AuthenticatedContext) async throws -> Officials {
        Officials(officials: try await service.officials(by: context.actor))
    }
}
