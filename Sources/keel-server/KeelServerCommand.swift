import ArgumentParser
import Foundation
import KeelServer
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `keel-server`: runs one Keel database node until SIGTERM or SIGINT.
@main
struct KeelServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-server",
        abstract: "Run one node of a Keel cluster.",
        discussion: """
        Every option can also come from --config FILE, one `key = value` per line with the
        option's name as key (for example `peers = 1=127.0.0.1:7201,2=127.0.0.1:7202`);
        options on the command line win.
        """
    )

    @Option(help: "A configuration file with the same keys as the options.")
    var config: String?

    @Option(help: "This node's id (a positive integer).")
    var id: UInt64?

    @Option(name: .customLong("cluster-id"), help: "The cluster's id; connections naming another are refused.")
    var clusterID: String?

    @Option(name: .customLong("client-address"), help: "host:port for clients and admin tools.")
    var clientAddress: String?

    @Option(name: .customLong("peer-address"), help: "host:port for the other nodes.")
    var peerAddress: String?

    @Option(help: "The initial members' peer addresses: id=host:port,... (this node included).")
    var peers: String?

    @Option(name: .customLong("data-dir"), help: "The node's data directory.")
    var dataDirectory: String?

    @Flag(help: "Start with an empty membership and wait to be added to an existing cluster.")
    var join = false

    @Option(name: .customLong("tick-ms"), help: "Milliseconds per Raft tick (default 100).")
    var tickMilliseconds: Int?

    @Option(name: .customLong("election-ticks"), help: "Election timeout in ticks (default 10).")
    var electionTicks: Int?

    @Option(name: .customLong("heartbeat-ticks"), help: "Heartbeat interval in ticks (default 1).")
    var heartbeatTicks: Int?

    @Flag(name: .customLong("lease-reads"), help: "Serve lease reads without a heartbeat round.")
    var leaseReads = false

    @Flag(
        name: .customLong("async-log-writes"),
        help: "Fsync the Raft log on a thread of its own: shorter read tails, fewer puts per second."
    )
    var asyncLogWrites = false

    @Option(name: .customLong("snapshot-entries"), help: "Compact the log after this many applied entries (default 20000).")
    var snapshotEntries: UInt64?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(name: .customLong("metrics-address"), help: "host:port to serve Prometheus metrics on (GET /metrics); none when absent.")
    var metricsAddress: String?

    @Flag(
        name: .customLong("force-new-cluster"),
        help: """
        Recovery after a quorum is lost for good: before starting, make this node's data a new         one-node cluster (committed data kept, uncommitted entries discarded). Once, on one node;         see docs/operations.md.
        """
    )
    var forceNewCluster = false

    mutating func run() async throws {
        let file = try config.map(ConfigurationFile.init(path:)) ?? ConfigurationFile()
        func value(_ option: String?, _ key: String) -> String? { option ?? file.values[key] }

        guard let id = id ?? file.values["id"].flatMap(UInt64.init), id > 0 else {
            throw ValidationError("--id must be a positive integer")
        }
        guard let clusterID = value(clusterID, "cluster-id"), !clusterID.isEmpty else {
            throw ValidationError("--cluster-id is required")
        }
        guard let clientAddress = value(clientAddress, "client-address"), let peerAddress = value(peerAddress, "peer-address") else {
            throw ValidationError("--client-address and --peer-address are required")
        }
        guard let dataDirectory = value(dataDirectory, "data-dir") else {
            throw ValidationError("--data-dir is required")
        }
        let join = self.join || file.values["join"] == "true"
        var members: [UInt64: String] = [:]
        if let peers = value(peers, "peers"), !peers.isEmpty {
            for item in peers.split(separator: ",") {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let member = UInt64(parts[0].trimmingCharacters(in: .whitespaces)), member > 0 else {
                    throw ValidationError("--peers takes id=host:port,...; \"\(item)\" is not that")
                }
                members[member] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        if !join {
            guard !members.isEmpty else { throw ValidationError("--peers is required unless --join is given") }
            guard members[id] != nil else { throw ValidationError("--peers must list this node (\(id)) too") }
        }

        var configuration = ServerConfiguration(
            nodeID: id, clusterID: clusterID, clientAddress: clientAddress, peerAddress: peerAddress,
            initialMembers: members, join: join, dataDirectory: dataDirectory
        )
        if let ticks = tickMilliseconds ?? file.values["tick-ms"].flatMap(Int.init) { configuration.tickMilliseconds = ticks }
        if let ticks = electionTicks ?? file.values["election-ticks"].flatMap(Int.init) { configuration.electionTicks = ticks }
        if let ticks = heartbeatTicks ?? file.values["heartbeat-ticks"].flatMap(Int.init) { configuration.heartbeatTicks = ticks }
        configuration.leaseReads = leaseReads || file.values["lease-reads"] == "true"
        configuration.asyncLogWrites = asyncLogWrites || file.values["async-log-writes"] == "true"
        // Not read from the configuration file on purpose: left there, it would rewrite the
        // membership again at every restart.
        configuration.forceNewCluster = forceNewCluster
        if forceNewCluster && join {
            throw ValidationError("--force-new-cluster recovers an existing node; it cannot be combined with --join")
        }
        if let entries = snapshotEntries ?? file.values["snapshot-entries"].flatMap(UInt64.init) {
            configuration.snapshotEntries = max(1, entries)
        }
        guard configuration.tickMilliseconds > 0, configuration.heartbeatTicks >= 1,
              configuration.electionTicks > configuration.heartbeatTicks else {
            throw ValidationError("timing: tick-ms > 0, heartbeat-ticks >= 1 and election-ticks > heartbeat-ticks")
        }

        let level = value(logLevel, "log-level").flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "keel.server")
        let node = KeelNode(configuration: configuration, logger: logger)
        var services: [any Service] = [node]
        if let metricsAddress = value(metricsAddress, "metrics-address"), !metricsAddress.isEmpty {
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(MetricsServer.makeFactory(registry: registry))
            services.append(MetricsServer(address: metricsAddress, registry: registry, logger: logger))
        }
        let group = ServiceGroup(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger
        )
        try await group.run()
    }
}
