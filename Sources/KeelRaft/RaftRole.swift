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
