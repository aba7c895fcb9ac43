/// The role a node plays in the current term.
public enum RaftRole: UInt8, Sendable, Hashable, CustomStringConvertible {
    case follower
    /// Collecting pre-votes (thesis 9.6) without having changed its term.
    case preCandidate
    case candidate
    case leader

    public var description: String {
        switch self {
        case .follower: "follower"
        case .preCandidate: "pre-candidate"
        case .candidate: "candidate"
        case .leader: "leader"
        }
    }
}

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
