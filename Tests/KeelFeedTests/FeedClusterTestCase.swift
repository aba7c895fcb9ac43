import KeelClient
@testable import KeelFeed
import KeelTestKit
import Logging
import Synchronization
import XCTest

/// A three-node `keel-server` cluster per test (`swift build` must have built keel-server),
/// with clients that the test's tearDown shuts down before it stops the cluster and removes
/// its files.
class FeedClusterTestCase: XCTestCase {
    private var cluster: LocalCluster?
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

    /// Starts the cluster and returns a client of all its nodes, once a leader is elected.
    func startClusterClient() throws -> KeelClient {
        let cluster = try LocalCluster(count: 3)
        self.cluster = cluster
        try cluster.start()
        _ = try cluster.waitForLeader(timeout: 30)
        return try self.makeClient()
    }

    /// Another client of the running cluster (a "restarted process").
    func makeClient() throws -> KeelClient {
        let cluster = try XCTUnwrap(self.cluster)
        var configuration = KeelClientConfiguration(clusterID: cluster.clusterID)
        configuration.requestTimeout = .seconds(30)
        var logger = Logger(label: "keel.feed-tests")
        logger.logLevel = .info
        let endpoints = try cluster.nodes.keys.sorted().map { try KeelEndpoint(parsing: cluster.nodes[$0]!.clientAddress) }
        let client = KeelClient(endpoints: endpoints, configuration: configuration, logger: logger)
        self.clients.append(client)
        return client
    }

    /// A clock that only moves when told, so follow and read times are reproducible.
    final class ManualClock: Sendable {
        private let milliseconds = Mutex<Int64>(1_700_000_000_000)

        var now: @Sendable () -> Int64 {
            { self.milliseconds.withLock { $0 } }
        }

        func advance(by delta: Int64) {
            self.milliseconds.withLock { $0 += delta }
        }
    }

    /// Every member of one of the feed's sorted sets, newest first.
    func members(of set: [UInt8], client: KeelClient) async throws -> [SortedSetMember] {
        var all: [SortedSetMember] = []
        var start = SortedSetRangeStart.beginning
        while true {
            let page = try await client.zrange(set, from: start, limit: 10_000)
            all += page.members
            guard let cursor = page.nextCursor else { return all }
            start = .after(cursor)
        }
    }

    /// Whether the entry-keyed set (a timeline) holds `member` with `score`: one page read from
    /// that score down (a timeline keeps no member index to ask for a score).
    static func holds(_ set: [UInt8], member: [UInt8], score: Double, client: KeelClient, consistency: ReadConsistency = .linearizable) async throws -> Bool {
        let page = try await client.zrange(set, from: .score(score), limit: 100, consistency: consistency)
        return page.members.contains { $0.member == member && $0.score == score }
    }

    /// Every activity of a timeline, walking it page by page.
    func walkTimeline(_ user: String, in feed: KeelFeed, pageSize: Int) async throws -> [[Activity]] {
        var pages: [[Activity]] = []
        var cursor: FeedCursor? = nil
        repeat {
            let page = try await feed.timeline(user, limit: pageSize, before: cursor)
            pages.append(page.activities)
            cursor = page.nextCursor
        } while cursor != nil
        return pages
    }
}
