import CKeelProto

/// A node's answer to ``AdminOperation/status``.
public struct NodeStatus: Sendable, Hashable {
    /// The answering node.
    public var nodeID: UInt64
    /// Its Raft role.
    public var role: NodeRole
    /// Its current term.
    public var term: UInt64
    /// The leader it knows of, or 0.
    public var leaderID: UInt64
    /// The leader's client address, or empty.
    public var leaderAddress: String
    /// The highest log index known to be committed.
    public var commitIndex: UInt64
    /// The highest log index applied to the state machine.
    public var appliedIndex: UInt64
    /// The index of the last entry in its log.
    public var lastLogIndex: UInt64
    /// The index its latest snapshot covers.
    public var snapshotIndex: UInt64
    /// On the leader: every other member's replication progress; empty elsewhere.
    public var followers: [FollowerProgress]
    /// Whether the node is a voter (false for a learner or a node not yet added).
    public var isVoter: Bool

    /// Creates a status report.
    public init(
        nodeID: UInt64, role: NodeRole, term: UInt64, leaderID: UInt64, leaderAddress: String,
        commitIndex: UInt64, appliedIndex: UInt64, lastLogIndex: UInt64, snapshotIndex: UInt64,
        followers: [FollowerProgress], isVoter: Bool
    ) {
        self.nodeID = nodeID
        self.role = role
        self.term = term
        self.leaderID = leaderID
        self.leaderAddress = leaderAddress
        self.commitIndex = commitIndex
        self.appliedIndex = appliedIndex
        self.lastLogIndex = lastLogIndex
        self.snapshotIndex = snapshotIndex
        self.followers = followers
        self.isVoter = isVoter
    }

    func cMessage(in arena: CMessageArena) -> UnsafeMutablePointer<Keel__StatusResult> {
        let message = arena.message(keel__status_result__init)
        message.pointee.node_id = self.nodeID
        message.pointee.role = self.role.cValue
        message.pointee.term = self.term
        message.pointee.leader_id = self.leaderID
        message.pointee.leader_address = arena.cString(self.leaderAddress)
        message.pointee.commit_index = self.commitIndex
        message.pointee.applied_index = self.appliedIndex
        message.pointee.last_log_index = self.lastLogIndex
        message.pointee.snapshot_index = self.snapshotIndex
        let followers = self.followers.map { follower -> UnsafeMutablePointer<Keel__FollowerProgress>? in
            let progress = arena.message(keel__follower_progress__init)
            progress.pointee.node_id = follower.nodeID
            progress.pointee.match_index = follower.matchIndex
            progress.pointee.next_index = follower.nextIndex
            return progress
        }
        message.pointee.n_followers = followers.count
        message.pointee.followers = arena.array(followers)
        message.pointee.voter = self.isVoter ? 1 : 0
        return message
    }

    init(_ message: Keel__StatusResult, reader: CFieldReader) throws(WireDecodingError) {
        self.nodeID = message.node_id
        self.role = NodeRole(message.role)
        self.term = message.term
        self.leaderID = message.leader_id
        self.leaderAddress = try reader.string(message.leader_address, field: "status.leader_address")
        self.commitIndex = message.commit_index
        self.appliedIndex = message.applied_index
        self.lastLogIndex = message.last_log_index
        self.snapshotIndex = message.snapshot_index
        self.followers = try reader.messages(message.followers, count: message.n_followers, field: "status.followers") {
            progress throws(WireDecodingError) -> FollowerProgress in
            FollowerProgress(nodeID: progress.node_id, matchIndex: progress.match_index, nextIndex: progress.next_index)
        }
        self.isVoter = message.voter != 0
    }
}
