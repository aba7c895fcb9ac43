/// The state a node must persist before it answers anyone (Raft paper, Figure 2).
public struct HardState: Sendable, Hashable {
    /// The latest term this node has seen.
    public var term: UInt64
    /// The node this node voted for in `term`, or 0.
    public var vote: UInt64
    /// The highest log index known to be committed. Persisting it is an optimisation
    /// (it lets a restarted node apply without waiting for a leader); it needs no fsync.
    public var commit: UInt64

    /// Creates a hard state.
    public init(term: UInt64 = 0, vote: UInt64 = 0, commit: UInt64 = 0) {
        self.term = term
        self.vote = vote
        self.commit = commit
    }
}
