import KeelClient
import KeelWire
import XCTest

/// Admin operations: addressed to one node or to the leader; membership changes are never
/// repeated once an attempt's outcome is unknown.
final class KeelClientAdminTests: KeelClientTestCase {
    func testStatusAsksTheNamedNode() async throws {
        let first = try await self.startNode(nodeID: 1)
        let second = try await self.startNode(nodeID: 2)
        let client = self.makeClient(endpoints: [first.endpoint, second.endpoint])

        let status = try await client.status(of: second.endpoint)
        XCTAssertEqual(status.nodeID, 2)
        XCTAssertEqual(status.role, .leader)
        XCTAssertTrue(first.received.isEmpty)
        XCTAssertEqual(second.received.map(\.operation), [.admin(.status)])
    }

    func testStatusOfEveryNodeReportsUnreachableNodesSeparately() async throws {
        let node = try await self.startNode(nodeID: 7)
        let closed = try await self.closedEndpoint()
        let client = self.makeClient(endpoints: [closed, node.endpoint])

        let report = await client.statusOfEveryNode(timeout: .milliseconds(300))
        XCTAssertEqual(report.map(\.endpoint), [closed, node.endpoint])
        guard case .failure(.unavailable) = report[0].status else {
            return XCTFail("expected the closed port to be unavailable, got \(report[0].status)")
        }
        XCTAssertEqual(try report[1].status.get().nodeID, 7)
    }

    func testMembershipChangesGoToTheLeader() async throws {
        let leader = try await self.startNode(nodeID: 1)
        let follower = try await self.startNode(nodeID: 2)
        let leaderAddress = leader.endpoint.description
        follower.script { request in
            // Status and snapshots are served by any node; the rest is the leader's.
            if case .admin(let operation) = request.operation, !operation.requiresLeader {
                return .serve
            }
            return .answer(.error(ErrorReply(code: .notLeader, leaderID: 1, leaderAddress: leaderAddress)))
        }
        let client = self.makeClient(endpoints: [follower.endpoint])

        let added = try await client.addLearner(nodeID: 4, clientAddress: "127.0.0.1:7104", peerAddress: "127.0.0.1:7204")
        XCTAssertEqual(added.members.map(\.nodeID), [1, 4])
        XCTAssertEqual(added.members.last?.isVoter, false)
        let promoted = try await client.promote(nodeID: 4)
        XCTAssertEqual(promoted.members.last?.isVoter, true)
        let removed = try await client.remove(nodeID: 4)
        XCTAssertEqual(removed.members.map(\.nodeID), [1])
        let membership = try await client.members()
        XCTAssertEqual(membership.leaderID, 1)

        let transfer = try await client.transferLeadership(to: 3)
        XCTAssertEqual(transfer, LeadershipTransfer(leaderID: 3, term: 2))
        XCTAssertNil(client.believedLeader, "after a transfer the leader is looked up again")

        let snapshot = try await client.takeSnapshot(on: follower.endpoint)
        XCTAssertEqual(snapshot.term, 1)
        XCTAssertEqual(follower.received.last?.operation, .admin(.takeSnapshot))
    }

    func testAMembershipChangeIsNotRepeatedAfterALostAnswer() async throws {
        let node = try await self.startNode()
        node.script { request in
            if case .admin(.addLearner) = request.operation {
                return .closeConnection
            }
            return .serve
        }
        let client = self.makeClient(endpoints: [node.endpoint])

        let error = await self.keelError {
            try await client.addLearner(nodeID: 4, clientAddress: "127.0.0.1:1", peerAddress: "127.0.0.1:2", timeout: .seconds(30))
        }
        guard case .timedOut = error else {
            return XCTFail("expected timedOut (outcome unknown), got \(String(describing: error))")
        }
        XCTAssertEqual(node.received.count, 1, "the change was not sent twice")
    }
}
