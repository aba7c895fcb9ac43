@testable import KeelClient
import KeelWire
import Logging
import NIOCore
import NIOPosix
import Synchronization
import XCTest

/// The connection's one deadline timer: requests and callers waiting for a slot fail when
/// their own deadline passes, in deadline order, answered ones are left alone, and nothing
/// stays scheduled after shutdown.
///
/// Sends run in tasks that record how they ended; the tests wait for those records with a
/// deadline, so a timer that never fires fails the test instead of hanging it (tearDown's
/// shutdown then ends the stuck sends).
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

    /// The outcomes of sends started in tasks, in the order they ended.
    private final class SendLog: Sendable {
        private let entries = Mutex<[(name: String, outcome: SendOutcome)]>([])

        var ended: [(name: String, outcome: SendOutcome)] {
            self.entries.withLock { $0 }
        }

        func outcome(of name: String) -> SendOutcome? {
            self.entries.withLock { entries in entries.first { $0.name == name }?.outcome }
        }

        /// Sends a read of `key` in a new task and records how it ended under `key`.
        func start(_ key: String, on connection: NodeConnection, deadline: NIODeadline) {
            Task {
                let outcome = await NodeConnectionDeadlineTests.send(key, on: connection, deadline: deadline)
                self.entries.withLock { $0.append((key, outcome)) }
            }
        }
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

    private func connect(
        to node: FakeKeelNode,
        configure: (inout KeelClientConfiguration) -> Void = { _ in }
    ) -> NodeConnection {
        var logger = Logger(label: "keel.client.test")
        logger.logLevel = .info
        var configuration = KeelClientConfiguration(clusterID: "test-cluster")
        configure(&configuration)
        let connection = NodeConnection(
            endpoint: node.endpoint,
            configuration: configuration,
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
        _ outcome: SendOutcome?,
        deadline: NIODeadline,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        guard case .failed(let failure, let endedAt)? = outcome, case .deadlinePassed(requestSent: true) = failure else {
            XCTFail("expected deadlinePassed after sending, got \(String(describing: outcome))", file: file, line: line)
            return
        }
        XCTAssertGreaterThanOrEqual(endedAt, deadline, "failed before its deadline", file: file, line: line)
    }

    private func assertAnswered(_ outcome: SendOutcome?, file: StaticString = #filePath, line: UInt = #line) {
        guard case .answered(.get)? = outcome else {
            XCTFail("expected the node's answer, got \(String(describing: outcome))", file: file, line: line)
            return
        }
    }

    func testARequestNeverAnsweredFailsWithDeadlinePassed() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let log = SendLog()
        let deadline = NIODeadline.now() + .milliseconds(200)

        log.start("held", on: connection, deadline: deadline)
        try await self.waitUntil("the request ended") { log.ended.count == 1 }

        self.assertDeadlinePassed(log.outcome(of: "held"), deadline: deadline)
        XCTAssertEqual(node.heldCount, 1, "the request was sent and never answered")
        XCTAssertEqual(connection.pendingCount, 0)
        XCTAssertNil(connection.armedDeadline, "nothing left to time")
    }

    func testRequestsFailInDeadlineOrderWhileOthersAreAnswered() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let log = SendLog()
        let start = NIODeadline.now()
        // Added latest first, then earliest, then between: the timer moves earlier once.
        let plan: [(key: String, deadline: NIODeadline)] = [
            ("held-late", start + .milliseconds(3_500)),
            ("held-early", start + .milliseconds(1_500)),
            ("held-middle", start + .milliseconds(2_500)),
        ]

        for (index, request) in plan.enumerated() {
            log.start(request.key, on: connection, deadline: request.deadline)
            try await self.waitUntil("\(request.key) is held") { node.heldCount == index + 1 }
            XCTAssertEqual(connection.armedDeadline, plan[0...index].map(\.deadline).min(), "armed for the earliest")
        }
        for index in 0..<20 {
            self.assertAnswered(await Self.send("served-\(index)", on: connection, deadline: .now() + .seconds(20)))
        }
        try await self.waitUntil("every held request ended") { log.ended.count == plan.count }

        XCTAssertEqual(log.ended.map(\.name), ["held-early", "held-middle", "held-late"], "failed in deadline order")
        for request in plan {
            self.assertDeadlinePassed(log.outcome(of: request.key), deadline: request.deadline)
        }
        XCTAssertEqual(connection.pendingCount, 0)
        XCTAssertNil(connection.armedDeadline, "no timer once nothing is pending")
    }

    func testARequestAnsweredInTimeIsNotFailedLater() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let log = SendLog()
        let shortDeadline = NIODeadline.now() + .milliseconds(300)

        self.assertAnswered(await Self.send("answered", on: connection, deadline: shortDeadline))
        XCTAssertEqual(connection.armedDeadline, shortDeadline, "the timer stays armed for the answered request")

        let longDeadline = NIODeadline.now() + .seconds(30)
        log.start("held", on: connection, deadline: longDeadline)
        try await self.waitUntil("the second request is held") { node.heldCount == 1 }
        try await self.waitUntil("the timer fired for the answered request and moved on") {
            connection.armedDeadline == longDeadline
        }
        XCTAssertEqual(connection.pendingCount, 1, "the timer failed nothing that was not due")
        XCTAssertTrue(log.ended.isEmpty)

        node.releaseHeld(order: .asReceived)
        try await self.waitUntil("the held request ended") { log.ended.count == 1 }
        self.assertAnswered(log.outcome(of: "held"))
    }

    func testACallerWaitingForASlotFailsAtItsDeadlineWithoutSending() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node) { $0.maximumInFlightRequestsPerConnection = 1 }
        let log = SendLog()
        let heldDeadline = NIODeadline.now() + .seconds(30)
        log.start("held", on: connection, deadline: heldDeadline)
        try await self.waitUntil("the first request holds the only slot") { node.heldCount == 1 }

        let waiterDeadline = NIODeadline.now() + .milliseconds(200)
        log.start("waiting", on: connection, deadline: waiterDeadline)
        try await self.waitUntil("the waiter ended") { log.ended.count == 1 }

        guard case .failed(.deadlinePassed(requestSent: false), let endedAt)? = log.outcome(of: "waiting") else {
            return XCTFail("a waiter must fail with deadlinePassed before sending, got \(log.ended)")
        }
        XCTAssertGreaterThanOrEqual(endedAt, waiterDeadline, "failed before its deadline")
        XCTAssertEqual(node.received.count, 1, "the waiter sent nothing")
        XCTAssertEqual(connection.armedDeadline, heldDeadline, "armed for the held request next")

        node.releaseHeld(order: .asReceived)
        try await self.waitUntil("the held request ended") { log.ended.count == 2 }
        self.assertAnswered(log.outcome(of: "held"))
        self.assertAnswered(await Self.send("after", on: connection, deadline: .now() + .seconds(30)))
        XCTAssertEqual(node.received.count, 2, "the slot given up by the waiter was not lost")
    }

    func testShutdownLeavesNoTimer() async throws {
        let node = try await self.startHoldingNode()
        let connection = self.connect(to: node)
        let log = SendLog()
        log.start("held", on: connection, deadline: .now() + .seconds(30))
        try await self.waitUntil("the request is held") { node.heldCount == 1 }
        XCTAssertNotNil(connection.armedDeadline)

        await connection.shutdown()

        XCTAssertNil(connection.armedDeadline, "shutdown cancelled the timer")
        try await self.waitUntil("the pending request ended") { log.ended.count == 1 }
        guard case .failed(.shutDown(requestSent: true), _)? = log.outcome(of: "held") else {
            return XCTFail("the pending request must fail with shutDown after sending, got \(log.ended)")
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
        self.assertAnswered(await Self.send("served", on: connection, deadline: .now() + .seconds(30)))
    }
}
