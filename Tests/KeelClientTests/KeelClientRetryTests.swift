import KeelClient
import KeelWire
import Synchronization
import XCTest

/// Leader tracking, retries with the same session stamp, deadlines and the outcome-unknown
/// distinction.
final class KeelClientRetryTests: KeelClientTestCase {
    func testFollowsTheNotLeaderHintAndRemembersTheLeader() async throws {
        let leader = try await self.startNode(nodeID: 1)
        let follower = try await self.startNode(nodeID: 2)
        let leaderAddress = leader.endpoint.description
        follower.script { _ in .answer(.error(ErrorReply(code: .notLeader, leaderID: 1, leaderAddress: leaderAddress))) }
        let client = self.makeClient(endpoints: [follower.endpoint])

        try await client.put("k".utf8, value: [1])
        XCTAssertEqual(client.believedLeader, leader.endpoint)
        XCTAssertEqual(leader.storedValue(Array("k".utf8)), [1])
        // The redirected attempt is the same write: same session stamp on both nodes.
        XCTAssertEqual(follower.received.map(\.session), leader.received.map(\.session))

        try await client.put("k".utf8, value: [2])
        _ = try await client.get("k".utf8)
        XCTAssertEqual(follower.received.count, 1, "later requests go straight to the known leader")
        XCTAssertEqual(leader.received.count, 3)
    }

    func testRetriesAfterALostConnectionWithTheSameSequenceNumber() async throws {
        let node = try await self.startNode()
        let dropped = Atomic<Int>(0)
        // Apply the first write, then drop the connection before answering: a lost answer.
        node.script { request in
            if request.operation.isWrite && dropped.add(1, ordering: .relaxed).newValue == 1 {
                return .closeConnection
            }
            return .serve
        }
        let client = self.makeClient(endpoints: [node.endpoint])

        let observed1 = try await client.increment("n".utf8)
        XCTAssertEqual(observed1, 1)
        let writes = node.received.filter(\.operation.isWrite)
        XCTAssertEqual(writes.count, 2)
        XCTAssertEqual(writes[0].session, writes[1].session, "a retry reuses the write's stamp")
        XCTAssertEqual(writes[0].session?.sequence, 1)
        XCTAssertEqual(node.connectionsAccepted, 2)

        let observed2 = try await client.increment("n".utf8)
        XCTAssertEqual(observed2, 2)
        XCTAssertEqual(node.received.last?.session?.sequence, 2, "a new write gets a new sequence number")
    }

    func testAnsweredRetryOfAnAppliedWriteIsNotAppliedTwice() async throws {
        let node = try await self.startNode()
        let attempts = Atomic<Int>(0)
        node.script { request in
            // The node applies the first attempt but times out answering it; the retry is
            // answered from the session table.
            if request.operation.isWrite && attempts.add(1, ordering: .relaxed).newValue == 1 {
                return .hold
            }
            return .serve
        }
        let client = self.makeClient(endpoints: [node.endpoint])
        let first = Task { try await client.increment("n".utf8, timeout: .seconds(20)) }
        try await self.waitUntil("the first attempt is held") { node.heldCount == 1 }
        node.releaseHeld(order: .asReceived)
        let observed3 = try await first.value
        XCTAssertEqual(observed3, 1)
        XCTAssertEqual(node.storedValue(Array("n".utf8)).flatMap(KeelClient.counterValue), 1)
    }

    func testUnavailableNodesAreRetriedElsewhere() async throws {
        let electing = try await self.startNode(nodeID: 1)
        let healthy = try await self.startNode(nodeID: 2)
        electing.script { _ in .answer(.error(ErrorReply(code: .unavailable, message: "election in progress"))) }
        let client = self.makeClient(endpoints: [electing.endpoint, healthy.endpoint])

        let observed4 = try await client.increment("n".utf8)
        XCTAssertEqual(observed4, 1)
        XCTAssertEqual(healthy.storedValue(Array("n".utf8)).flatMap(KeelClient.counterValue), 1)
        let stamps = Set((electing.received + healthy.received).map(\.session))
        XCTAssertEqual(stamps.count, 1, "every attempt of the write carries one stamp")
        XCTAssertEqual(client.believedLeader, healthy.endpoint)
    }

    func testOverloadedIsRetriedOnTheSameNode() async throws {
        let node = try await self.startNode()
        let attempts = Atomic<Int>(0)
        node.script { _ in
            attempts.add(1, ordering: .relaxed).newValue <= 3 ? .answer(.error(ErrorReply(code: .overloaded))) : .serve
        }
        let client = self.makeClient(endpoints: [node.endpoint])
        try await client.put("k".utf8, value: [1])
        XCTAssertEqual(node.received.count, 4)
    }

    func testNoNodeUpFailsAtTheDeadlineAsDefinitelyNotApplied() async throws {
        let endpoints = [try await self.closedEndpoint(), try await self.closedEndpoint(), try await self.closedEndpoint()]
        let client = self.makeClient(endpoints: endpoints)

        let error = await self.keelError { try await client.put("k".utf8, value: [1], timeout: .milliseconds(300)) }
        guard case .unavailable(let lastFailure) = error else {
            return XCTFail("expected unavailable, got \(String(describing: error))")
        }
        XCTAssertTrue(lastFailure.contains("cannot connect"), lastFailure)
        XCTAssertEqual(error?.outcomeIsUnknown, false)

        let readError = await self.keelError { try await client.get("k".utf8, timeout: .milliseconds(200)) }
        guard case .unavailable = readError else {
            return XCTFail("expected unavailable, got \(String(describing: readError))")
        }
    }

    func testANodeThatNeverAnswersTimesOutWithUnknownOutcome() async throws {
        let node = try await self.startNode()
        node.script { _ in .hold }
        let client = self.makeClient(endpoints: [node.endpoint])

        let error = await self.keelError { try await client.put("k".utf8, value: [1], timeout: .milliseconds(300)) }
        guard case .timedOut = error else {
            return XCTFail("expected timedOut, got \(String(describing: error))")
        }
        XCTAssertEqual(error?.outcomeIsUnknown, true)
        XCTAssertEqual(node.received.count, 1)
        XCTAssertLessThanOrEqual(node.received[0].timeoutMilliseconds, 300, "the node is told the deadline")
    }

    func testAWriteWhoseConnectionKeepsDroppingTimesOutWithUnknownOutcome() async throws {
        let node = try await self.startNode()
        node.script { _ in .closeConnection }
        let client = self.makeClient(endpoints: [node.endpoint])

        let error = await self.keelError { try await client.increment("n".utf8, timeout: .milliseconds(300)) }
        guard case .timedOut(let lastFailure) = error else {
            return XCTFail("expected timedOut, got \(String(describing: error))")
        }
        XCTAssertEqual(error?.outcomeIsUnknown, true)
        // The last attempt either saw its connection close or was still waiting for the answer
        // when the deadline came (both after sending, so the outcome is unknown either way).
        XCTAssertTrue(lastFailure.contains("lost") || lastFailure.contains("did not answer in time"), lastFailure)
        XCTAssertGreaterThan(node.received.count, 1, "the write was retried")
        XCTAssertEqual(Set(node.received.map(\.session)).count, 1, "always with the same stamp")
    }

    func testAReadWhoseConnectionKeepsDroppingIsRetriedAndEndsAsUnavailable() async throws {
        let node = try await self.startNode()
        node.script { _ in .closeConnection }
        let client = self.makeClient(endpoints: [node.endpoint])

        // A read changes nothing, so an attempt lost after sending leaves nothing unknown.
        let error = await self.keelError { try await client.get("k".utf8, timeout: .milliseconds(300)) }
        guard case .unavailable = error else {
            return XCTFail("expected unavailable, got \(String(describing: error))")
        }
        XCTAssertEqual(error?.outcomeIsUnknown, false)
        XCTAssertGreaterThan(node.received.count, 1, "the read was retried")
        let rangeError = await self.keelError {
            _ = try await client.zrange("t".utf8, limit: 10, timeout: .milliseconds(300))
        }
        XCTAssertEqual(rangeError?.outcomeIsUnknown, false, "\(String(describing: rangeError))")
    }

    func testStaleReadsAreSpreadAcrossNodes() async throws {
        let nodes = [
            try await self.startNode(nodeID: 1), try await self.startNode(nodeID: 2), try await self.startNode(nodeID: 3),
        ]
        let client = self.makeClient(endpoints: nodes.map(\.endpoint))
        for _ in 0..<30 {
            _ = try await client.get("k".utf8, consistency: .stale)
        }
        for node in nodes {
            XCTAssertEqual(node.received.count, 10, "node \(node.nodeID)")
            XCTAssertTrue(node.received.allSatisfy { $0.operation == .get(key: Array("k".utf8), consistency: .stale) })
        }
    }

    func testWrongClusterIsThrownWithoutRetrying() async throws {
        let node = try await self.startNode(clusterID: "someone-else")
        let client = self.makeClient(endpoints: [node.endpoint])

        let error = await self.keelError { try await client.put("k".utf8, value: [1], timeout: .seconds(30)) }
        guard case .wrongCluster(let endpoint, _) = error else {
            return XCTFail("expected wrongCluster, got \(String(describing: error))")
        }
        XCTAssertEqual(endpoint, node.endpoint)
        XCTAssertEqual(error?.outcomeIsUnknown, false)
        XCTAssertEqual(node.connectionsAccepted, 1)
        XCTAssertTrue(node.received.isEmpty)
    }

    func testCancellingACallStopsItsRetries() async throws {
        let node = try await self.startNode()
        node.script { _ in .hold }
        let client = self.makeClient(endpoints: [node.endpoint])
        let call = Task { try await client.put("k".utf8, value: [1], timeout: .seconds(30)) }
        try await self.waitUntil("the request is held") { node.heldCount == 1 }
        call.cancel()
        do {
            _ = try await call.value
            XCTFail("a cancelled call returned")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
    }
}
