/// `RaftLogStorage` in memory, for tests, the simulator and benchmarks. The driver calls its
/// mutating methods where a real driver would write to disk.
public final class MemoryLogStorage: RaftLogStorage {
    /// The persisted hard state.
    public private(set) var hardState: HardState
    /// The latest snapshot's metadata.
    public private(set) var snapshot: SnapshotMetadata
    // entries[0] has index snapshot.index + 1.
    private var stored: [Entry] = []

    /// Storage for a node of a new cluster whose initial members are `membership`, or,
    /// with an empty membership, for a node that waits to be added to an existing cluster.
    public init(membership: Membership) {
        hardState = HardState()
        snapshot = SnapshotMetadata(index: 0, term: 0, membership: membership)
    }

    public func initialState() -> (hardState: HardState, membership: Membership) {
        (hardState, snapshot.membership)
    }

    public func firstIndex() -> UInt64 { snapshot.index + 1 }

    public func lastIndex() -> UInt64 { snapshot.index + UInt64(stored.count) }

    public func term(at index: UInt64) -> UInt64? {
        if index == snapshot.index { return snapshot.term }
        guard index > snapshot.index, index <= lastIndex() else { return nil }
        return stored[Int(index - snapshot.index - 1)].term
    }

    public func entries(in range: Range<UInt64>, maxBytes: Int) -> [Entry] {
        precondition(range.lowerBound > snapshot.index && range.upperBound <= lastIndex() + 1, "range outside the log")
        let start = Int(range.lowerBound - snapshot.index - 1)
        let end = Int(range.upperBound - snapshot.index - 1)
        var bytes = 0
        var stop = start
        while stop < end {
            bytes += stored[stop].byteCount
            if bytes > maxBytes && stop > start { break }
            stop += 1
        }
        return Array(stored[start..<stop])
    }

    public func snapshotMetadata() -> SnapshotMetadata { snapshot }

    /// Persists a hard state.
    public func setHardState(_ hardState: HardState) {
        self.hardState = hardState
    }

    /// Persists entries, replacing any stored from the first new entry's index on.
    public func append(_ entries: [Entry]) {
        guard let first = entries.first else { return }
        precondition(first.index > snapshot.index && first.index <= lastIndex() + 1, "append would leave a gap")
        stored.removeSubrange(Int(first.index - snapshot.index - 1)...)
        stored.append(contentsOf: entries)
    }

    /// Installs a snapshot received from a leader: the whole log is replaced by it.
    public func applySnapshot(_ metadata: SnapshotMetadata) {
        snapshot = metadata
        stored.removeAll()
        if hardState.commit < metadata.index { hardState.commit = metadata.index }
    }

    /// Records a snapshot this node took (see `RaftNode.compact(upTo:)`) and drops the
    /// entries it covers.
    public func compact(to metadata: SnapshotMetadata) {
        guard metadata.index > snapshot.index else { return }
        precondition(metadata.index <= lastIndex(), "cannot compact beyond the log")
        stored.removeFirst(Int(metadata.index - snapshot.index))
        snapshot = metadata
    }
}
