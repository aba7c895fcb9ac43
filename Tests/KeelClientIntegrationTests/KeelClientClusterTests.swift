import KeelClient
import KeelTestKit
import Logging
import Synchronization
import XCTest

/// KeelClient against three real `keel-server` processes on loopback.
final class KeelClientClusterTests: XCTestCase {
    private var cluster: LocalCluster?
    private var client: KeelClient?

    /// 20 ms ticks, elections after 10 to 20 ticks: failover takes a fraction of a second.
    private static let fastTiming = ["--tick-ms", "20", "--election-ticks", "10", "--heartbeat-ticks", "1"]

    override func tearDown() async throws {
        await self.client?.shutdown()
        self.client = nil
        self.cluster?.shutdown(printingLogsIf: (self.testRun?.totalFailureCount ?? 0) > 0)
        self.cluster = nil
        try await super.tearDown()
    }

    private func startCluster() throws -> LocalCluster {
        let cluster = try LocalCluster(count: 3, extraArguments: Self.fastTiming)
        self.cluster = cluster
        try cluster.start()
        return cluster
    }

    private func makeClient(for cluster: LocalCluster, requestTimeout: Duration = .seconds(10)) throws -> KeelClient {
        var configuration = KeelClientConfiguration(clusterID: cluster.clusterID)
        configuration.requestTimeout = requestTimeout
        var logger = Logger(label: "keel.client.integration")
        logger.logLevel = .info
        let endpoints = try cluster.nodes.keys.sorted().map { try KeelEndpoint(parsing: cluster.nodes[$0]!.clientAddress) }
        let client = KeelClient(endpoints: endpoints, configuration: configuration, logger: logger)
        self.client = client
        return client
    }

    private func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            guard clock.now < deadline else {
                XCTFail("timed out waiting until \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Counts what the writers learned about their increments.
    private struct Tally {
        var acknowledged = 0
        var unknown = 0
        var notApplied = 0
        var values: [Int64] = []
    }

    /// What the writer tasks share with the test.
    private final class Writers: Sendable {
        let tally = Mutex(Tally())
        let stop = Atomic<Bool>(false)
    }

    func testEveryAcknowledgedIncrementSurvivesALeaderKillExactlyOnce() async throws {
        let cluster = try self.startCluster()
        let firstLeader = try cluster.waitForLeader()
        let client = try self.makeClient(for: cluster, requestTimeout: .seconds(5))
        let shared = Writers()
        let key = Array("counter".utf8)

        try await withThrowingTaskGroup(of: Void.self) { writers in
            for _ in 0..<4 {
                writers.addTask {
                    while !shared.stop.load(ordering: .relaxed) {
                        do {
                            let value = try await client.increment(key)
                            shared.tally.withLock {
                                $0.acknowledged += 1
                                $0.values.append(value)
                            }
                        } catch let error as KeelError where error.outcomeIsUnknown {
                            shared.tally.withLock { $0.unknown += 1 }
                        } catch is KeelError {
                            shared.tally.withLock { $0.notApplied += 1 }
                        }
                    }
                }
            }
            try await self.waitUntil("writes flow") { shared.tally.withLock { $0.acknowledged } >= 100 }
            cluster.kill(firstLeader)
            let beforeFailover = shared.tally.withLock { $0.acknowledged }
            _ = try cluster.waitForLeader(excluding: [firstLeader])
            try await self.waitUntil("writes flow through the new leader") {
                shared.tally.withLock { $0.acknowledged } >= beforeFailover + 100
            }
            try cluster.start(firstLeader)
            let beforeRestart = shared.tally.withLock { $0.acknowledged }
            try await self.waitUntil("writes flow after the old leader is back") {
                shared.tally.withLock { $0.acknowledged } >= beforeRestart + 100
            }
            shared.stop.store(true, ordering: .relaxed)
            try await writers.waitForAll()
        }

        let final = shared.tally.withLock { $0 }
        let stored = try await client.get(key).flatMap(KeelClient.counterValue)
        let counter = try XCTUnwrap(stored)
        print("failover run: counter \(counter), acknowledged \(final.acknowledged), unknown \(final.unknown), not applied \(final.notApplied)")
        // Every acknowledged increment is in the counter once; an unknown one at most once;
        // nothing else. More than that would be a double apply, less a lost write.
        XCTAssertGreaterThanOrEqual(counter, Int64(final.acknowledged), "an acknowledged increment was lost: \(final)")
        XCTAssertLessThanOrEqual(counter, Int64(final.acknowledged + final.unknown), "an increment was applied twice: \(final)")
        XCTAssertEqual(Set(final.values).count, final.values.count, "two increments saw the same counter value")
        XCTAssertLessThanOrEqual(final.values.max() ?? 0, counter)
    }

    func testDeadlinesAreHonouredWhenNoNodeIsUp() async throws {
        let cluster = try self.startCluster()
        _ = try cluster.waitForLeader()
        let client = try self.makeClient(for: cluster)
        try await client.put("k".utf8, value: [1])
        for id in cluster.nodes.keys {
            cluster.kill(id)
        }

        // The read goes first: its retries over every node for half a second leave the client
        // with all three connections seen closed. A write sent before the client has noticed
        // a connection's close may have reached the socket, and its outcome is then unknown
        // by design; this test is about a write that no node can have received.
        do {
            _ = try await client.get("k".utf8, consistency: .stale, timeout: .milliseconds(500))
            XCTFail("a read succeeded with every node down")
        } catch let error as KeelError {
            XCTAssertFalse(error.outcomeIsUnknown, "\(error)")
        }
        do {
            try await client.put("k".utf8, value: [2], timeout: .milliseconds(500))
            XCTFail("a write succeeded with every node down")
        } catch let error as KeelError {
            guard case .unavailable = error else {
                return XCTFail("expected unavailable (nothing applied), got \(error)")
            }
        }
    }

    /// 2,000 increments and 2,000 reads, all at once.
    func testThousandsOfConcurrentRequestsFromOneClientComplete() async throws {
        let cluster = try self.startCluster()
        _ = try cluster.waitForLeader()
        let client = try self.makeClient(for: cluster, requestTimeout: .seconds(60))
        let writes = 2000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<writes {
                group.addTask { try await client.increment("hits".utf8) }
                group.addTask {
                    _ = try await client.get("hits".utf8, consistency: index.isMultiple(of: 2) ? .stale : .linearizable)
                }
            }
            try await group.waitForAll()
        }
        let counter = try await client.get("hits".utf8).flatMap(KeelClient.counterValue)
        XCTAssertEqual(counter, Int64(writes))
    }
}
