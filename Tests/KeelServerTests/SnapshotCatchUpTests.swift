import Foundation
import KeelTestKit
import KeelWire
import XCTest

final class SnapshotCatchUpTests: ClusterTestCase {
    func testNodeStoppedWhileTheLogMovesPastASnapshotCatchesUpBySnapshot() throws {
        try catchUpBySnapshot(extraArguments: [])
    }

    func testWithAsyncLogWritesANodeCatchesUpBySnapshot() throws {
        try catchUpBySnapshot(extraArguments: ["--async-log-writes"])
    }

    private func catchUpBySnapshot(extraArguments: [String]) throws {
        let cluster = try startCluster(extraArguments: ["--snapshot-entries", "50"] + extraArguments)
        let leader = try cluster.waitForLeader()
        let lagging = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        XCTAssertNotNil(try put("before", "stop"))
        XCTAssertEqual(cluster.terminate(lagging), 0)

        let client = try cluster.client(leader)
        // Pipelined writes: 400 entries move the log well past several compactions.
        for batch in 0..<8 {
            for index in 0..<50 {
                try client.send(.write(.put(key: Array("k\(batch * 50 + index)".utf8), value: Array(repeating: UInt8(index), count: 100))))
            }
            for _ in 0..<50 {
                let response = try client.receive()
                guard case .put = response.result else { return XCTFail("write failed: \(response.result)") }
            }
        }
        let leaderStatus = try XCTUnwrap(cluster.status(leader))
        XCTAssertGreaterThan(leaderStatus.snapshotIndex, 100, "the leader compacted its log")

        try cluster.start(lagging)
        let caughtUp = try cluster.waitFor("the lagging node to install a snapshot and catch up") { () -> NodeStatus? in
            guard let status = cluster.status(lagging), status.appliedIndex >= leaderStatus.commitIndex else { return nil }
            return status
        }
        XCTAssertGreaterThan(caughtUp.snapshotIndex, 0)
        XCTAssertTrue(cluster.logTail(lagging, lines: 200).contains("snapshot installed"), "the node caught up by a snapshot")
        let follower = try cluster.client(lagging)
        for index in [0, 123, 399] {
            let result = try follower.call(.get(key: Array("k\(index)".utf8), consistency: .stale))
            guard case .get(let value, _) = result else { return XCTFail("stale get: \(result)") }
            XCTAssertEqual(value, Array(repeating: UInt8(index % 50), count: 100))
        }
        guard case .get(let before, _) = try follower.call(.get(key: Array("before".utf8), consistency: .stale)) else {
            return XCTFail("stale get failed")
        }
        XCTAssertEqual(before, Array("stop".utf8))
        // The node keeps replicating after the install.
        XCTAssertNotNil(try put("after", "snapshot"))
        _ = try cluster.waitFor("the new write on the caught-up node") { try get("after", from: lagging, consistency: .stale) }
        // And it restarts from its snapshot plus the log after it.
        XCTAssertEqual(cluster.terminate(lagging), 0)
        try cluster.start(lagging)
        _ = try cluster.waitFor("the restarted node to answer") { try get("after", from: lagging, consistency: .stale) }
    }

    func testTakeSnapshotCompactsTheLog() throws {
        let cluster = try startCluster()
        for index in 0..<5 { XCTAssertNotNil(try put("s\(index)", "v")) }
        let leader = try cluster.waitForLeader()
        let result = try cluster.client(leader).call(.admin(.takeSnapshot))
        guard case .admin(.takeSnapshot(let index, let term)) = result else { return XCTFail("snapshot: \(result)") }
        XCTAssertGreaterThanOrEqual(index, 6)
        XCTAssertGreaterThan(term, 0)
        XCTAssertEqual(cluster.status(leader)?.snapshotIndex, index)
    }
}
