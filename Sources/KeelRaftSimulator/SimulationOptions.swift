/// What one simulated run looks like. Everything else is drawn from `seed`.
public struct SimulationOptions: Sendable, Hashable {
    /// The seed of the run; equal options give byte-for-byte equal runs.
    public var seed: UInt64
    /// Initial voters (3 or 5); two spare nodes can be added as learners during the run.
    public var nodeCount: Int
    /// Ticks with faults (crashes, partitions, lossy network) before the heal phase.
    public var faultTicks: Int
    /// Ticks the heal phase may take to elect a leader and commit every pending proposal.
    public var healTicks: Int
    /// Inject faults; without them the run checks the fault-free path.
    public var faults: Bool

    /// Creates options.
    public init(seed: UInt64, nodeCount: Int = 3, faultTicks: Int = 2000, healTicks: Int = 600, faults: Bool = true) {
        self.seed = seed
        self.nodeCount = nodeCount
        self.faultTicks = faultTicks
        self.healTicks = healTicks
        self.faults = faults
    }
}
