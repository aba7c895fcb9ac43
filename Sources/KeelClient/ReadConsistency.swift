import KeelWire

/// How fresh a read must be. See docs/client.md for when to choose which.
public enum ReadConsistency: Sendable, Hashable, CaseIterable {
    /// The default: the read reflects every write acknowledged before it began. Served by the
    /// leader after it confirms its leadership with a heartbeat round (ReadIndex).
    case linearizable
    /// Served by the leader without a heartbeat round while its lease holds. Linearizable
    /// unless clocks drift more than the cluster's configured bound; cheaper than
    /// ``linearizable``.
    case lease
    /// Served by any node from its own applied state, spread across all nodes. May miss
    /// recent writes; the result's applied index tells how fresh it was.
    case stale

    var wireValue: Consistency {
        switch self {
        case .linearizable:
            return .linearizable
        case .lease:
            return .lease
        case .stale:
            return .stale
        }
    }

    var route: RequestRoute {
        self == .stale ? .anyNode : .leader
    }
}
