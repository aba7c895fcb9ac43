import KeelWire

/// How a ``KeelClient`` connects, waits and retries.
public struct KeelClientConfiguration: Sendable {
    /// The cluster id every node must answer the handshake with. A node of another cluster
    /// is refused with ``KeelError/wrongCluster(endpoint:message:)``.
    public var clusterID: String
    /// How long a call may take, retries included, when the call does not pass its own
    /// timeout. Defaults to 10 seconds.
    public var requestTimeout: Duration
    /// How long opening a connection and its handshake may take. Defaults to 1 second.
    public var connectTimeout: Duration
    /// The most requests in flight on one node's connection. A caller beyond it waits for a
    /// free slot (still bounded by its deadline), so a slow cluster slows callers down instead
    /// of filling memory. Defaults to 256.
    public var maximumInFlightRequestsPerConnection: Int
    /// The most writes in flight at once from this client. Each concurrent write uses an
    /// exactly-once session of its own (the cluster remembers one result per session); a
    /// writer beyond the limit waits for a session to come free, within its deadline.
    /// Defaults to 256.
    public var maximumConcurrentWrites: Int
    /// A write session unused for this long is replaced by a new one before the next write,
    /// so that the cluster (which forgets idle sessions after an hour by default) never sees
    /// a sequence number of a session it has forgotten. Defaults to 10 minutes.
    public var writeSessionIdleLimit: Duration
    /// How long to wait between attempts.
    public var retryBackoff: RetryBackoff
    /// The largest frame payload sent or accepted; must match the nodes'. Defaults to 16 MiB.
    public var maximumFrameLength: UInt32
    /// Sent in the handshake, for the nodes' logs.
    public var softwareVersion: String

    /// Creates a configuration with the defaults described on each property.
    /// - Parameter clusterID: The cluster the client talks to.
    public init(clusterID: String) {
        self.clusterID = clusterID
        self.requestTimeout = .seconds(10)
        self.connectTimeout = .seconds(1)
        self.maximumInFlightRequestsPerConnection = 256
        self.maximumConcurrentWrites = 256
        self.writeSessionIdleLimit = .seconds(600)
        self.retryBackoff = RetryBackoff()
        self.maximumFrameLength = FrameDecoder.defaultMaximumFrameLength
        self.softwareVersion = "keel-client/0.1.0"
    }
}
