import KeelClient
import KeelTestKit
import Logging
import XCTest

/// The fixture of the suites that run KeelClient against three real `keel-server` processes
/// with default timing: one cluster per test, any number of clients, all stopped in
/// `tearDown` (node log tails printed when the test failed).
class ClusterClientTestCase: XCTestCase {
    private(set) var cluster: LocalCluster?
    private var clients: [KeelClient] = []

    override func tearDown() async throws {
        for client in self.clients {
            await client.shutdown()
        }
        self.clients = []
        self.cluster?.shutdown(printingLogsIf: (self.testRun?.totalFailureCount ?? 0) > 0)
        self.cluster = nil
        try await super.tearDown()
    }

    /// Default timing (no spurious elections on a loaded machine: some tests count log entries).
    func startCluster() throws -> (LocalCluster, leader: UInt64) {
        let cluster = try LocalCluster(count: 3)
        self.cluster = cluster
        try cluster.start()
        return (cluster, try cluster.waitForLeader(timeout: 30))
    }

    /// A client of the whole cluster, or of the nodes in `only`.
    func makeClient(for cluster: LocalCluster, only: [UInt64]? = nil) throws -> KeelClient {
        var configuration = KeelClientConfiguration(clusterID: cluster.clusterID)
        configuration.requestTimeout = .seconds(30)
        var logger = Logger(label: "keel.client.cluster-tests")
        logger.logLevel = .info
        let ids = only ?? cluster.nodes.keys.sorted()
        let endpoints = try ids.map { try KeelEndpoint(parsing: cluster.nodes[$0]!.clientAddress) }
        let client = KeelClient(endpoints: endpoints, configuration: configuration, logger: logger)
        self.clients.append(client)
        return client
    }
}
