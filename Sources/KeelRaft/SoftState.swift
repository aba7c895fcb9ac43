/// Volatile state the driver may want to observe; it is never persisted.
public struct SoftState: Sendable, Hashable {
    /// The role of this node.
    public var role: RaftRole
    /// The leader this node currently follows (itself when leader), or 0 when unknown.
    public var leader: UInt64

    /// Creates a soft state.
    public init(role: RaftRole, leader: UInt64) {
        self.role = role
        self.leader = leader
    }
}
