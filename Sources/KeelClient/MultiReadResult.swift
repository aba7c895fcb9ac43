/// The values of many keys read at once, from one state of the serving node.
public struct MultiReadResult: Sendable, Hashable {
    /// One entry per key asked for, in the same order: the value, or `nil` when the key is
    /// absent (an empty value is `[]`).
    public var values: [[UInt8]?]
    /// The serving node's applied log index when it read; every value is from that state.
    public var appliedIndex: UInt64

    /// Creates a multi-read result.
    public init(values: [[UInt8]?], appliedIndex: UInt64) {
        self.values = values
        self.appliedIndex = appliedIndex
    }
}
