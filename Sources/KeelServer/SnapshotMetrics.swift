import Metrics

/// Snapshot streaming and installation, named `keel_snapshot_...`.
struct SnapshotMetrics: Sendable {
    /// Snapshots streamed completely to a follower.
    let sent = Counter(label: "keel_snapshot_sends_total")
    /// Snapshots received from a leader and installed.
    let installed = Counter(label: "keel_snapshot_installs_total")
}
