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

/// `reportPeerDown`: the driver saw the leader's port refuse connections (a killed process).
final class PeerDownTests: XCTestCase {
    /// Ticks 2 and 3 one at a time, delivering after each, as nodes with their own tick
    /// phases would; returns the leaders other than 1 afterwards.
    private func tickFollowers(_ cluster: inout LocalCluster, times: Int) -> [UInt64] {
        for _ in 0..<times {
            for id: UInt64 in [2, 3] {
                cluster.tick(id)
                cluster.settle()
            }
        }
        return cluster.leaders.filter { $0 != 1 }
    }

    func testFollowersToldTheLeaderIsDownElectWithinAThirdOfTheElectionTimeout() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(1)
        for id: UInt64 in [2, 3] {
            cluster[id].reportPeerDown(peer: 1)
            XCTAssertEqual(cluster[id].leader, 0, "node \(id) forgets the leader")
        }
        // electionTicks is 10: the campaign starts after 1 to 3 ticks.
        let newLeaders = tickFollowers(&cluster, times: 3)
        XCTAssertEqual(newLeaders.count, 1)
        XCTAssertEqual(newLeaders.first.map { cluster[$0].term }, 2)
    }

    func testWithoutTheHintFollowersWaitOutTheElectionTimeout() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(1)
        XCTAssertEqual(tickFollowers(&cluster, times: 3), [])
        XCTAssertEqual(cluster[2].leader, 1)
        XCTAssertEqual(tickFollowers(&cluster, times: 20).count, 1, "the ordinary timeout still elects")
    }

    func testAHintAboutAnotherPeerOrWithLeaseReadsChangesNothing() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster[2].reportPeerDown(peer: 3)
        XCTAssertEqual(cluster[2].leader, 1)

        // With lease reads a fresh node honours a lease it may have granted before a restart,
        // so the first election waits out a timeout on every node.
        var leased = LocalCluster(voters: [1, 2, 3]) { $0.leaseReads = true }
        for _ in 0..<60 where leased.leaders.isEmpty { leased.tickAll() }
        guard let leader = leased.leaders.first else { return XCTFail("no leader with lease reads") }
        let followers = [UInt64(1), 2, 3].filter { $0 != leader }
        leased.isolate(leader)
        for id in followers { leased[id].reportPeerDown(peer: leader) }
        XCTAssertEqual(leased[followers[0]].leader, leader, "a lease relies on followers waiting out the timeout")
        for _ in 0..<3 {
            for id in followers {
                leased.tick(id)
                leased.settle()
            }
        }
        XCTAssertEqual(leased.leaders, [leader])
    }

    func testAWrongHintToOneFollowerDoesNotUnseatALiveLeader() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        try cluster[1].propose([7])
        cluster.settle()
        cluster[2].reportPeerDown(peer: 1)
        // Node 2 pre-campaigns; node 3 still hears the leader and refuses, so no term passes.
        for _ in 0..<5 { cluster.tickAll() }
        XCTAssertEqual(cluster.leaders, [1])
        XCTAssertEqual(cluster[1].term, 1)
        XCTAssertEqual(cluster[2].leader, 1, "the next heartbeat restores the leader")
        XCTAssertEqual(cluster.appliedData(2), [[7]])
    }
}
