import Foundation
import KeelTestKit
import KeelWire
import XCTest

final class FailoverTests: ClusterTestCase {
    func testKillingTheLeaderWhileWritingLosesNoAcknowledgedWrite() throws {
        try killTheLeaderWhileWriting(extraArguments: [])
    }

    /// The same with the log writer thread: acknowledgements still wait for the fsync.
    func testKillingTheLeaderWithAsyncLogWritesLosesNoAcknowledgedWrite() throws {
        try killTheLeaderWhileWriting(extraArguments: ["--async-log-writes"])
    }

    private func killTheLeaderWhileWriting(extraArguments: [String]) throws {
        let cluster = try startCluster(extraArguments: extraArguments)
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
        XCTAssertTrue(cluster.logTail(leader).contains("handing leadership over before stopping"))
        _ = try cluster.waitForLeader(excluding: [leader])
        try cluster.start(leader)
        _ = try cluster.waitFor("the restarted node to hold k9") { try get("k9", from: leader, consistency: .stale) }
        for index in 0..<10 { XCTAssertEqual(try get("k\(index)"), Array("v\(index)".utf8)) }
    }

    func testRepeatedCrashesUnderWritesLoseNothingAndApplyIncrementsOnce() throws {
        try crashRepeatedlyUnderWrites(extraArguments: [])
    }

    func testRepeatedCrashesWithAsyncLogWritesLoseNothingAndApplyIncrementsOnce() throws {
        try crashRepeatedlyUnderWrites(extraArguments: ["--async-log-writes"])
    }

    private func crashRepeatedlyUnderWrites(extraArguments: [String]) throws {
        // A small snapshot threshold, so restarted nodes often catch up by snapshot while
        // the writers keep going.
        let cluster = try startCluster(extraArguments: ["--snapshot-entries", "100"] + extraArguments)
        _ = try cluster.waitForLeader()
        let ports = cluster.nodes.mapValues(\.clientPort)
        let writers = (1...2).map {
            LeaderFollowingWriter(name: "p\($0)", clientID: UInt64(2000 + $0), ports: ports, clusterID: cluster.clusterID)
        }
        let counters = (1...2).map {
            LeaderFollowingWriter(name: "c\($0)", clientID: UInt64(3000 + $0), ports: ports, clusterID: cluster.clusterID,
                                  counterKey: "counter-\($0)")
        }
        let all = writers + counters
        for writer in all { writer.start() }
        var random = SystemRandomNumberGenerator()
        for round in 0..<4 {
            let before = all.map(\.acknowledgedCount)
            // Alternate between the leader and a random node.
            let victim = round.isMultiple(of: 2) ? try cluster.waitForLeader() : UInt64.random(in: 1...3, using: &random)
            cluster.kill(victim)
            _ = try cluster.waitFor("progress with node \(victim) down") {
                zip(all, before).allSatisfy { $0.acknowledgedCount >= $1 + 5 } ? true : nil
            }
            try cluster.start(victim)
            _ = try cluster.waitFor("node \(victim) to catch up") { () -> Bool? in
                guard let leader = try? cluster.waitForLeader(timeout: 5), let leaderStatus = cluster.status(leader),
                      let status = cluster.status(victim), status.appliedIndex + 200 >= leaderStatus.commitIndex else { return nil }
                return true
            }
        }
        var acknowledged: [String: String] = [:]
        for writer in writers { acknowledged.merge(writer.stop()) { first, _ in first } }
        let increments = counters.map { $0.stop().count }
        for counter in counters { XCTAssertEqual(counter.counterMismatches, [], "an increment was applied twice") }

        let client = try cluster.client(try cluster.waitForLeader())
        for (key, value) in acknowledged {
            guard case .get(let stored, _) = try client.call(.get(key: Array(key.utf8), consistency: .linearizable)) else {
                return XCTFail("get \(key) failed")
            }
            XCTAssertEqual(stored, Array(value.utf8), "acknowledged write \(key) is missing")
        }
        for (index, count) in increments.enumerated() {
            guard case .get(let stored?, _) = try client.call(.get(key: Array("counter-\(index + 1)".utf8), consistency: .linearizable)) else {
                return XCTFail("counter \(index + 1) missing")
            }
            let value = stored.reduce(Int64(0)) { $0 << 8 | Int64($1) }
            // The write in progress when the writer stopped may or may not have been applied.
            XCTAssertTrue(value == Int64(count) || value == Int64(count) + 1, "counter \(index + 1) is \(value) after \(count) acknowledged increments")
        }
    }
}
