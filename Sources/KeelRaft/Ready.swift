/// Everything the core asks the driver to do, collected since the last `advance(_:)`.
///
/// The driver handles a `Ready` in this order, then calls `RaftNode.advance(_:)`:
/// 1. send `messages` (they may go out before or while the disk is written);
/// 2. persist `hardState`, `snapshot` and `entries` (appending `entries` replaces any stored
///    entries from `entries.first.index` on); fsync if `mustSync`;
/// 3. send `persistedMessages` (only after step 2 is durable);
/// 4. install `snapshot` into the state machine, then apply `committedEntries` in order;
/// 5. serve `readStates` once the state machine has applied up to each one's index.
///
/// `messages` holds what a leader sends to replicate (append, heartbeat, snapshot,
/// timeoutNow) and pre-votes. A leader may send its AppendEntries before its own fsync
/// completes (thesis 10.2.1) because it counts itself towards a quorum only once `advance`
/// confirms its entries are durable. `persistedMessages` holds votes and acknowledgements,
/// which promise that the sender has recorded its vote or entries: sending one before the
/// fsync would let a crash break that promise (a node could vote twice in one term).
public struct Ready: Sendable {
    /// Role and leader, when they changed since the previous `Ready`.
    public var softState: SoftState?
    /// Term, vote and commit, when they changed since the previous `Ready`.
    public var hardState: HardState?
    /// Entries to append to stable storage.
    public var entries: [Entry]
    /// Whether the writes of this `Ready` need an fsync before `persistedMessages` go out
    /// (false when only the commit index changed).
    public var mustSync: Bool
    /// A snapshot received from the leader, to persist and install.
    public var snapshot: SnapshotMetadata?
    /// Messages that may be sent at once.
    public var messages: [Message]
    /// Messages to send once this `Ready`'s writes are durable.
    public var persistedMessages: [Message]
    /// Committed entries to apply, in order.
    public var committedEntries: [Entry]
    /// Reads that became safe to serve once applied up to their index.
    public var readStates: [ReadState]

    /// Whether there is nothing at all to do.
    public var isEmpty: Bool {
        softState == nil && hardState == nil && entries.isEmpty && snapshot == nil && messages.isEmpty
            && persistedMessages.isEmpty && committedEntries.isEmpty && readStates.isEmpty
    }
}
