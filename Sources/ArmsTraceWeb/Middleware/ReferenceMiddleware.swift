import ArmsTraceDomain
import Hummingbird

/// Makes the store's reference data in force (``ReferenceCatalog``) the one every request reads identification,
/// marking checks and search keys through.
struct ReferenceMiddleware<Context: RequestContext>: RouterMiddleware {
    let catalog: ReferenceCatalog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await catalog.bound { try await next(request, context) }
    }
}
