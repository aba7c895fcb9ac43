/// A snapshot a node took on request; its log is compacted behind it.
public struct SnapshotTaken: Sendable, Hashable {
    /// The log index the snapshot covers.
    public var index: UInt64
    /// The term of the entry at ``index``.
    public var term: UInt64

    /// Creates a snapshot result.
    public init(index: UInt64, term: UInt64) {
        self.index = index
        self.term = term
    }
}
