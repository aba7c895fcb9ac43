import KeelWire

/// The members of the cluster as the answering node knows them.
public struct ClusterMembership: Sendable, Hashable {
    /// Every voter and learner.
    public var members: [ClusterMember]
    /// The leader the answering node knows of, or 0.
    public var leaderID: UInt64

    /// Creates a membership description.
    public init(members: [ClusterMember], leaderID: UInt64) {
        self.members = members
        self.leaderID = leaderID
    }
}
