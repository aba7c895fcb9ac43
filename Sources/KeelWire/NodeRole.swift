import CKeelProto

/// The Raft role a node reports in its ``NodeStatus``.
public enum NodeRole: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Not reported (an older or newer node).
    case unspecified = 0
    case follower = 1
    /// Collecting pre-votes before campaigning.
    case preCandidate = 2
    case candidate = 3
    case leader = 4

    public var description: String {
        switch self {
        case .unspecified: "unspecified"
        case .follower: "follower"
        case .preCandidate: "pre-candidate"
        case .candidate: "candidate"
        case .leader: "leader"
        }
    }

    init(_ value: Keel__NodeRole) {
        self = NodeRole(rawValue: Int32(truncatingIfNeeded: value.rawValue)) ?? .unspecified
    }

    var cValue: Keel__NodeRole {
        Keel__NodeRole(rawValue: .init(truncatingIfNeeded: self.rawValue))
    }
}
