import KeelClient

/// What every node said about itself at one moment, and what follows from it: the leader,
/// each node's lag, whether a quorum answers.
struct ClusterSurvey: Sendable {
    struct Node: Sendable {
        var endpoint: KeelEndpoint
        var status: Result<NodeStatus, KeelError>

        var reported: NodeStatus? { try? status.get() }
    }

    var nodes: [Node]
    /// The membership as the leader reported it, when it could be asked.
    var members: ClusterMembership?

    var reachable: [NodeStatus] { nodes.compactMap(\.reported) }

    /// The node that says it leads, in the highest term if two do (an old leader that has
    /// not heard of the new term yet).
    var leader: NodeStatus? {
        reachable.filter { $0.role == .leader }.max { $0.term < $1.term }
    }

    /// How many log entries `status`'s node is behind the leader: the leader's last index
    /// minus what the leader knows the node has (its match index), or minus what the node
    /// applied when the leader has no progress for it. Nil without a leader.
    func lag(of status: NodeStatus?, endpoint: KeelEndpoint) -> UInt64? {
        guard let leader else { return nil }
        if let status, status.nodeID == leader.nodeID { return 0 }
        let id = status?.nodeID ?? members?.members.first { (try? KeelEndpoint(parsing: $0.clientAddress)) == endpoint }?.nodeID
        if let id, let progress = leader.followers.first(where: { $0.nodeID == id }) {
            return leader.lastLogIndex > progress.matchIndex ? leader.lastLogIndex - progress.matchIndex : 0
        }
        guard let status else { return nil }
        return leader.commitIndex > status.appliedIndex ? leader.commitIndex - status.appliedIndex : 0
    }

    /// The voters as the leader sees them, or as the answering nodes claim to be.
    var voterIDs: Set<UInt64> {
        if let members { return Set(members.members.filter(\.isVoter).map(\.nodeID)) }
        return Set(reachable.filter(\.isVoter).map(\.nodeID))
    }

    /// Whether a majority of the voters answered.
    var quorumAnswers: Bool {
        let voters = voterIDs
        guard !voters.isEmpty else { return false }
        let answering = reachable.filter { voters.contains($0.nodeID) }.count
        return answering * 2 > voters.count
    }
}
