import KeelClient
import KeelWire
import XCTest

/// Every key-value operation against a fake node that serves from memory.
final class KeelClientOperationTests: KeelClientTestCase {
    func testEachOperationRoundTrips() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])

        let putIndex = try await client.put("a".utf8, value: "1".utf8)
        let observed1 = try await client.get("a".utf8)
        XCTAssertEqual(observed1, Array("1".utf8))
        let read = try await client.read("a".utf8, consistency: .stale)
        XCTAssertEqual(read, ReadResult(value: Array("1".utf8), appliedIndex: putIndex))
        let observed2 = try await client.get("missing".utf8, consistency: .lease)
        XCTAssertNil(observed2)

        let observed3 = try await client.increment("n".utf8)
        XCTAssertEqual(observed3, 1)
        let observed4 = try await client.increment("n".utf8, by: 41)
        XCTAssertEqual(observed4, 42)
        let observed5 = try await client.get("n".utf8).flatMap(KeelClient.counterValue)
        XCTAssertEqual(observed5, 42)

        try await client.compareAndSet("lock".utf8, expected: .absent, replacement: .value([7]))
        try await client.compareAndSet("lock".utf8, expected: .value([7]), replacement: .value([8]))
        let observed6 = try await client.get("lock".utf8)
        XCTAssertEqual(observed6, [8])
        try await client.compareAndSet("lock".utf8, expected: .value([8]), replacement: .delete)
        let observed7 = try await client.get("lock".utf8)
        XCTAssertNil(observed7)

        let batch = try await client.batch([
            .put(key: Array("b".utf8), value: [1]),
            .increment(key: Array("n".utf8), delta: 1),
            .compareAndSet(key: Array("b".utf8), expected: .value([1]), replacement: .value([2])),
            .increment(key: Array("m".utf8), delta: -5),
            .delete(key: Array("a".utf8)),
        ])
        XCTAssertEqual(batch.incrementValues, [43, -5])
        let observed8 = try await client.get("b".utf8)
        XCTAssertEqual(observed8, [2])
        let observed9 = try await client.get("a".utf8)
        XCTAssertNil(observed9)

        try await client.delete("b".utf8)
        XCTAssertNil(node.storedValue(Array("b".utf8)))
    }

    func testWritesCarryTheSessionAndIncreasingSequences() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        try await client.put([1], value: [1])
        _ = try await client.get([1])
        try await client.increment([2])
        try await client.batch([])

        let requests = node.received
        XCTAssertEqual(requests.count, 4)
        let sessionID = try XCTUnwrap(requests[0].session?.clientID)
        XCTAssertNotEqual(sessionID, 0)
        XCTAssertEqual(requests[0].session, WriteSession(clientID: sessionID, sequence: 1))
        XCTAssertNil(requests[1].session, "reads carry no session")
        // One write at a time: the same session, numbered on.
        XCTAssertEqual(requests[2].session, WriteSession(clientID: sessionID, sequence: 2))
        XCTAssertEqual(requests[3].session, WriteSession(clientID: sessionID, sequence: 3))
        XCTAssertEqual(requests[1].operation, .get(key: [1], consistency: .linearizable))
        for request in requests {
            XCTAssertGreaterThan(request.timeoutMilliseconds, 0, "the deadline travels with the request")
        }
    }

    func testScanPagesThroughAPrefix() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        for index in 0..<7 {
            try await client.put(Array("user:\(index)".utf8), value: [UInt8(index)])
        }
        try await client.put("other".utf8, value: [99])

        var collected: [ScanEntry] = []
        var startAfter: [UInt8]? = nil
        var pages = 0
        repeat {
            let page = try await client.scan(prefix: "user:".utf8, startAfter: startAfter, limit: 3)
            collected += page.entries
            startAfter = page.nextStartAfter
            pages += 1
        } while startAfter != nil
        XCTAssertEqual(pages, 3)
        XCTAssertEqual(collected.map(\.value), (0..<7).map { [UInt8($0)] })
        XCTAssertEqual(node.received.last?.operation, .scan(prefix: Array("user:".utf8), startAfter: Array("user:5".utf8), limit: 3, consistency: .linearizable))
    }

    func testGetManyIsOneRequestAnsweredInKeyOrder() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        try await client.put("a".utf8, value: [1])
        try await client.put("b".utf8, value: [])
        let sentBefore = node.received.count
        let values = try await client.getMany(["b".utf8, "missing".utf8, "a".utf8], consistency: .lease)
        XCTAssertEqual(values, [[], nil, [1]])
        XCTAssertEqual(node.received.count, sentBefore + 1)
        XCTAssertEqual(
            node.received.last?.operation,
            .getMany(keys: [Array("b".utf8), Array("missing".utf8), Array("a".utf8)], consistency: .lease)
        )
        let read = try await client.readMany([[UInt8]](), consistency: .stale)
        XCTAssertEqual(read.values, [])
    }

    func testRefusalsAreThrownAtOnceAndTyped() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])

        let conditionFailed = await self.keelError {
            try await client.compareAndSet("k".utf8, expected: .value([9]), replacement: .value([1]))
        }
        guard case .conditionFailed = conditionFailed else {
            return XCTFail("expected conditionFailed, got \(String(describing: conditionFailed))")
        }
        XCTAssertEqual(conditionFailed?.outcomeIsUnknown, false)
        XCTAssertEqual(node.received.count, 1, "a failed condition is not retried")

        try await client.put("text".utf8, value: "not a counter".utf8)
        let invalid = await self.keelError { try await client.increment("text".utf8) }
        guard case .invalidArgument = invalid else {
            return XCTFail("expected invalidArgument, got \(String(describing: invalid))")
        }

        node.script { _ in .answer(.error(ErrorReply(code: .internal, message: "disk on fire"))) }
        let failure = await self.keelError { try await client.put("x".utf8, value: [1]) }
        XCTAssertEqual(failure, .serverFailure(code: ErrorCode.internal.rawValue, message: "disk on fire"))
        XCTAssertEqual(failure?.outcomeIsUnknown, true)

        node.script { _ in .answer(.error(ErrorReply(code: .unknownCommand))) }
        let unknown = await self.keelError { try await client.get("x".utf8) }
        XCTAssertEqual(unknown, .unknownCommand(message: ""))
        XCTAssertEqual(node.received.count, 5, "none of the refusals was retried")
    }

    func testAResultOfTheWrongKindIsAnUnexpectedResponse() async throws {
        let node = try await self.startNode()
        let client = self.makeClient(endpoints: [node.endpoint])
        node.script { _ in .answer(.delete(appliedIndex: 3)) }
        let error = await self.keelError { try await client.put("k".utf8, value: [1]) }
        guard case .unexpectedResponse = error else {
            return XCTFail("expected unexpectedResponse, got \(String(describing: error))")
        }
        XCTAssertEqual(error?.outcomeIsUnknown, true)
    }
}
