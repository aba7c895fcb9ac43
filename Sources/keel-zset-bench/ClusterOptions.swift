import ArgumentParser
import KeelClient
import KeelTestKit
import Logging

/// Where the load goes: an existing cluster, or three `keel-server` processes started here
/// (from the `keel-server` next to this program, fsync on, temporary data directories).
struct ClusterOptions: ParsableArguments {
    @Option(help: "Client addresses of a running cluster, host:port,... (default: start a local 3-node cluster).")
    var endpoints: String?

    @Option(name: .customLong("cluster-id"), help: "The running cluster's id (with --endpoints).")
    var clusterID: String = "keel"

    func validate() throws {
        if let endpoints, endpoints.split(separator: ",").isEmpty {
            throw ValidationError("--endpoints names no address")
        }
    }

    /// A connected target: the client, and the local cluster to shut down afterwards if one
    /// was started.
    func connect(maximumConcurrentWrites: Int) async throws -> (KeelClient, LocalCluster?) {
        var logger = Logger(label: "keel.zset-bench")
        logger.logLevel = .warning
        let cluster: LocalCluster?
        let addresses: [String]
        let id: String
        if let endpoints {
            cluster = nil
            addresses = endpoints.split(separator: ",").map(String.init)
            id = clusterID
        } else {
            let local = try LocalCluster(count: 3)
            try local.start()
            _ = try local.waitForLeader(timeout: 60)
            cluster = local
            addresses = local.nodes.keys.sorted().map { local.nodes[$0]!.clientAddress }
            id = local.clusterID
        }
        var configuration = KeelClientConfiguration(clusterID: id)
        configuration.requestTimeout = .seconds(60)
        configuration.maximumConcurrentWrites = maximumConcurrentWrites
        configuration.maximumInFlightRequestsPerConnection = max(256, maximumConcurrentWrites)
        let client = try KeelClient(endpoints: addresses, configuration: configuration, logger: logger)
        return (client, cluster)
    }
}
