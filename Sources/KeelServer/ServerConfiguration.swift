import KeelStore

/// Everything one node needs to run. The `keel-server` executable fills it from its command
/// line or configuration file.
public struct ServerConfiguration: Sendable {
    /// This node's id, never 0.
    public var nodeID: UInt64
    /// The cluster this node belongs to; connections naming another are refused.
    public var clusterID: String
    /// Where clients and admin tools connect (`host:port`).
    public var clientAddress: String
    /// Where peers connect (`host:port`).
    public var peerAddress: String
    /// The peer addresses of the initial members, this node included. Ignored once the data
    /// directory holds a log, and for a node that joins.
    public var initialMembers: [UInt64: String]
    /// Start as a node waiting to be added to an existing cluster (with an empty membership).
    public var join: Bool
    /// Holds the node's RocksDB database and snapshot staging files.
    public var dataDirectory: String
    /// Before starting, rewrite the data directory's membership to this node alone (see
    /// docs/operations.md, "Quorum lost for good"). Committed data is kept, uncommitted log
    /// entries are discarded. Use once, on the one surviving node.
    public var forceNewCluster: Bool = false

    /// Milliseconds per Raft tick.
    public var tickMilliseconds: Int = 100
    /// Election timeout in ticks (randomised between this and twice this).
    public var electionTicks: Int = 10
    /// Heartbeat interval in ticks.
    public var heartbeatTicks: Int = 1
    /// Serve lease reads without a heartbeat round (relies on bounded clock drift).
    public var leaseReads: Bool = false
    /// Write and fsync the Raft log on a thread of its own (``LogWriter``), so that the driver
    /// keeps stepping heartbeats and confirming reads during an fsync. Costs a thread switch
    /// per fsync (puts are slower), so it is off unless asked for (`server.md`).
    public var asyncLogWrites: Bool = false

    /// Compact the log once it holds this many applied entries beyond the last snapshot.
    public var snapshotEntries: UInt64 = 20_000
    /// Bytes of snapshot file per chunk when streaming a snapshot to a follower.
    public var snapshotChunkBytes: Int = 1 << 20

    /// The largest request frame accepted, in bytes.
    public var maxRequestBytes: UInt32 = 16 << 20
    /// Requests in flight on one client connection before the node stops reading from it.
    public var maxInFlightPerConnection: Int = 1024
    /// The deadline of a request whose `timeout_ms` is 0.
    public var defaultTimeoutMilliseconds: UInt64 = 10_000
    /// Raft messages queued for one peer before new ones are dropped and the peer is
    /// reported unreachable.
    public var peerQueueLimit: Int = 4096
    /// Settings of the replicated state machine; must be equal on every node.
    public var store: StoreConfiguration = StoreConfiguration()

    /// Creates a configuration with the default tuning.
    public init(
        nodeID: UInt64,
        clusterID: String,
        clientAddress: String,
        peerAddress: String,
        initialMembers: [UInt64: String],
        join: Bool = false,
        dataDirectory: String
    ) {
        self.nodeID = nodeID
        self.clusterID = clusterID
        self.clientAddress = clientAddress
        self.peerAddress = peerAddress
        self.initialMembers = initialMembers
        self.join = join
        self.dataDirectory = dataDirectory
    }
}
