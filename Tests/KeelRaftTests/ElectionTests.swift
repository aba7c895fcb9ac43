import KeelRaft
import XCTest

final class ElectionTests: XCTestCase {
    func testSingleElectionProducesOneLeaderAndCommitsNoop() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        XCTAssertEqual(cluster.leaders, [1])
        XCTAssertEqual(cluster[1].term, 1)
        for id: UInt64 in [1, 2, 3] {
            XCTAssertEqual(cluster[id].leader, 1)
        }
        XCTAssertEqual(cluster[1].commitIndex, 1)
        XCTAssertEqual(cluster.applied[1]!.map(\.kind), [.noop])
    }

    func testProposalsReplicateAndApplyEverywhere() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        try cluster.nodes[1]!.propose([1])
        try cluster.nodes[1]!.propose(contentsOf: [[2], [3]])
        cluster.settle()
        cluster.tickAll()
        for id: UInt64 in [1, 2, 3] {
            XCTAssertEqual(cluster.appliedData(id), [[1], [2], [3]], "node \(id)")
        }
    }
}

final class CheckQuorumTests: XCTestCase {
    func testALeaderThatLostItsQuorumStepsDownAndForgetsItself() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(1)
        // Peers active in the current period count; the next period finds nobody.
        cluster.tick(1, times: 9)
        XCTAssertEqual(cluster[1].role, .leader)
        cluster.tick(1, times: 11)
        XCTAssertEqual(cluster[1].role, .follower)
        XCTAssertEqual(cluster[1].leader, 0, "a stale leader hint would make it refuse votes (etcd-io/etcd#8334)")
        let ready = cluster.process(1)
        XCTAssertEqual(ready?.softState, SoftState(role: .follower, leader: 0))
    }

    func testALeaderHearingFromAQuorumStaysLeader() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(3)
        cluster.tickAll(times: 40)
        XCTAssertEqual(cluster[1].role, .leader)
    }

    func testEveryCombinationOfPreVoteAndCheckQuorumElectsAgainAfterAPartition() {
        for preVote in [false, true] {
            for checkQuorum in [false, true] {
                let label = "preVote \(preVote) checkQuorum \(checkQuorum)"
                var cluster = LocalCluster(voters: [1, 2, 3]) {
                    $0.preVote = preVote
                    $0.checkQuorum = checkQuorum
                }
                cluster.elect(1)
                XCTAssertEqual(cluster.leaders, [1], label)
                cluster.isolate(1)
                cluster.tickAll(times: 60)
                let newLeaders = cluster.leaders.filter { $0 != 1 }
                XCTAssertEqual(newLeaders.count, 1, label)
                cluster.heal()
                cluster.tickAll(times: 60)
                XCTAssertEqual(cluster.leaders.count, 1, label)
                let leader = cluster.leaders[0]
                for id: UInt64 in [1, 2, 3] {
                    XCTAssertEqual(cluster[id].leader, leader, label)
                    XCTAssertEqual(cluster[id].term, cluster[leader].term, label)
                }
            }
        }
    }

    func testRollingChangeOfElectionFlagsKeepsElecting() throws {
        var cluster = LocalCluster(voters: [1, 2, 3]) {
            $0.preVote = false
            $0.checkQuorum = false
        }
        cluster.elect(1)
        var proposals: [[UInt8]] = []
        for id: UInt64 in [1, 2, 3] {
            cluster.restart(id) {
                $0.preVote = true
                $0.checkQuorum = true
            }
            cluster.tickAll(times: 60)
            XCTAssertEqual(cluster.leaders.count, 1, "after restarting \(id) with new flags")
            let leader = cluster.leaders[0]
            try cluster.nodes[leader]!.propose([UInt8(id)])
            proposals.append([UInt8(id)])
            cluster.tickAll(times: 5)
        }
        for id: UInt64 in [1, 2, 3] {
            XCTAssertEqual(cluster[id].commitIndex, cluster[cluster.leaders[0]].commitIndex)
        }
        XCTAssertEqual(Array(cluster.appliedData(cluster.leaders[0]).suffix(3)), proposals)
    }

    func testAPartitionedNodeDoesNotDisruptTheLeaderWhenItReturns() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        let term = cluster[1].term
        cluster.isolate(3)
        cluster.tickAll(times: 100)
        XCTAssertEqual(cluster[3].term, term, "pre-vote keeps the partitioned node's term")
        cluster.heal()
        cluster.tickAll(times: 30)
        XCTAssertEqual(cluster.leaders, [1])
        XCTAssertEqual(cluster[1].term, term)
        XCTAssertEqual(cluster[3].leader, 1)
    }

    func testWithoutPreVoteCheckQuorumStillShieldsTheLeader() {
        var cluster = LocalCluster(voters: [1, 2, 3]) { $0.preVote = false }
        cluster.elect(1)
        let term = cluster[1].term
        cluster.isolate(3)
        cluster.tickAll(times: 100)
        XCTAssertGreaterThan(cluster[3].term, term, "without pre-vote the cut-off node campaigns")
        cluster.heal()
        // Its vote requests are ignored by nodes that hear from the leader; the leader learns
        // the newer term from a rejected append, and the group re-elects among up-to-date
        // nodes. The old leader's log wins: node 3 missed nothing, but cannot be ahead.
        cluster.tickAll(times: 60)
        XCTAssertEqual(cluster.leaders.count, 1)
        let leader = cluster.leaders[0]
        for id: UInt64 in [1, 2, 3] { XCTAssertEqual(cluster[id].leader, leader) }
    }
}
