import Foundation
import KeelTestKit
import KeelWire
import XCTest

final class FailoverTests: ClusterTestCase {
    func testKillingTheLeaderWhileWritingLosesNoAcknowledgedWrite() throws {
        let cluster = try startCluster()
        let oldLeader = try cluster.waitForLeader()
        let ports = cluster.nodes.mapValues(\.clientPort)
        let writers = (1...4).map {
            LeaderFollowingWriter(name: "w\($0)", clientID: UInt64(1000 + $0), ports: ports, clusterID: cluster.clusterID)
        }
        for writer in writers { writer.start() }
        _ = try cluster.waitFor("writes before the crash") { writers.allSatisfy { $0.acknowledgedCount >= 20 } ? true : nil }
        cluster.kill(oldLeader)
        let before = writers.map(\.acknowledgedCount)
        let newLeader = try cluster.waitForLeader(excluding: [oldLeader])
        XCTAssertNotEqual(newLeader, oldLeader)
        _ = try cluster.waitFor("writes after the crash") {
            zip(writers, before).allSatisfy { $0.acknowledgedCount >= $1 + 20 } ? true : nil
        }
        var acknowledged: [String: String] = [:]
        for writer in writers { acknowledged.merge(writer.stop()) { first, _ in first } }

        // Every acknowledged write is there, read linearizably from the new leader.
        let client = try cluster.client(try cluster.waitForLeader(excluding: [oldLeader]))
        for (key, value) in acknowledged {
            let result = try client.call(.get(key: Array(key.utf8), consistency: .linearizable))
            guard case .get(let stored, _) = result else { return XCTFail("get \(key): \(result)") }
            XCTAssertEqual(stored, Array(value.utf8), "acknowledged write \(key) is missing")
        }

        // The old leader restarts from its disk and catches up.
        try cluster.start(oldLeader)
        let commit = try XCTUnwrap(cluster.status(newLeader)).commitIndex
        _ = try cluster.waitFor("the old leader to catch up") { () -> Bool? in
            guard let status = cluster.status(oldLeader), status.appliedIndex >= commit else { return nil }
            return true
        }
        let restarted = try cluster.client(oldLeader)
        for (key, value) in acknowledged.prefix(50) {
            let result = try restarted.call(.get(key: Array(key.utf8), consistency: .stale))
            guard case .get(let stored, _) = result else { return XCTFail("stale get \(key): \(result)") }
            XCTAssertEqual(stored, Array(value.utf8))
        }
    }

    func testGracefulStopAndRestartKeepsData() throws {
        let cluster = try startCluster()
        for index in 0..<10 { XCTAssertNotNil(try put("k\(index)", "v\(index)")) }
        let leader = try cluster.waitForLeader()
        XCTAssertEqual(cluster.terminate(leader), 0, "SIGTERM must end the node cleanly")
        _ = try cluster.waitForLeader(excluding: [leader])
        try cluster.start(leader)
        _ = try cluster.waitFor("the restarted node to hold k9") { try get("k9", from: leader, consistency: .stale) }
        for index in 0..<10 { XCTAssertEqual(try get("k\(index)"), Array("v\(index)".utf8)) }
    }
}
