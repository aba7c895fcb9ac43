/// Why the core refused an input.
public enum RaftError: Error, Sendable, Hashable {
    /// Only the leader accepts this input; `leaderHint` is the leader this node knows of, or 0.
    case notLeader(leaderHint: UInt64)
    /// The leader is handing leadership to `target` and takes no proposals meanwhile.
    case leadershipTransferInProgress(target: UInt64)
    /// The uncommitted entries already exceed `maxUncommittedBytes`; retry later.
    case uncommittedBacklogFull(leaderHint: UInt64)
    /// A membership change is appended but not yet committed: one at a time.
    case configurationChangeInProgress
    /// A new leader must commit an entry of its own term before it changes the membership
    /// (the fix for the single-server change bug, raft-dev 2015).
    case noCommitInCurrentTerm
    /// The node is already a voter or learner.
    case alreadyMember(UInt64)
    /// The node is not in the membership.
    case notAMember(UInt64)
    /// Only learners can be promoted.
    case notALearner(UInt64)
    /// The learner has not yet replicated the committed log; promoting it now would add a
    /// voter that cannot help form a quorum.
    case learnerNotCaughtUp(UInt64)
    /// Removing the only voter would leave a group that can never elect a leader.
    case cannotRemoveLastVoter
    /// Node id 0 means "none" and cannot be a member.
    case invalidNodeID
    /// Leadership can only move to a voter other than the leader.
    case invalidTransferTarget(UInt64)
    /// A message addressed to another node, or from node 0.
    case misaddressedMessage
    /// `compact(upTo:)` beyond what the state machine applied.
    case compactionBeyondApplied(index: UInt64, applied: UInt64)
    /// `compact(upTo:)` at or below the current snapshot.
    case alreadyCompacted(index: UInt64)
    /// The configuration is inconsistent; the string says which rule it breaks.
    case invalidConfiguration(String)
    /// The bytes of a configuration change entry do not decode.
    case malformedConfigurationEntry
}
