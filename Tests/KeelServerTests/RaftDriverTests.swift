import Foundation
import KeelRaft
import KeelStore
import KeelWire
import Logging
import NIOPosix
import RocksDB
import XCTest

@testable import KeelServer

/// The driver in-process on a single-node cluster: no network, a real RocksDB.
final class RaftDriverTests: XCTestCase {
    private var directory: String!
    private var database: Database!
    private var driver: RaftDriver!
    private var group: MultiThreadedEventLoopGroup!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-driver-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database(
            path: (directory as NSString).appendingPathComponent("db"),
            columnFamilies: [RaftRecords.columnFamilyName, KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        var configuration = ServerConfiguration(
            nodeID: 1, clusterID: "driver-test", clientAddress: "127.0.0.1:1", peerAddress: "127.0.0.1:2",
            initialMembers: [1: "127.0.0.1:2"], dataDirectory: directory
        )
        configuration.tickMilliseconds = 5
        let logger = Logger(label: "driver-test")
        let metrics = ServerMetrics()
        let storage = try RocksDBLogStorage(database: database, bootstrapMembership: Membership(voters: [1]))
        let store = try KeelStore(database: database)
        let inbox = DriverInbox()
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let staging = (directory as NSString).appendingPathComponent("snapshots")
        let sender = SnapshotSender(database: database, stagingRoot: staging, chunkBytes: 1 << 20, inbox: inbox, logger: logger, metrics: metrics)
        let transport = PeerTransport(
            group: group, hello: Hello(clusterID: "driver-test", nodeID: 1, softwareVersion: "test"),
            maximumFrameLength: 1 << 20, queueLimit: 16, inbox: inbox, logger: logger, metrics: metrics,
            ackHandler: { _, _ in }
        )
        sender.attach(transport)
        driver = try RaftDriver(
            configuration: configuration, database: database, storage: storage, store: store, transport: transport,
            snapshots: sender, installer: SnapshotInstaller(database: database, stagingRoot: staging, logger: logger),
            inbox: inbox, addresses: [:], logger: logger, metrics: metrics
        )
        driver.start()
    }

    override func tearDown() async throws {
        await driver.stop()
        try await group.shutdownGracefully()
        database.close()
        try FileManager.default.removeItem(atPath: directory)
    }

    /// Proposes `command` and waits for its outcome.
    /// - Parameter commits: when given, the write asks to hear of its commit, and the indexes
    ///   announced before the outcome are recorded there.
    private func write(_ command: Command, session: WriteSession? = nil, commits: CommitLog? = nil) throws -> WriteOutcome {
        let done = expectation(description: "outcome")
        let box = OutcomeBox()
        var proposal = WriteProposal(clientID: session?.clientID ?? 0, sequence: session?.sequence ?? 0, command: command) {
            box.set($0)
            commits?.close()
            done.fulfill()
        }
        if let commits { proposal.onCommit = { commits.record($0) } }
        XCTAssertTrue(driver.inbox.post(.propose(proposal)))
        wait(for: [done], timeout: 20)
        return try XCTUnwrap(box.value)
    }

    private func admin(_ operation: AdminOperation) throws -> ClientResult {
        let done = expectation(description: "admin")
        let box = ResultBox()
        XCTAssertTrue(driver.inbox.post(.admin(operation) { box.set($0); done.fulfill() }))
        wait(for: [done], timeout: 20)
        return try XCTUnwrap(box.value)
    }

    private func waitUntilLeader() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if case .admin(.status(let status)) = try admin(.status), status.role == .leader { return }
            usleep(5_000)
        }
        XCTFail("the single node never became leader")
    }

    func testSingleNodeCommitsAppliesAndAnswersWithTheEntryIndex() throws {
        try waitUntilLeader()
        guard case .applied(let index, .counter(let value)) = try write(.increment(key: [1], delta: 3), session: WriteSession(clientID: 5, sequence: 1)) else {
            return XCTFail("increment not applied")
        }
        XCTAssertEqual(value, 3)
        XCTAssertGreaterThan(index, 1)
        // The retry with the same session gets the first result.
        guard case .applied(_, .counter(let again)) = try write(.increment(key: [1], delta: 3), session: WriteSession(clientID: 5, sequence: 1)) else {
            return XCTFail("retry not answered")
        }
        XCTAssertEqual(again, 3)
        guard case .admin(.takeSnapshot(let snapshotIndex, _)) = try admin(.takeSnapshot) else { return XCTFail("no snapshot") }
        XCTAssertGreaterThanOrEqual(snapshotIndex, index)
    }

    func testAWriteThatAsksHearsOfItsCommitBeforeItsOutcome() throws {
        try waitUntilLeader()
        let commits = CommitLog()
        guard case .applied(let index, _) = try write(.put(key: [1], value: [1]), commits: commits) else {
            return XCTFail("write not applied")
        }
        XCTAssertEqual(commits.beforeOutcome, [index], "one announcement, with the entry's index, before the outcome")
        // A write that does not ask hears nothing (and is answered as before).
        guard case .applied = try write(.put(key: [2], value: [2])) else { return XCTFail("plain write not applied") }
    }

    func testADiskErrorStopsAcknowledgingWrites() throws {
        try waitUntilLeader()
        guard case .applied = try write(.put(key: [1], value: [1])) else { return XCTFail("first write failed") }
        // Every later RocksDB write fails, as with a dead disk.
        database.close()
        guard case .failed(let error) = try write(.put(key: [2], value: [2])) else {
            return XCTFail("a write was acknowledged after the disk failed")
        }
        XCTAssertEqual(error.code, .unavailable)
        guard case .failed(let later) = try write(.put(key: [3], value: [3])) else {
            return XCTFail("a later write was acknowledged after the disk failed")
        }
        XCTAssertEqual(later.code, .unavailable)
        guard case .admin(.status) = try admin(.status) else { return XCTFail("status is no longer served") }
    }
}

/// Carries a value out of a completion closure; the expectation orders the accesses.
private final class OutcomeBox: @unchecked Sendable {
    // Unchecked Sendable: written once before the expectation is fulfilled, read after.
    private let lock = NSLock()
    private var stored: WriteOutcome?
    func set(_ value: WriteOutcome) { lock.withLock { stored = value } }
    var value: WriteOutcome? { lock.withLock { stored } }
}

/// The commit announcements a write heard before its outcome.
private final class CommitLog: @unchecked Sendable {
    // Unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var indexes: [UInt64] = []
    private var closed = false
    func record(_ index: UInt64) { lock.withLock { if !closed { indexes.append(index) } } }
    func close() { lock.withLock { closed = true } }
    var beforeOutcome: [UInt64] { lock.withLock { indexes } }
}

private final class ResultBox: @unchecked Sendable {
    // Unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var stored: ClientResult?
    func set(_ value: ClientResult) { lock.withLock { stored = value } }
    var value: ClientResult? { lock.withLock { stored } }
}
