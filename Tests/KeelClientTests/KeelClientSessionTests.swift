import KeelClient
import KeelWire
import XCTest

/// How writes are given exactly-once sessions: never two writes of one session in flight, a
/// new session after an unknown outcome, a bound on concurrent writes.
final class KeelClientSessionTests: KeelClientTestCase {
    func testConcurrentWritesNeverShareASession() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        node.script { _ in .hold }
        let count = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask { try await client.put(Array("k\(index)".utf8), value: [1]) }
            }
            try await self.waitUntil("every write is held") { node.heldCount == count }
            let sessions = node.received.compactMap(\.session)
            XCTAssertEqual(sessions.count, count)
            XCTAssertEqual(Set(sessions.map(\.clientID)).count, count, "one session per write in flight")
            node.script { _ in .serve }
            node.releaseHeld(order: .reversed)
            try await group.waitForAll()
        }
        // Sessions come back to the pool and are numbered on.
        try await client.put("after".utf8, value: [1])
        let last = try XCTUnwrap(node.received.last?.session)
        XCTAssertEqual(last.sequence, 2)
    }

    func testConcurrentWritesAreBounded() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint]) { $0.maximumConcurrentWrites = 3 }
        node.script { _ in .hold }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask { try await client.increment(Array("k\(index % 2)".utf8)) }
            }
            try await self.waitUntil("the bound is reached") { node.heldCount == 3 }
            // Reads do not need a session and pass the waiting writers.
            node.script { request in request.operation.isWrite ? .hold : .serve }
            _ = try await client.get("k0".utf8)
            XCTAssertEqual(node.heldCount, 3, "the other nine writes wait in the client")
            node.script { _ in .serve }
            node.releaseHeld(order: .asReceived)
            try await group.waitForAll()
        }
        XCTAssertEqual(node.maximumOutstanding, 4, "three writes and the read")
        let sessions = Set(node.received.compactMap(\.session?.clientID))
        XCTAssertEqual(sessions.count, 3, "three sessions served all twelve writes")
        XCTAssertEqual(node.storedValue(Array("k0".utf8)).flatMap(KeelClient.counterValue), 6)
    }

    func testAWriteWithUnknownOutcomeRetiresItsSession() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        try await client.put("a".utf8, value: [1])
        let first = try XCTUnwrap(node.received.last?.session)

        node.script { _ in .hold }
        let error = await self.keelError { try await client.put("b".utf8, value: [1], timeout: .milliseconds(200)) }
        XCTAssertEqual(error?.outcomeIsUnknown, true)

        node.script { _ in .serve }
        try await client.put("c".utf8, value: [1])
        let next = try XCTUnwrap(node.received.last?.session)
        XCTAssertNotEqual(next.clientID, first.clientID)
        XCTAssertEqual(next.sequence, 1, "a new session starts at 1")
    }

    func testADefiniteFailureKeepsAConfirmedSessionButRetiresANewOne() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])

        // The session's first write fails: the cluster never confirmed the session.
        _ = await self.keelError { try await client.compareAndSet("k".utf8, expected: .value([1]), replacement: .delete) }
        try await client.put("k".utf8, value: [1])
        let failed = try XCTUnwrap(node.received[0].session)
        let second = try XCTUnwrap(node.received[1].session)
        XCTAssertNotEqual(failed.clientID, second.clientID)
        XCTAssertEqual(second.sequence, 1)

        // Once confirmed, a refused write only moves the numbering on.
        _ = await self.keelError { try await client.compareAndSet("k".utf8, expected: .absent, replacement: .delete) }
        try await client.put("k".utf8, value: [2])
        XCTAssertEqual(node.received[2].session, WriteSession(clientID: second.clientID, sequence: 2))
        XCTAssertEqual(node.received[3].session, WriteSession(clientID: second.clientID, sequence: 3))
    }
}
