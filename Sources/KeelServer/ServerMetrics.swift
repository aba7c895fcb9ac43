import Metrics

/// The node's counters and timers, all named `keel_server_...`. The backend is whatever the
/// process bootstrapped (none in tests; Prometheus comes with the CLI work).
struct ServerMetrics: Sendable {
    /// Time of one write batch of the Raft log with fsync.
    let fsyncLatency = Timer(label: "keel_server_raft_fsync_seconds", preferredDisplayUnit: .milliseconds)
    /// Entries appended to the local log.
    let entriesPersisted = Counter(label: "keel_server_raft_entries_persisted_total")
    /// Committed entries applied to the state machine.
    let entriesApplied = Counter(label: "keel_server_raft_entries_applied_total")
    /// Client requests received, by kind.
    let requestsRead = Counter(label: "keel_server_requests_total", dimensions: [("kind", "read")])
    let requestsWrite = Counter(label: "keel_server_requests_total", dimensions: [("kind", "write")])
    let requestsAdmin = Counter(label: "keel_server_requests_total", dimensions: [("kind", "admin")])
    /// Requests answered with an error, and those answered because their deadline passed.
    let requestErrors = Counter(label: "keel_server_request_errors_total")
    let requestTimeouts = Counter(label: "keel_server_request_timeouts_total")
    /// Raft messages dropped because a peer's queue was full or it was unreachable.
    let peerMessagesDropped = Counter(label: "keel_server_peer_messages_dropped_total")
    /// Snapshots streamed to followers and installed from leaders.
    let snapshotsSent = Counter(label: "keel_server_snapshots_sent_total")
    let snapshotsInstalled = Counter(label: "keel_server_snapshots_installed_total")
    /// Connections refused at the handshake (wrong cluster, wrong kind, garbage).
    let connectionsRefused = Counter(label: "keel_server_connections_refused_total")
}
