/// What a leader knows of one follower's log.
public struct FollowerProgress: Sendable, Hashable {
    /// The follower's node id.
    public var nodeID: UInt64
    /// The highest index known to be in the follower's log.
    public var matchIndex: UInt64
    /// The next index the leader will send.
    public var nextIndex: UInt64

    /// Creates a progress report.
    public init(nodeID: UInt64, matchIndex: UInt64, nextIndex: UInt64) {
        self.nodeID = nodeID
        self.matchIndex = matchIndex
        self.nextIndex = nextIndex
    }
}
