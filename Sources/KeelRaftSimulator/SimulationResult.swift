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

/// Counters of one run, for a human checking that the faults did happen.
public struct SimulationStatistics: Sendable, Hashable, CustomStringConvertible {
    public var ticks = 0
    public var leaseReads = false
    public var readsServedByStaleLeaders = 0
    public var messagesDelivered = 0
    public var messagesDropped = 0
    public var leadersElected = 0
    public var entriesCommitted = 0
    public var crashes = 0
    public var partitions = 0
    public var snapshotsInstalled = 0
    public var compactions = 0
    public var membershipChanges = 0
    public var leadershipTransfers = 0
    public var readsServed = 0
    public var ticksToLeaderAfterHeal = 0

    public init() {}

    public var description: String {
        "ticks=\(ticks) lease=\(leaseReads) stale-reads=\(readsServedByStaleLeaders) delivered=\(messagesDelivered) dropped=\(messagesDropped) leaders=\(leadersElected) "
            + "committed=\(entriesCommitted) crashes=\(crashes) partitions=\(partitions) "
            + "snapshots=\(snapshotsInstalled) compactions=\(compactions) membership=\(membershipChanges) "
            + "transfers=\(leadershipTransfers) reads=\(readsServed) heal-leader-ticks=\(ticksToLeaderAfterHeal)"
    }
}
