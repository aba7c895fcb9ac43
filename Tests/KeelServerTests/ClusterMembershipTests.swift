import Foundation
import KeelTestKit
import KeelWire
import XCTest

final class ClusterMembershipTests: ClusterTestCase {
    func testAddLearnerPromoteItAndRemoveAnotherNode() throws {
        let cluster = try startCluster()
        for index in 0..<20 { XCTAssertNotNil(try put("m\(index)", "v\(index)")) }
        let joining = try cluster.addJoiningNode()

        let added = try callLeader(.admin(.addLearner(nodeID: joining.id, clientAddress: joining.clientAddress, peerAddress: joining.peerAddress)))
        guard case .admin(.addLearner(let members, _)) = added else { return XCTFail("add learner: \(added)") }
        XCTAssertEqual(members.first { $0.nodeID == joining.id }?.isVoter, false)

        _ = try cluster.waitFor("the learner to receive the log") { try get("m19", from: joining.id, consistency: .stale) }
        let learnerStatus = try XCTUnwrap(cluster.status(joining.id))
        XCTAssertFalse(learnerStatus.isVoter)

        let promoted = try callLeader(.admin(.promote(nodeID: joining.id)))
        guard case .admin(.promote(let afterPromotion, _)) = promoted else { return XCTFail("promote: \(promoted)") }
        XCTAssertEqual(afterPromotion.first { $0.nodeID == joining.id }?.isVoter, true)

        let leader = try cluster.waitForLeader()
        let removed = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        let removal = try callLeader(.admin(.remove(nodeID: removed)))
        guard case .admin(.remove(let afterRemoval, _)) = removal else { return XCTFail("remove: \(removal)") }
        XCTAssertEqual(Set(afterRemoval.map(\.nodeID)), Set([1, 2, 3, joining.id]).subtracting([removed]))
        XCTAssertTrue(afterRemoval.allSatisfy(\.isVoter))
        cluster.kill(removed)

        let listed = try callLeader(.admin(.members))
        guard case .admin(.members(let current, let leaderID)) = listed else { return XCTFail("members: \(listed)") }
        XCTAssertEqual(Set(current.map(\.nodeID)), Set([1, 2, 3, joining.id]).subtracting([removed]))
        XCTAssertNotEqual(leaderID, 0)
        XCTAssertEqual(current.first { $0.nodeID == joining.id }?.clientAddress, joining.clientAddress)

        // The new membership commits writes, and the promoted node has them.
        XCTAssertNotNil(try put("after-change", "yes"))
        _ = try cluster.waitFor("the promoted node to apply") { try get("after-change", from: joining.id, consistency: .stale) }
    }

    func testTransferLeadership() throws {
        let cluster = try startCluster()
        XCTAssertNotNil(try put("t", "1"))
        let leader = try cluster.waitForLeader()
        let target = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        let result = try cluster.waitFor("the transfer") { () -> ClientResult? in
            let answer = try cluster.client(leader).call(.admin(.transferLeadership(to: target)), timeoutMilliseconds: 5000)
            if case .error(let error) = answer, error.code == .unavailable { return nil }
            return answer
        }
        guard case .admin(.transferLeadership(let newLeader, _)) = result else { return XCTFail("transfer: \(result)") }
        XCTAssertEqual(newLeader, target)
        XCTAssertEqual(try cluster.waitForLeader(), target)
        XCTAssertEqual(try get("t"), Array("1".utf8))
    }

    func testRemovingTheLeaderHandsLeadershipToTheOthers() throws {
        let cluster = try startCluster()
        XCTAssertNotNil(try put("r", "1"))
        let leader = try cluster.waitForLeader()
        let result = try cluster.waitFor("the leader's removal") { () -> ClientResult? in
            let answer = try cluster.client(leader).call(.admin(.remove(nodeID: leader)), timeoutMilliseconds: 5000)
            if case .error(let error) = answer, error.code == .unavailable { return nil }
            return answer
        }
        guard case .admin(.remove(let members, _)) = result else { return XCTFail("remove: \(result)") }
        XCTAssertFalse(members.contains { $0.nodeID == leader })
        cluster.kill(leader)
        let successor = try cluster.waitForLeader(excluding: [leader])
        XCTAssertNotEqual(successor, leader)
        XCTAssertNotNil(try put("r", "2"))
        XCTAssertEqual(try get("r"), Array("2".utf8))
    }

    func testMembershipChangesOnAFollowerAnswerNotLeader() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let follower = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        _ = try cluster.waitFor("the follower to know the leader") { cluster.status(follower)?.leaderID == leader ? true : nil }
        let answer = try cluster.client(follower).call(.admin(.remove(nodeID: leader)))
        guard case .error(let error) = answer else { return XCTFail("follower answered \(answer)") }
        XCTAssertEqual(error.code, .notLeader)
        XCTAssertEqual(error.leaderID, leader)
    }
}
