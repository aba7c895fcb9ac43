@testable import KeelClient
import KeelWire
import Logging
import NIOCore
import NIOPosix
import XCTest

/// The connection's one deadline timer: requests fail when their own deadline passes, in
/// deadline order, answered ones are left alone, and nothing stays scheduled after shutdown.
final class NodeConnectionDeadlineTests: KeelClientTestCase {
    private var connections: [NodeConnection] = []

    override func tearDown() async throws {
        for connection in self.connections {
            await connection.shutdown()
        }
        self.connections = []
        try await super.tearDown()
    }

    /// How one send ended, and when.
    private enum SendOutcome: Sendable {
        case answered(ClientResult)
        case failed(ConnectionFailure, at: NIODeadline)
    }

    /// A node that holds every read of a key starting with `held` and serves everything else.
    private func startHoldingNode() async throws -> FakeKeelNode {
        let node = try await self.startNode()
        node.script { request in
            if case .get(let key, _) = request.operation, key.starts(with: Array("held".utf8)) {
                return .hold
            }
            return .serve
        }
        return node
    }

    private func connect(to node: FakeKeelNode) -> NodeConnection {
        var logger = Logger(label: "keel.client.test")
        logger.logLevel = .info
        let connection = NodeConnection(
            endpoint: node.endpoint,
            configuration: KeelClientConfiguration(clusterID: "test-cluster"),
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            logger: logger
        )
        self.connections.append(connection)
        return connection
    }

    private static func send(_ key: String, on connection: NodeConnection, deadline: NIODeadline) async -> SendOutcome {
        do {
            let response = try await connection.send(.get(key: Array(key.utf8), consistency: .stale), session: nil, deadline: deadline)
            return .answered(response.result)
        } catch {
            return .failed(error, at: .now())
        }
    }

    private static func sendInTask(_ key: String, on connection: NodeConnection, deadline: NIODeadline) -> Task<SendOutcome, Never> {
        Task { await self.send(key, on: connection, deadline: deadline) }
    }

    private func assertDeadlinePassed(
        _ outcome: SendOutcome,
        deadline: NIODeadline,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        guard case .failed(let failure, let endedAt) = outcome, case .deadlinePassed(requestSent: true) = failure else {
            XCTFail("expected deadlinePassed after sending, got \(outcome)", file: file, line: line)
            return
        }
        XCTAssertGreaterThanOrEqual(endedAt, deadline, "failed before its deadline", file: file, line: line)
    }

    func testARequestNeverAnsweredFailsWithDeadlinePassed() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let deadline = NIODeadline.now() + .milliseconds(200)

        let outcome = await Self.send("held", on: connection, deadline: deadline)

        self.assertDeadlinePassed(outcome, deadline: deadline)
        XCTAssertEqual(node.heldCount, 1, "the request was sent and never answered")
        XCTAssertEqual(connection.pendingCount, 0)
        XCTAssertNil(connection.armedDeadline, "nothing left to time")
    }

    func testRequestsFailInDeadlineOrderWhileOthersAreAnswered() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let start = NIODeadline.now()
        // Added latest first, then earliest, then between: the timer moves earlier once.
        let plan: [(name: String, deadline: NIODeadline)] = [
            ("late", start + .milliseconds(3_500)),
            ("early", start + .milliseconds(1_500)),
            ("middle", start + .milliseconds(2_500)),
        ]

        let outcomes = try await withThrowingTaskGroup(of: (String, SendOutcome).self) { group in
            for (index, request) in plan.enumerated() {
                group.addTask {
                    let outcome = await Self.send("held-\(request.name)", on: connection, deadline: request.deadline)
                    return (request.name, outcome)
                }
                try await self.waitUntil("\(request.name) is held") { node.heldCount == index + 1 }
                XCTAssertEqual(connection.armedDeadline, plan[0...index].map(\.deadline).min(), "armed for the earliest")
            }
            for index in 0..<20 {
                let outcome = await Self.send("served-\(index)", on: connection, deadline: .now() + .seconds(20))
                guard case .answered(.get) = outcome else {
                    XCTFail("a request the node answers got \(outcome)")
                    continue
                }
            }
            var outcomes: [(String, SendOutcome)] = []
            for try await outcome in group {
                outcomes.append(outcome)
            }
            return outcomes
        }

        XCTAssertEqual(outcomes.map(\.0), ["early", "middle", "late"], "failed in deadline order")
        for (name, outcome) in outcomes {
            let deadline = try XCTUnwrap(plan.first { $0.name == name }?.deadline)
            self.assertDeadlinePassed(outcome, deadline: deadline)
        }
        XCTAssertEqual(connection.pendingCount, 0)
        XCTAssertNil(connection.armedDeadline, "no timer once nothing is pending")
    }

    func testARequestAnsweredInTimeIsNotFailedLater() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let shortDeadline = NIODeadline.now() + .milliseconds(300)

        let answered = await Self.send("answered", on: connection, deadline: shortDeadline)
        guard case .answered(.get) = answered else {
            return XCTFail("expected an answer, got \(answered)")
        }
        XCTAssertEqual(connection.armedDeadline, shortDeadline, "the timer stays armed for the answered request")

        let longDeadline = NIODeadline.now() + .seconds(30)
        let held = Self.sendInTask("held", on: connection, deadline: longDeadline)
        try await self.waitUntil("the second request is held") { node.heldCount == 1 }
        try await self.waitUntil("the timer fired for the answered request and moved on") {
            connection.armedDeadline == longDeadline
        }
        XCTAssertEqual(connection.pendingCount, 1, "the timer failed nothing that was not due")

        node.releaseHeld(order: .asReceived)
        let outcome = await held.value
        guard case .answered(.get) = outcome else {
            return XCTFail("expected the held request's answer, got \(outcome)")
        }
    }

    func testShutdownLeavesNoTimer() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let held = Self.sendInTask("held", on: connection, deadline: .now() + .seconds(30))
        try await self.waitUntil("the request is held") { node.heldCount == 1 }
        XCTAssertNotNil(connection.armedDeadline)

        await connection.shutdown()

        XCTAssertNil(connection.armedDeadline, "shutdown cancelled the timer")
        let pending = await held.value
        guard case .failed(.shutDown(requestSent: true), _) = pending else {
            return XCTFail("the pending request must fail with shutDown after sending, got \(pending)")
        }
        let late = await Self.send("served", on: connection, deadline: .now() + .seconds(30))
        guard case .failed(.shutDown(requestSent: false), _) = late else {
            return XCTFail("a send after shutdown must fail before sending, got \(late)")
        }
        XCTAssertNil(connection.armedDeadline, "a send after shutdown arms nothing")
    }

    func testCancellingTheCallerStillEndsItsRequest() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let held = Self.sendInTask("held", on: connection, deadline: .now() + .seconds(30))
        try await self.waitUntil("the request is held") { node.heldCount == 1 }

        held.cancel()

        let cancelled = await held.value
        guard case .failed(.cancelled(requestSent: true), _) = cancelled else {
            return XCTFail("a cancelled request must fail with cancelled after sending, got \(cancelled)")
        }
        XCTAssertEqual(connection.pendingCount, 0)
        let next = await Self.send("served", on: connection, deadline: .now() + .seconds(30))
        guard case .answered(.get) = next else {
            return XCTFail("the connection must keep serving, got \(next)")
        }
    }
}
