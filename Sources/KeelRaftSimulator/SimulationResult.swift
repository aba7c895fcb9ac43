/// The outcome of one simulated run.
public struct SimulationResult: Sendable, Hashable {
    /// The seed that was run.
    public var seed: UInt64
    /// The invariant that broke, if any.
    public var violation: InvariantViolation?
    /// A hash of every event of the run: equal for replays of the same seed.
    public var traceHash: UInt64
    /// Counters describing what happened.
    public var statistics: SimulationStatistics

    /// Whether every invariant held and the cluster recovered after the faults.
    public var passed: Bool { violation == nil }
}
