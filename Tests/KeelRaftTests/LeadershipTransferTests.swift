import KeelRaft
import XCTest

final class LeadershipTransferTests: XCTestCase {
    func testTransferToAnUpToDateFollower() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        let term = cluster[1].term
        try cluster.nodes[1]!.transferLeadership(to: 2)
        let sent = cluster.take { $0.from == 1 && $0.to == 2 }
        XCTAssertEqual(sent.map(\.kind), [.timeoutNow])
        cluster.network.append(contentsOf: sent)
        cluster.settle()
        XCTAssertEqual(cluster.leaders, [2])
        XCTAssertEqual(cluster[2].term, term + 1)
        XCTAssertEqual(cluster[1].leader, 2)
    }

    func testTransferToALaggingFollowerCatchesItUpFirst() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(3)
        for value: UInt8 in 1...5 { try cluster.nodes[1]!.propose([value]) }
        cluster.settle()
        cluster.heal()
        XCTAssertLessThan(cluster[3].lastIndex, cluster[1].lastIndex)
        try cluster.nodes[1]!.transferLeadership(to: 3)
        XCTAssertEqual(cluster.take { $0.from == 1 && $0.to == 3 }.map(\.kind).contains(.timeoutNow), false,
                       "no TimeoutNow before the target has the whole log")
        XCTAssertThrowsError(try cluster.nodes[1]!.propose([6])) { error in
            XCTAssertEqual(error as? RaftError, .leadershipTransferInProgress(target: 3))
        }
        cluster.tickAll(times: 3)
        XCTAssertEqual(cluster.leaders, [3])
        XCTAssertEqual(cluster.appliedData(3), (1...5).map { [UInt8($0)] })
    }

    func testATransferThatDoesNotCompleteIsAbandonedAfterAnElectionTimeout() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(3)
        cluster.cutLinks.remove([1, 3])
        cluster.cutLinks.remove([3, 1])
        cluster.cutLinks.insert([1, 3])  // node 3 cannot hear the leader
        try cluster.nodes[1]!.transferLeadership(to: 3)
        XCTAssertEqual(cluster[1].leadershipTransferTarget, 3)
        cluster.tickAll(times: 9)
        XCTAssertEqual(cluster[1].leadershipTransferTarget, 3)
        cluster.tickAll(times: 1)
        XCTAssertEqual(cluster[1].leadershipTransferTarget, 0)
        XCTAssertEqual(cluster[1].role, .leader)
        XCTAssertNoThrow(try cluster.nodes[1]!.propose([1]), "proposals are taken again")
    }

    func testInvalidTargetsAreRefused() {
        var cluster = LocalCluster(voters: [1, 2, 3], learners: [4])
        cluster.elect(1)
        XCTAssertThrowsError(try cluster.nodes[1]!.transferLeadership(to: 4)) {
            XCTAssertEqual($0 as? RaftError, .invalidTransferTarget(4))
        }
        XCTAssertThrowsError(try cluster.nodes[1]!.transferLeadership(to: 1)) {
            XCTAssertEqual($0 as? RaftError, .invalidTransferTarget(1))
        }
        XCTAssertThrowsError(try cluster.nodes[2]!.transferLeadership(to: 3)) {
            XCTAssertEqual($0 as? RaftError, .notLeader(leaderHint: 1))
        }
    }
}
