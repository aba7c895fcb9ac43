import Foundation
import KeelTestKit
import KeelWire
import XCTest

/// Base class of the tests that run real `keel-server` processes: starts a cluster, stops
/// every process and removes every file in `tearDown`, whatever the test did.
class ClusterTestCase: XCTestCase {
    var cluster: LocalCluster!

    /// Fast timing so elections take a fraction of a second: 20 ms ticks, elections after
    /// 10 to 20 ticks.
    static let fastTiming = ["--tick-ms", "20", "--election-ticks", "10", "--heartbeat-ticks", "1"]

    func startCluster(count: Int = 3, extraArguments: [String] = []) throws -> LocalCluster {
        let cluster = try LocalCluster(count: count, extraArguments: Self.fastTiming + extraArguments)
        self.cluster = cluster
        try cluster.start()
        return cluster
    }

    override func tearDown() {
        cluster?.shutdown(printingLogsIf: (testRun?.totalFailureCount ?? 0) > 0)
        cluster = nil
        super.tearDown()
    }

    /// Sends `operation` to the current leader, following NOT_LEADER and retrying while the
    /// cluster has no leader, until `timeout`.
    func callLeader(
        _ operation: ClientOperation, session: WriteSession? = nil, timeout: TimeInterval = 20
    ) throws -> ClientResult {
        try cluster.waitFor("an answer to \(operation)", timeout: timeout) {
            let leader = try cluster.waitForLeader(timeout: timeout)
            let client = try cluster.client(leader, receiveTimeout: 5)
            let result = try client.call(operation, session: session, timeoutMilliseconds: 3000)
            if case .error(let error) = result, [.notLeader, .unavailable, .timeout].contains(error.code) {
                return nil
            }
            return result
        }
    }

    func put(_ key: String, _ value: String, session: WriteSession? = nil) throws -> ClientResult {
        try callLeader(.write(.put(key: Array(key.utf8), value: Array(value.utf8))), session: session)
    }

    func get(_ key: String, from node: UInt64? = nil, consistency: Consistency = .linearizable) throws -> [UInt8]? {
        let result: ClientResult
        if let node {
            result = try cluster.client(node).call(.get(key: Array(key.utf8), consistency: consistency))
        } else {
            result = try callLeader(.get(key: Array(key.utf8), consistency: consistency))
        }
        guard case .get(let value, _) = result else {
            throw LocalCluster.TimeoutError(description: "get \(key) answered \(result)")
        }
        return value
    }
}
