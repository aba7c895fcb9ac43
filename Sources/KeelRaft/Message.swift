/// A message between two Raft nodes. Plain data: the driver translates it to its wire format.
///
/// One flat shape serves every kind; each field documents which kinds use it.
public struct Message: Sendable, Hashable {
    /// The kinds of messages the core exchanges.
    public enum Kind: UInt8, Sendable, Hashable, CaseIterable {
        /// "Would you vote for me in `term`?" (thesis 9.6); `term` is the term the sender
        /// would campaign in, its own term is unchanged.
        case preVote
        case preVoteResponse
        case vote
        case voteResponse
        /// AppendEntries.
        case append
        case appendResponse
        /// Keeps followers from campaigning, advances their commit, confirms read rounds.
        case heartbeat
        case heartbeatResponse
        /// InstallSnapshot, metadata only; the driver streams the data.
        case snapshot
        /// Tells a caught-up follower to campaign at once (leadership transfer, thesis 3.10).
        case timeoutNow
    }

    public var kind: Kind
    public var from: UInt64
    public var to: UInt64
    /// The sender's term, except for pre-votes and granted pre-vote responses, which carry
    /// the term the pre-candidate would use.
    public var term: UInt64
    /// append: term of the entry at `index`; vote and preVote: term of the last entry.
    public var logTerm: UInt64
    /// append: index preceding `entries`; vote and preVote: last log index;
    /// appendResponse: last index known to match (accepted) or the rejected `index`.
    public var index: UInt64
    /// append: the entries to add after `index`.
    public var entries: [Entry]
    /// append and heartbeat: the leader's commit index (for heartbeats, capped at what the
    /// follower is known to hold).
    public var commit: UInt64
    /// Responses: whether the request was refused.
    public var reject: Bool
    /// Rejected appendResponse: the term of the follower's last entry at or below the
    /// rejected index whose term is not newer than the leader's entry there, or 0 when its
    /// log is shorter.
    public var conflictTerm: UInt64
    /// Rejected appendResponse: the first index of `conflictTerm` in the follower's log, or
    /// its last index + 1 when its log is shorter.
    public var conflictIndex: UInt64
    /// heartbeat and heartbeatResponse: the read round the heartbeat confirms.
    public var context: UInt64
    /// snapshot: what to install.
    public var snapshot: SnapshotMetadata?
    /// vote: the campaign follows a TimeoutNow, so voters skip the leader-lease check.
    public var isLeadershipTransfer: Bool

    /// Creates a message; fields a kind does not use stay at their zero value.
    public init(
        kind: Kind, from: UInt64, to: UInt64, term: UInt64,
        logTerm: UInt64 = 0, index: UInt64 = 0, entries: [Entry] = [], commit: UInt64 = 0,
        reject: Bool = false, conflictTerm: UInt64 = 0, conflictIndex: UInt64 = 0,
        context: UInt64 = 0, snapshot: SnapshotMetadata? = nil, isLeadershipTransfer: Bool = false
    ) {
        self.kind = kind
        self.from = from
        self.to = to
        self.term = term
        self.logTerm = logTerm
        self.index = index
        self.entries = entries
        self.commit = commit
        self.reject = reject
        self.conflictTerm = conflictTerm
        self.conflictIndex = conflictIndex
        self.context = context
        self.snapshot = snapshot
        self.isLeadershipTransfer = isLeadershipTransfer
    }

    /// Whether the sender may only send this message once its hard state and entries of the
    /// same `Ready` are durable: votes and acknowledgements promise something about the disk.
    ///
    /// A heartbeat response promises nothing about the disk: it says that, when it was sent,
    /// the follower was in the leader's term and so had voted for no later leader, which
    /// holds whether or not that term is on disk yet (a follower that forgets a term it only
    /// heard about has cast no vote in it). It carries no index. So it goes out at once, and
    /// a ReadIndex round does not wait for a follower's fsync (etcd sends it early as well).
    public var requiresDurableState: Bool {
        switch kind {
        case .vote, .voteResponse, .appendResponse: true
        case .preVote, .preVoteResponse, .append, .heartbeat, .heartbeatResponse, .snapshot, .timeoutNow: false
        }
    }
}
