/// A broken safety or liveness property, with where and when it was seen.
public struct InvariantViolation: Error, Sendable, Hashable, CustomStringConvertible {
    /// The properties the simulator checks.
    public enum Invariant: String, Sendable, Hashable {
        case electionSafety = "election safety"
        case logMatching = "log matching"
        case leaderCompleteness = "leader completeness"
        case stateMachineSafety = "state machine safety"
        case committedEntryDurability = "committed entry durability"
        case linearizableRead = "linearizable read"
        case applyOrder = "apply order"
        case liveness = "liveness"
        case coreFailure = "core failure"
    }

    /// The property that broke.
    public var invariant: Invariant
    /// The simulated tick at which it was seen.
    public var tick: Int
    /// What exactly was seen.
    public var detail: String

    public var description: String { "\(invariant.rawValue) violated at tick \(tick): \(detail)" }
}
