/// Tuning and feature switches of one `RaftNode`.
public struct RaftConfiguration: Sendable, Hashable {
    /// Ticks a follower waits without hearing from a leader before it campaigns; the actual
    /// timeout is drawn from `electionTicks..<2*electionTicks`. Also the check-quorum period
    /// and the leadership-transfer deadline.
    public var electionTicks: Int = 10
    /// Ticks between a leader's heartbeats; must be below `electionTicks`.
    public var heartbeatTicks: Int = 1
    /// Run a pre-vote round before campaigning (thesis 9.6), so that a node that was cut off
    /// does not bump everyone's term when it comes back.
    public var preVote: Bool = true
    /// A leader steps down when it has not heard from a quorum for `electionTicks`, and a
    /// node that heard from a leader within `electionTicks` ignores vote requests (thesis
    /// 4.2.3, 6.2): this keeps removed or partitioned servers from disrupting the cluster.
    public var checkQuorum: Bool = true
    /// Upper bound on the entry bytes of one AppendEntries (at least one entry is sent).
    public var maxBytesPerMessage: Int = 1 << 20
    /// AppendEntries a leader keeps in flight to one follower in the replicate state.
    public var maxInflightMessages: Int = 256
    /// The leader refuses proposals while its uncommitted entries exceed this many bytes.
    public var maxUncommittedBytes: Int = 64 << 20
    /// Upper bound on the bytes of committed entries handed out in one `Ready`.
    public var maxApplyBytesPerReady: Int = 64 << 20
    /// Serve `readIndex` from the leader lease without a heartbeat round (thesis 6.4.1).
    /// Requires `checkQuorum`. Safe only if clocks drift by less than
    /// `leaseClockDriftTicks` per election timeout; off by default.
    public var leaseReads: Bool = false
    /// How much shorter than `electionTicks` the lease is.
    public var leaseClockDriftTicks: Int = 2
    /// Seed of the generator that randomises election timeouts.
    public var randomSeed: UInt64 = 0

    /// The defaults above.
    public init() {}

    /// Checks the rules stated on each property.
    /// - Throws: `RaftError.invalidConfiguration` naming the first rule broken.
    public func validate() throws(RaftError) {
        guard heartbeatTicks >= 1 else { throw .invalidConfiguration("heartbeatTicks must be at least 1") }
        guard electionTicks > heartbeatTicks else {
            throw .invalidConfiguration("electionTicks must be greater than heartbeatTicks")
        }
        guard maxBytesPerMessage > 0, maxInflightMessages > 0, maxUncommittedBytes > 0, maxApplyBytesPerReady > 0 else {
            throw .invalidConfiguration("size and inflight limits must be positive")
        }
        if leaseReads {
            guard checkQuorum else { throw .invalidConfiguration("leaseReads requires checkQuorum") }
            guard leaseClockDriftTicks >= 1, leaseClockDriftTicks < electionTicks else {
                throw .invalidConfiguration("leaseClockDriftTicks must be in 1..<electionTicks")
            }
        }
    }
}
