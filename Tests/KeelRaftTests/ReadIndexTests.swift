import KeelRaft
import XCTest

final class ReadIndexTests: XCTestCase {
    func testAReadWaitsForTheFirstCommitOfTheTerm() {
        var leader = NodeFixture(entries: [entry(1, term: 1), entry(2, term: 1)], hardState: HardState(term: 1, commit: 1))
        leader.becomeLeader()
        try! leader.node.readIndex(context: 7)
        var ready = leader.drain()
        XCTAssertEqual(ready.readStates, [])
        XCTAssertFalse(ready.messages.contains { $0.kind == .heartbeat }, "no round before the no-op commits")
        // The no-op (index 3) commits; the read now needs its heartbeat round.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 2, index: 3))
        XCTAssertEqual(leader.node.commitIndex, 3)
        ready = leader.drain()
        XCTAssertEqual(ready.readStates, [])
        let round = ready.messages.filter { $0.kind == .heartbeat }
        XCTAssertEqual(round.count, 2)
        leader.step(Message(kind: .heartbeatResponse, from: 2, to: 1, term: 2, context: round[0].context))
        ready = leader.drain()
        XCTAssertEqual(ready.readStates, [ReadState(index: 3, context: 7)])
    }

    func testReadsWaitingAtTheSameMomentShareOneHeartbeatRound() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        try cluster.nodes[1]!.readIndex(context: 1)
        try cluster.nodes[1]!.readIndex(context: 2)
        let ready = cluster.process(1)!
        XCTAssertEqual(ready.messages.filter { $0.kind == .heartbeat }.count, 2, "one heartbeat per follower")
        XCTAssertEqual(ready.readStates, [])
        cluster.settle()
        let commit = cluster[1].commitIndex
        XCTAssertEqual(cluster.readStates[1], [ReadState(index: commit, context: 1), ReadState(index: commit, context: 2)])
    }

    func testAReadIsNotConfirmedByAResponseToAnEarlierRound() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.tick(1)  // a periodic heartbeat round
        let earlier = cluster.take { $0.kind == .heartbeat }
        try cluster.nodes[1]!.readIndex(context: 5)
        cluster.process(1)
        let current = cluster.take { _ in true }
        // Answers to the earlier round do not confirm the read.
        for heartbeat in earlier {
            try cluster.nodes[1]!.step(Message(kind: .heartbeatResponse, from: heartbeat.to, to: 1, term: heartbeat.term, context: heartbeat.context))
        }
        cluster.processAll()
        XCTAssertEqual(cluster.readStates[1] ?? [], [])
        cluster.network = current
        cluster.settle()
        XCTAssertEqual(cluster.readStates[1]?.map(\.context), [5])
    }

    func testAPartitionedLeaderServesNoRead() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(1)
        try cluster.nodes[1]!.readIndex(context: 1)
        cluster.tickAll(times: 5)
        XCTAssertEqual(cluster.readStates[1] ?? [], [])
    }

    func testAFollowerRefersReadsToTheLeader() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        XCTAssertThrowsError(try cluster.nodes[2]!.readIndex(context: 1)) {
            XCTAssertEqual($0 as? RaftError, .notLeader(leaderHint: 1))
        }
    }

    func testASingleVoterAnswersAtOnce() throws {
        var cluster = LocalCluster(voters: [1])
        cluster.elect(1)
        try cluster.nodes[1]!.readIndex(context: 3)
        XCTAssertEqual(cluster.process(1)?.readStates, [ReadState(index: 1, context: 3)])
    }

    func testLeaseReadsSkipTheRoundOnlyWhileTheLeaseHolds() throws {
        var cluster = LocalCluster(voters: [1, 2, 3]) { $0.leaseReads = true }
        // With lease reads a started node honours a possible old lease for one timeout.
        cluster.tickAll(times: 10)
        cluster.elect(1)
        cluster.tickAll(times: 1)  // a heartbeat round acknowledged by both followers
        try cluster.nodes[1]!.readIndex(context: 1)
        let ready = cluster.process(1)!
        XCTAssertEqual(ready.readStates.map(\.context), [1])
        XCTAssertFalse(ready.messages.contains { $0.kind == .heartbeat })
        // Cut off, the lease runs out before an election timeout.
        cluster.isolate(1)
        cluster.tick(1, times: 8)
        cluster.processAll()
        try cluster.nodes[1]!.readIndex(context: 2)
        XCTAssertEqual(cluster.process(1)?.readStates ?? [], [])
    }

    func testLeaseReadsStopForTheTermOnceTimeoutNowWasSent() throws {
        var cluster = LocalCluster(voters: [1, 2, 3]) { $0.leaseReads = true }
        cluster.tickAll(times: 10)
        cluster.elect(1)
        cluster.tickAll(times: 1)
        try cluster.nodes[1]!.transferLeadership(to: 2)
        // The TimeoutNow is delayed somewhere; the transfer times out.
        let delayed = cluster.take { $0.kind == .timeoutNow }
        XCTAssertEqual(delayed.count, 1)
        cluster.tickAll(times: 10)
        XCTAssertEqual(cluster[1].leadershipTransferTarget, 0)
        XCTAssertEqual(cluster.leaders, [1])
        try cluster.nodes[1]!.readIndex(context: 9)
        let ready = cluster.process(1)!
        XCTAssertEqual(ready.readStates, [], "a late TimeoutNow could still elect node 2 behind the lease")
        XCTAssertTrue(ready.messages.contains { $0.kind == .heartbeat })
        cluster.settle()
        XCTAssertEqual(cluster.readStates[1]?.map(\.context), [9], "served through a heartbeat round instead")
    }

    func testLeaseReadsRequireCheckQuorum() {
        var configuration = RaftConfiguration()
        configuration.leaseReads = true
        configuration.checkQuorum = false
        XCTAssertThrowsError(try configuration.validate())
    }
}
