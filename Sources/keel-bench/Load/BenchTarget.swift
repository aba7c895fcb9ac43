import Dispatch
import Foundation
import KeelClient
import KeelTestKit
import Logging

/// The cluster a workload runs against: given endpoints, or a local 3-node cluster of release
/// `keel-server` processes that this program started and stops.
final class BenchTarget {
    let endpoints: [String]
    let clusterID: String
    /// The cluster this program started, if it did.
    let local: LocalClusterControl?
    /// Metrics endpoints given for a running cluster (`--metrics-endpoints`).
    private let givenMetricsAddresses: [String]
    private var clients: [KeelClient] = []

    init(endpoints: [String], clusterID: String, local: LocalClusterControl?, metricsAddresses: [String] = []) {
        self.endpoints = endpoints
        self.clusterID = clusterID
        self.local = local
        givenMetricsAddresses = metricsAddresses
    }

    /// Starts a fresh local cluster and waits for its leader.
    static func startLocal(extraServerArguments: [String] = []) async throws -> BenchTarget {
        let control = try await LocalClusterControl.start(extraServerArguments: extraServerArguments)
        return BenchTarget(endpoints: control.clientAddresses, clusterID: control.clusterID, local: control)
    }

    /// The nodes' Prometheus endpoints: those of a cluster this program started, or the
    /// ones given for a running cluster.
    var metricsAddresses: [String] { local?.metricsAddresses ?? givenMetricsAddresses }

    /// `count` new clients, each with its own connections; shut down by ``shutdown()``.
    func makeClients(_ count: Int, concurrency: Int, timeout: Double) throws -> [KeelClient] {
        var logger = Logger(label: "keel.bench")
        logger.logLevel = .critical
        var configuration = KeelClientConfiguration(clusterID: clusterID)
        configuration.requestTimeout = .milliseconds(Int64(timeout * 1000))
        // One client may carry every request in flight; the bench, not the client, sets the load.
        configuration.maximumConcurrentWrites = max(256, concurrency)
        configuration.maximumInFlightRequestsPerConnection = max(256, concurrency)
        let made = try (0..<count).map { _ in try KeelClient(endpoints: endpoints, configuration: configuration, logger: logger) }
        clients += made
        return made
    }

    /// Shuts down every client made here, then the local cluster if this program started it.
    func shutdown() async {
        for client in clients { await client.shutdown() }
        clients.removeAll()
        await local?.shutdown()
    }
}
