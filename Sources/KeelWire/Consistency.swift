import CKeelProto

/// How fresh a read must be.
public enum Consistency: Int32, Sendable, Hashable, CaseIterable {
    /// Reflects every write acknowledged before the read began (ReadIndex on the leader).
    case linearizable = 0
    /// Served by the leader while its lease holds, without a heartbeat round; linearizable
    /// unless clocks drift more than the configured bound.
    case lease = 1
    /// Served by any node from its own applied state; may miss recent writes. The result
    /// carries the node's applied index.
    case stale = 2

    init(_ value: Keel__Consistency, reader: CFieldReader, field: String) throws(WireDecodingError) {
        guard let consistency = Consistency(rawValue: Int32(truncatingIfNeeded: value.rawValue)) else {
            throw reader.invalid(field, "unknown consistency \(Int32(truncatingIfNeeded: value.rawValue))")
        }
        self = consistency
    }

    var cValue: Keel__Consistency {
        Keel__Consistency(rawValue: .init(truncatingIfNeeded: self.rawValue))
    }
}
