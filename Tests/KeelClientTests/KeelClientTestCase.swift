import KeelClient
import Logging
import NIOCore
import NIOPosix
import XCTest

/// Shared set-up for tests that run clients against ``FakeKeelNode``s: everything a test
/// starts through these helpers is shut down in `tearDown`, also when the test fails.
class KeelClientTestCase: XCTestCase {
    private var nodes: [FakeKeelNode] = []
    private var clients: [KeelClient] = []

    override func tearDown() async throws {
        for client in self.clients {
            await client.shutdown()
        }
        for node in self.nodes {
            await node.stop()
        }
        self.clients = []
        self.nodes = []
        try await super.tearDown()
    }

    func startNode(clusterID: String = "test-cluster", nodeID: UInt64 = 1) async throws -> FakeKeelNode {
        let node = try await FakeKeelNode.start(clusterID: clusterID, nodeID: nodeID)
        self.nodes.append(node)
        return node
    }

    func makeClient(
        endpoints: [KeelEndpoint],
        configure: (inout KeelClientConfiguration) -> Void = { _ in }
    ) -> KeelClient {
        var configuration = KeelClientConfiguration(clusterID: "test-cluster")
        configuration.requestTimeout = .seconds(20)
        configuration.retryBackoff = RetryBackoff(initial: .milliseconds(2), maximum: .milliseconds(50))
        configure(&configuration)
        var logger = Logger(label: "keel.client.test")
        logger.logLevel = .info
        let client = KeelClient(endpoints: endpoints, configuration: configuration, logger: logger)
        self.clients.append(client)
        return client
    }

    /// An address where nothing listens: a port that was bound and released.
    func closedEndpoint() async throws -> KeelEndpoint {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return KeelEndpoint(host: "127.0.0.1", port: port)
    }

    /// Waits until `condition` holds, failing the test if it does not within `timeout`.
    func waitUntil(
        timeout: Duration = .seconds(20),
        _ description: String,
        file: StaticString = #filePath,
        line: UInt = #line,
        _ condition: () -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else {
                XCTFail("timed out waiting until \(description)", file: file, line: line)
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Runs `body` and returns the ``KeelError`` it throws, failing the test if it throws
    /// nothing or something else.
    func keelError<T>(
        file: StaticString = #filePath,
        line: UInt = #line,
        _ body: () async throws -> T
    ) async -> KeelError? {
        do {
            let value = try await body()
            XCTFail("expected a KeelError, got \(value)", file: file, line: line)
        } catch let error as KeelError {
            return error
        } catch {
            XCTFail("expected a KeelError, got \(error)", file: file, line: line)
        }
        return nil
    }
}
