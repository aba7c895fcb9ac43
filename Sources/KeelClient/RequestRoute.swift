/// Which node a request must go to.
enum RequestRoute: Sendable, Hashable {
    /// The leader: writes, linearizable and lease reads. Found by asking any node and
    /// following its hint.
    case leader
    /// Any node; successive requests are spread over all configured endpoints (stale reads).
    case anyNode
    /// This node and no other (admin operations about one node).
    case node(KeelEndpoint)
}
