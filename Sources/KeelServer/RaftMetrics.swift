import KeelRaft
import Metrics

/// The consensus driver's metrics, all named `keel_raft_...`.
struct RaftMetrics: Sendable {
    /// 1 for the role the node has now, 0 for the others (`keel_raft_role{role="leader"}`).
    private let roles: [(role: RaftRole, gauge: Gauge)] = [
        (.follower, Gauge(label: "keel_raft_role", dimensions: [("role", "follower")])),
        (.preCandidate, Gauge(label: "keel_raft_role", dimensions: [("role", "pre_candidate")])),
        (.candidate, Gauge(label: "keel_raft_role", dimensions: [("role", "candidate")])),
        (.leader, Gauge(label: "keel_raft_role", dimensions: [("role", "leader")])),
    ]
    let term = Gauge(label: "keel_raft_term")
    /// The leader this node knows of, 0 while it knows none.
    let leaderID = Gauge(label: "keel_raft_leader_id")
    let commitIndex = Gauge(label: "keel_raft_commit_index")
    let appliedIndex = Gauge(label: "keel_raft_applied_index")
    let lastLogIndex = Gauge(label: "keel_raft_last_log_index")
    let snapshotIndex = Gauge(label: "keel_raft_snapshot_index")
    /// Writes and membership changes handed to the core on this node.
    let proposals = Counter(label: "keel_raft_proposals_total")
    /// Time of one synced write batch of the Raft log.
    let fsyncLatency = Timer(label: Self.fsyncLabel, preferredDisplayUnit: .milliseconds)
    static let fsyncLabel = "keel_raft_fsync_seconds"
    /// Entries appended to the local log.
    let entriesPersisted = Counter(label: "keel_raft_entries_persisted_total")
    /// Committed entries applied to the state machine.
    let entriesApplied = Counter(label: "keel_raft_entries_applied_total")
    /// Linearizable reads served before the store had applied up to their read index (no
    /// entry still queued up to it wrote what they read).
    let readsServedEarly = Counter(label: "keel_raft_reads_served_early_total")
    /// A linearizable read's three waits on the leader: in the driver's inbox, from the event
    /// loop's hand-off until the driver takes it up (longer while the driver is inside a log
    /// fsync or busy) ...
    let readQueueLatency = Timer(label: Self.readWaitLabel, dimensions: [("phase", "queue")], preferredDisplayUnit: .milliseconds)
    /// ... from then until its read index is confirmed (a heartbeat round, or at once under a
    /// lease) ...
    let readConfirmLatency = Timer(label: Self.readWaitLabel, dimensions: [("phase", "confirm")], preferredDisplayUnit: .milliseconds)
    /// ... and from then until the store has applied what it reads.
    let readApplyLatency = Timer(label: Self.readWaitLabel, dimensions: [("phase", "apply")], preferredDisplayUnit: .milliseconds)
    static let readWaitLabel = "keel_raft_read_wait_seconds"
    /// AppendEntries messages sent to followers.
    let appendEntriesSent = Counter(label: "keel_raft_append_entries_sent_total")
    /// AppendEntries answers with `reject` set that reached this node as leader (log mismatch).
    let appendEntriesRejected = Counter(label: "keel_raft_append_entries_rejected_total")

    /// Publishes the role as one gauge per role, so that `keel_raft_role{role="leader"} == 1`
    /// selects leaders.
    func record(role: RaftRole) {
        for entry in roles { entry.gauge.record(entry.role == role ? 1 : 0) }
    }
}
