import KeelWire

/// The outcome of a committed membership change (add learner, promote, remove).
public struct MembershipChange: Sendable, Hashable {
    /// Every member after the change.
    public var members: [ClusterMember]
    /// The log index of the change's entry.
    public var appliedIndex: UInt64

    /// Creates a membership change result.
    public init(members: [ClusterMember], appliedIndex: UInt64) {
        self.members = members
        self.appliedIndex = appliedIndex
    }
}
