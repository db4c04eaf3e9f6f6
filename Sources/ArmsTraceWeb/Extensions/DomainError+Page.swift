import ArmsTraceDomain

extension DomainError {
    /// What a page says, on itself, when it refuses a step: the rules broken, the conflict, or why the member may not;
    /// `nil` for the errors that get the error page (not found, signed out).
    var pageProblem: String? {
        switch self {
        case .invalid(let errors): errors.map(\.message).joined(separator: "; ")
        case .conflict(let message), .forbidden(let message): message
        default: nil
        }
    }
}
