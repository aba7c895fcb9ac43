import KeelRaft

/// The replicated state of a simulated node: the client request ids applied so far (each
/// applied once, like a session table) and a running digest of everything applied.
struct SimulatedStateMachine {
    var appliedIndex: UInt64 = 0
    var digest: UInt64 = 0
    var requestIDs: Set<UInt64> = []

    /// Applies one committed entry; returns false when it is not the next index.
    mutating func apply(_ entry: Entry) -> Bool {
        guard entry.index == appliedIndex + 1 else { return false }
        appliedIndex = entry.index
        if entry.kind == .normal, let requestID = Self.requestID(of: entry.data) {
            // Deduplicate retried proposals, as client sessions do (thesis 6.3).
            if requestIDs.insert(requestID).inserted {
                digest = digest &* 31 &+ requestID
            }
        }
        return true
    }

    static func payload(for requestID: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: requestID >> ($0 * 8)) }
    }

    static func requestID(of data: [UInt8]) -> UInt64? {
        guard data.count == 8 else { return nil }
        var value: UInt64 = 0
        for (position, byte) in data.enumerated() { value |= UInt64(byte) << (position * 8) }
        return value
    }
}
