import Foundation
import KeelRaft
import KeelStore
import KeelWire
import Logging
import RocksDB
import XCTest

@testable import KeelServer

final class SnapshotInstallTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-install-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: directory)
    }

    private func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    /// Stages SST files as a leader would send them: user key `k` = `v`, applied index 42.
    private func stageFiles() throws -> String {
        let staging = (directory as NSString).appendingPathComponent("staged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let data = try SSTFileWriter(path: (staging as NSString).appendingPathComponent("data.sst"))
        try data.put([0x4B] + Array("k".utf8), Array("v".utf8))
        try data.finish()
        let meta = try SSTFileWriter(path: (staging as NSString).appendingPathComponent("meta.sst"))
        try meta.put([0x61], bigEndian(42))
        try meta.finish()
        return staging
    }

    func testAnInterruptedInstallIsRedoneAtStartAndIsIdempotent() throws {
        let database = try Database(
            path: (directory as NSString).appendingPathComponent("db"),
            columnFamilies: [RaftRecords.columnFamilyName, KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        defer { database.close() }
        let storage = try RocksDBLogStorage(database: database, bootstrapMembership: Membership(voters: [1, 2, 3]))
        let store = try KeelStore(database: database)
        let put = CommandEnvelope(timestampMilliseconds: 1, command: .put(key: Array("old".utf8), value: Array("x".utf8)))
        _ = try store.apply([CommittedEntry(index: 1, data: put.encoded())])
        try storage.persist(hardState: HardState(term: 1, vote: 1, commit: 1), entries: [Entry(term: 1, index: 1, data: put.encoded())], sync: true)
        let installer = SnapshotInstaller(database: database, stagingRoot: directory, logger: Logger(label: "install-test"))
        let metadata = SnapshotMetadata(index: 40, term: 3, membership: Membership(voters: [1, 2, 3]))

        // A crash right after the marker was written.
        let staging = try stageFiles()
        try storage.markInstall(metadata, directory: staging)
        XCTAssertTrue(try installer.redoPendingInstall(storage: storage, store: store))
        XCTAssertFalse(FileManager.default.fileExists(atPath: staging))
        XCTAssertNil(try storage.pendingInstall())
        XCTAssertEqual(store.appliedIndex, 42)
        XCTAssertEqual(try store.snapshot().get(Array("k".utf8)), Array("v".utf8))
        XCTAssertNil(try store.snapshot().get(Array("old".utf8)))
        XCTAssertEqual(storage.snapshotMetadata(), metadata)
        XCTAssertEqual(storage.lastIndex(), 40)
        XCTAssertEqual(storage.hardState.commit, 40)

        // Nothing pending: no redo.
        XCTAssertFalse(try installer.redoPendingInstall(storage: storage, store: store))

        // Installing the same snapshot again over its own data changes nothing.
        let again = try stageFiles()
        try installer.install(metadata, from: again, storage: storage, store: store)
        XCTAssertEqual(store.appliedIndex, 42)
        XCTAssertEqual(try store.snapshot().scan(prefix: [], limit: 10).entries.map(\.key), [Array("k".utf8)])

        // The store continues after the snapshot's applied index and skips what it covers.
        let next = CommandEnvelope(timestampMilliseconds: 2, command: .put(key: Array("n".utf8), value: [1]))
        let results = try store.apply([CommittedEntry(index: 41, data: []), CommittedEntry(index: 42, data: []), CommittedEntry(index: 43, data: next.encoded())])
        XCTAssertEqual(results.count, 3)
        XCTAssertNil(results[0])
        XCTAssertNil(results[1])
        XCTAssertEqual(store.appliedIndex, 43)
    }

    func testReceiverStagesChunksInOrderAndRefusesDamage() throws {
        let inbox = DriverInbox()
        let receiver = SnapshotReceiver(stagingRoot: directory, inbox: inbox, logger: Logger(label: "receiver-test"))
        func receive(_ chunk: SnapshotChunk) -> SnapshotChunkAck {
            let done = expectation(description: "ack")
            let box = AckBox()
            receiver.receive(chunk) { box.set($0); done.fulfill() }
            wait(for: [done], timeout: 10)
            return box.value!
        }
        let payload = Array("sst bytes".utf8)
        func chunk(_ file: String, offset: UInt64, _ data: [UInt8], checksum: UInt32? = nil) -> SnapshotChunk {
            SnapshotChunk(snapshotIndex: 9, snapshotTerm: 2, file: file, offset: offset, data: data,
                          checksum: checksum ?? CRC32C.checksum(data), isLast: false)
        }
        XCTAssertTrue(receive(chunk("data.sst", offset: 0, payload)).isAccepted)
        XCTAssertEqual(receive(chunk("data.sst", offset: UInt64(payload.count), payload)).receivedBytes, UInt64(2 * payload.count))
        // A gap, a bad checksum and a path outside the staging directory are refused.
        XCTAssertFalse(receive(chunk("data.sst", offset: 1, payload)).isAccepted)
        XCTAssertFalse(receive(chunk("data.sst", offset: 0, payload, checksum: 1)).isAccepted)
        XCTAssertFalse(receive(chunk("../../etc/passwd", offset: 0, payload)).isAccepted)

        // A complete transfer hands the staged directory and the Raft message to the driver.
        XCTAssertTrue(receive(chunk("data.sst", offset: 0, payload)).isAccepted)
        XCTAssertTrue(receive(chunk("meta.sst", offset: 0, payload)).isAccepted)
        let message = Message(kind: .snapshot, from: 1, to: 2, term: 2,
                              snapshot: SnapshotMetadata(index: 9, term: 2, membership: Membership(voters: [1, 2])))
        let last = SnapshotChunk(snapshotIndex: 9, snapshotTerm: 2, file: "", offset: 0, data: [], checksum: 0,
                                 isLast: true, message: message.wireMessage)
        let ack = receive(last)
        XCTAssertTrue(ack.isAccepted)
        XCTAssertTrue(ack.isLast)
        let events = try XCTUnwrap(inbox.drain(waitingUntil: Date().addingTimeInterval(1)))
        guard case .snapshotStaged(let staged, let stagedDirectory)? = events.last else { return XCTFail("nothing staged") }
        XCTAssertEqual(staged, message)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: (stagedDirectory as NSString).appendingPathComponent("data.sst"))), Data(payload))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: (stagedDirectory as NSString).appendingPathComponent("meta.sst"))), Data(payload))
    }
}

private final class AckBox: @unchecked Sendable {
    // Unchecked Sendable: guarded by `lock`.
    private let lock = NSLock()
    private var stored: SnapshotChunkAck?
    func set(_ value: SnapshotChunkAck) { lock.withLock { stored = value } }
    var value: SnapshotChunkAck? { lock.withLock { stored } }
}
