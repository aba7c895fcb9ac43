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
