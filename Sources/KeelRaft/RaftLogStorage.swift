/// Read access to what the driver has persisted: the log after the latest snapshot, the hard
/// state, and the snapshot's metadata. The core never writes to it; the driver does, when it
/// handles a `Ready`.
///
/// The log is `firstIndex...lastIndex`; the entry just before it (`firstIndex - 1`) is the
/// snapshot's, whose term `term(at:)` still answers. Storage failures are not recoverable by
/// the core: an implementation backed by a disk should stop the process on an IO error, as
/// continuing could break the promises the node made to its peers.
public protocol RaftLogStorage {
    /// The persisted hard state and the membership stored with the latest snapshot (the
    /// bootstrap membership for a new cluster, empty for a node that will be added). The
    /// core reads the log after the snapshot for later membership changes.
    func initialState() -> (hardState: HardState, membership: Membership)
    /// The index of the first entry still in the log (the snapshot's index + 1).
    func firstIndex() -> UInt64
    /// The index of the last persisted entry (the snapshot's index when the log is empty).
    func lastIndex() -> UInt64
    /// The term of the entry at `index`, for `firstIndex - 1 ... lastIndex`; nil outside.
    func term(at index: UInt64) -> UInt64?
    /// Entries in `range`, which lies within `firstIndex...lastIndex`, stopping once their
    /// `byteCount`s exceed `maxBytes` (always at least one entry).
    func entries(in range: Range<UInt64>, maxBytes: Int) -> [Entry]
    /// The latest snapshot's metadata.
    func snapshotMetadata() -> SnapshotMetadata
}
