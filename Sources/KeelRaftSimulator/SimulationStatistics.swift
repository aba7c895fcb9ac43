/// Counters of one run, for a human checking that the faults did happen.
public struct SimulationStatistics: Sendable, Hashable, CustomStringConvertible {
    /// Ticks simulated, fault and heal phases together.
    public var ticks = 0
    /// Whether the run used lease reads.
    public var leaseReads = false
    /// Reads answered by a leader whose term was already superseded (0 unless something is wrong).
    public var readsServedByStaleLeaders = 0
    /// Messages handed to their destination.
    public var messagesDelivered = 0
    /// Messages lost to drops, cuts or down nodes.
    public var messagesDropped = 0
    /// Times a node became leader.
    public var leadersElected = 0
    /// Distinct log indexes seen committed.
    public var entriesCommitted = 0
    /// Node crashes.
    public var crashes = 0
    /// Network partitions started.
    public var partitions = 0
    /// Snapshots installed by followers.
    public var snapshotsInstalled = 0
    /// Log compactions.
    public var compactions = 0
    /// Membership changes committed.
    public var membershipChanges = 0
    /// Leadership transfers started.
    public var leadershipTransfers = 0
    /// Linearizable reads answered.
    public var readsServed = 0
    /// `Ready`s whose write took several ticks while the node kept stepping.
    public var slowWrites = 0
    /// Messages sent, and reads confirmed, while their node's write was under way.
    public var messagesSentWhileWriting = 0
    public var readsConfirmedWhileWriting = 0
    /// Ticks from the heal to the first leader.
    public var ticksToLeaderAfterHeal = 0

    /// All counters at zero.
    public init() {}

    public var description: String {
        "ticks=\(ticks) lease=\(leaseReads) stale-reads=\(readsServedByStaleLeaders) delivered=\(messagesDelivered) dropped=\(messagesDropped) leaders=\(leadersElected) "
            + "committed=\(entriesCommitted) crashes=\(crashes) partitions=\(partitions) "
            + "snapshots=\(snapshotsInstalled) compactions=\(compactions) membership=\(membershipChanges) "
            + "transfers=\(leadershipTransfers) reads=\(readsServed) "
            + "slow-writes=\(slowWrites) sent-while-writing=\(messagesSentWhileWriting) "
            + "reads-while-writing=\(readsConfirmedWhileWriting) heal-leader-ticks=\(ticksToLeaderAfterHeal)"
    }
}
