/// Describes a snapshot of the state machine: the log position it covers and the
/// membership in force at that position. The state-machine data itself is produced,
/// streamed and installed by the driver; the core only handles this description.
public struct SnapshotMetadata: Sendable, Hashable {
    /// The index of the last entry the snapshot contains.
    public var index: UInt64
    /// The term of that entry.
    public var term: UInt64
    /// The membership at `index`.
    public var membership: Membership

    /// Creates snapshot metadata.
    public init(index: UInt64, term: UInt64, membership: Membership) {
        self.index = index
        self.term = term
        self.membership = membership
    }
}
