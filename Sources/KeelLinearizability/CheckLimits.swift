/// Bounds on the work spent per key, so that a pathological history ends as `unknown`.
public struct CheckLimits: Hashable, Sendable {
    /// Search steps allowed for one search over one key's operations (each attempt to
    /// linearize or undo an operation is a step). Finding the failing window runs a few more
    /// searches, each with this budget.
    public var maxSteps: Int
    /// Approximate bytes the remembered configurations of one search may take; the search
    /// ends as `unknown` beyond it rather than exhaust the machine's memory.
    public var memoryBudget: Int
    /// Wall-clock time allowed for one key, or `nil` for no limit.
    public var timeLimit: Duration?
    /// How many operations completed before the failing one a failure report lists.
    public var precedingOperations: Int

    /// - Parameters:
    ///   - maxSteps: search steps per search; the default takes seconds, not hours.
    ///   - memoryBudget: approximate bytes of remembered configurations per search.
    ///   - timeLimit: wall-clock time per key, or `nil`.
    ///   - precedingOperations: operations before a failure to show in its report.
    public init(
        maxSteps: Int = 10_000_000, memoryBudget: Int = 1 << 30, timeLimit: Duration? = nil, precedingOperations: Int = 8
    ) {
        self.maxSteps = maxSteps
        self.memoryBudget = memoryBudget
        self.timeLimit = timeLimit
        self.precedingOperations = precedingOperations
    }
}
