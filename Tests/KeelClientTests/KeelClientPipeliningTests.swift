import KeelClient
import KeelWire
import XCTest

/// Many requests on one connection: answers out of order, the in-flight bound, volume.
final class KeelClientPipeliningTests: KeelClientTestCase {
    func testAnswersOutOfOrderReachTheirCallers() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        let count = 50
        for index in 0..<count {
            try await client.put(Array("key-\(index)".utf8), value: Array("value-\(index)".utf8))
        }
        node.script { _ in .hold }

        try await withThrowingTaskGroup(of: (Int, [UInt8]?).self) { group in
            for index in 0..<count {
                group.addTask { (index, try await client.get(Array("key-\(index)".utf8))) }
            }
            try await self.waitUntil("every read is held") { node.heldCount == count }
            node.releaseHeld(order: .reversed)
            var answered = 0
            for try await (index, value) in group {
                XCTAssertEqual(value, Array("value-\(index)".utf8))
                answered += 1
            }
            XCTAssertEqual(answered, count)
        }
        XCTAssertEqual(node.connectionsAccepted, 1, "all of it on one connection")
    }

    func testInFlightRequestsAreBoundedPerConnection() async throws {
        let node = try await self.startNode()
        let limit = 4
        let client = self.makeClient(endpoints: [node.endpoint]) { $0.maximumInFlightRequestsPerConnection = limit }
        node.script { _ in .hold }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask { try await client.put(Array("k\(index)".utf8), value: [1]) }
            }
            try await self.waitUntil("the limit is reached") { node.heldCount == limit }
            node.script { _ in .serve }
            node.releaseHeld(order: .asReceived)
            try await group.waitForAll()
        }
        XCTAssertEqual(node.received.count, 40, "the callers that waited were sent afterwards, once each")
        XCTAssertEqual(node.maximumOutstanding, limit, "never more than the limit in flight")
    }

    func testAWaitingCallerStillHonoursItsDeadline() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint]) { $0.maximumInFlightRequestsPerConnection = 1 }
        node.script { _ in .hold }
        let first = Task { try await client.put("a".utf8, value: [1], timeout: .seconds(30)) }
        try await self.waitUntil("the first request is held") { node.heldCount == 1 }

        let error = await self.keelError { try await client.put("b".utf8, value: [1], timeout: .milliseconds(200)) }
        XCTAssertEqual(error?.outcomeIsUnknown, false, "it never left the client: \(String(describing: error))")
        XCTAssertEqual(node.received.count, 1)

        node.script { _ in .serve }
        node.releaseHeld(order: .asReceived)
        _ = try await first.value
        try await client.put("c".utf8, value: [1])
        XCTAssertEqual(node.received.count, 2, "the slot given up by the waiter was not lost")
    }

    func testThousandsOfConcurrentRequestsComplete() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint]) { $0.maximumInFlightRequestsPerConnection = 64 }
        let count = 5000
        try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<count {
                group.addTask { try await client.increment("counter".utf8) }
            }
            var values = Set<Int64>()
            for try await value in group {
                values.insert(value)
            }
            XCTAssertEqual(values, Set(1...Int64(count)), "every increment applied once, each saw its own value")
        }
        XCTAssertEqual(node.received.count, count)
        XCTAssertLessThanOrEqual(node.maximumOutstanding, 64)
    }

    func testShutdownFailsWaitingCallsAndLaterCalls() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        node.script { _ in .hold }
        let waiting = Task { try await client.put("k".utf8, value: [1], timeout: .seconds(30)) }
        try await self.waitUntil("the request is held") { node.heldCount == 1 }

        await client.shutdown()
        do {
            _ = try await waiting.value
            XCTFail("a call survived shutdown")
        } catch let error as KeelError {
            XCTAssertEqual(error, .shutDown)
            XCTAssertTrue(error.outcomeIsUnknown)
        }
        let later = await self.keelError { try await client.get("k".utf8) }
        XCTAssertEqual(later, .shutDown)
        try await self.waitUntil("the node sees the connection close") { node.heldCount == 0 }
    }
}
