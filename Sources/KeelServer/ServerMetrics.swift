/// Every metric of one node, grouped by subsystem; each group's names start with its own
/// `keel_<subsystem>_` prefix. The backend is whatever the process bootstrapped with
/// swift-metrics: none in tests, Prometheus in `keel-server` (see ``MetricsServer``).
struct ServerMetrics: Sendable {
    let raft = RaftMetrics()
    let snapshots = SnapshotMetrics()
    let peers = PeerMetrics()
    let clients = ClientServiceMetrics()
}
