import ArgumentParser
import KeelClient
import KeelTestKit
import Logging

/// Where the load goes: a running cluster, or three `keel-server` processes started here from
/// the `keel-server` next to this program (fsync on, temporary directories removed at the end).
struct BenchTarget: ParsableArguments {
    @Option(help: "Client addresses of a running cluster, host:port,... (default: start a local 3-node cluster).")
    var endpoints: String?

    @Option(name: .customLong("cluster-id"), help: "The running cluster's id (with --endpoints).")
    var clusterID: String = "keel"

    @Option(help: "Key namespace of the feeds written (default: a fresh one per run).")
    var namespace: String?

    func validate() throws {
        if let endpoints, endpoints.split(separator: ",").isEmpty {
            throw ValidationError("--endpoints names no address")
        }
    }

    /// The client, and the local cluster to shut down afterwards if one was started.
    func connect() throws -> (KeelClient, LocalCluster?) {
        var logger = Logger(label: "keel.feed-bench")
        logger.logLevel = .warning
        var cluster: LocalCluster? = nil
        var addresses = self.endpoints?.split(separator: ",").map(String.init) ?? []
        var id = self.clusterID
        if self.endpoints == nil {
            let local = try LocalCluster(count: 3)
            try local.start()
            _ = try local.waitForLeader(timeout: 60)
            cluster = local
            addresses = local.nodes.keys.sorted().map { local.nodes[$0]!.clientAddress }
            id = local.clusterID
        }
        var configuration = KeelClientConfiguration(clusterID: id)
        configuration.requestTimeout = .seconds(60)
        return (try KeelClient(endpoints: addresses, configuration: configuration, logger: logger), cluster)
    }

    var feedNamespace: String {
        self.namespace ?? "bench\(UInt32.random(in: 0...UInt32.max))"
    }
}
