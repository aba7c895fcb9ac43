import KeelRaft
import KeelStore
import Logging

/// Turns a node's data into that of a new one-node cluster, for when a quorum is lost for
/// good (what etcd calls force-new-cluster).
///
/// The node keeps everything it knows to be committed: committed entries not yet in the state
/// machine are applied first, then the log is replaced by a snapshot at the commit index
/// whose membership is this node alone. Entries after the commit index are discarded: no
/// quorum acknowledged them to this node, and one of them may conflict with what another
/// node committed. The term is kept, so the node's next election moves on from it.
///
/// This breaks Raft's guarantees on purpose: writes acknowledged by the lost nodes but not
/// yet replicated here are gone. The operator must never restart the other old members with
/// their old data; they join again as new, empty nodes.
struct SingleNodeRecovery {
    /// What the rewrite did, for the log.
    struct Outcome: Equatable {
        /// The index the new cluster starts from.
        var index: UInt64
        var term: UInt64
        /// Committed entries applied to the state machine during recovery.
        var applied: UInt64
        /// Entries after the commit index that were thrown away.
        var discarded: UInt64
    }

    let nodeID: UInt64
    let storage: RocksDBLogStorage
    let store: KeelStore
    let logger: Logger

    /// Rewrites the data; run it before the Raft core is created.
    /// - Throws: ``SingleNodeRecoveryError`` when there is nothing to recover; RocksDB errors.
    func run() throws -> Outcome {
        let snapshot = storage.snapshotMetadata()
        let hardState = storage.hardState
        guard snapshot.index > 0 || storage.lastIndex() > 0 || hardState.term > 0 else {
            throw SingleNodeRecoveryError("the data directory holds no Raft log to recover from")
        }
        // The stored commit index may lag what this node already applied (it is persisted
        // with the next Ready); applied entries were committed, so they count too.
        let commit = max(min(max(hardState.commit, snapshot.index), storage.lastIndex()), store.appliedIndex)
        let start = max(store.appliedIndex, snapshot.index) + 1
        var applied: UInt64 = 0
        var next = start
        while next <= commit {
            let entries = storage.entries(in: next..<(commit + 1), maxBytes: 16 << 20)
            let committed = entries.map { CommittedEntry(index: $0.index, data: $0.kind == .normal ? $0.data : []) }
            _ = try store.apply(committed, sync: true)
            applied += UInt64(entries.count)
            next += UInt64(entries.count)
        }
        let term = storage.term(at: commit) ?? snapshot.term
        let metadata = SnapshotMetadata(index: commit, term: term, membership: Membership(voters: [nodeID]))
        let discarded = storage.lastIndex() > commit ? storage.lastIndex() - commit : 0
        try storage.resetToSingleVoter(nodeID, snapshot: metadata)
        let outcome = Outcome(index: commit, term: term, applied: applied, discarded: discarded)
        logger.notice("forced a new one-node cluster from this node's data", metadata: [
            "raft.snapshot.index": "\(outcome.index)", "raft.snapshot.term": "\(outcome.term)",
            "raft.entries.applied": "\(outcome.applied)", "raft.entries.discarded": "\(outcome.discarded)",
        ])
        return outcome
    }
}

/// ``SingleNodeRecovery`` found nothing to recover.
struct SingleNodeRecoveryError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
