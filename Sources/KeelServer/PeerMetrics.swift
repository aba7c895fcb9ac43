import Metrics

/// Raft traffic between nodes, named `keel_peer_...`.
struct PeerMetrics: Sendable {
    /// Raft messages dropped because a peer's queue was full or it was unreachable.
    let messagesDropped = Counter(label: "keel_peer_messages_dropped_total")
    /// Inbound peer connections open now.
    let connections = Meter(label: "keel_peer_connections")
    /// Peer connections refused at the handshake (wrong cluster, wrong kind, garbage).
    let connectionsRefused = Counter(label: "keel_peer_connections_refused_total")
}
