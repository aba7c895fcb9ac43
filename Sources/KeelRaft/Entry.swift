/// One entry of the replicated log.
public struct Entry: Sendable, Hashable {
    /// The term of the leader that created the entry.
    public var term: UInt64
    /// The position of the entry in the log, starting at 1.
    public var index: UInt64
    /// How the driver must treat `data`.
    public var kind: EntryKind
    /// The payload; opaque to Raft for `.normal` entries.
    public var data: [UInt8]

    /// Creates an entry.
    public init(term: UInt64, index: UInt64, kind: EntryKind = .normal, data: [UInt8] = []) {
        self.term = term
        self.index = index
        self.kind = kind
        self.data = data
    }

    /// The size counted against byte limits (message size, uncommitted backlog).
    @inlinable
    public var byteCount: Int { data.count + 24 }
}
