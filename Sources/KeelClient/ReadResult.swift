/// A value read together with how fresh the read was.
public struct ReadResult: Sendable, Hashable {
    /// The value, or `nil` when the key is absent (an empty value is `[]`).
    public var value: [UInt8]?
    /// The serving node's applied log index when it read: with ``ReadConsistency/stale``
    /// reads, compare it with a write's applied index to tell whether the read saw the write.
    public var appliedIndex: UInt64

    /// Creates a read result.
    public init(value: [UInt8]?, appliedIndex: UInt64) {
        self.value = value
        self.appliedIndex = appliedIndex
    }
}
