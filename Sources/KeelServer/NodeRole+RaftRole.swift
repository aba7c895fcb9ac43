import KeelRaft
import KeelWire

/// The wire's role for the core's role.
extension NodeRole {
    init(_ role: RaftRole) {
        switch role {
        case .follower: self = .follower
        case .preCandidate: self = .preCandidate
        case .candidate: self = .candidate
        case .leader: self = .leader
        }
    }
}
