import Foundation
import KeelRaft
import RocksDB
import XCTest

@testable import KeelServer

final class RocksDBLogStorageTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: directory)
    }

    private func open(cacheByteLimit: Int = 64 << 20) throws -> (Database, RocksDBLogStorage) {
        let database = try Database(path: directory, columnFamilies: [RaftRecords.columnFamilyName])
        let storage = try RocksDBLogStorage(
            database: database, bootstrapMembership: Membership(voters: [1, 2, 3]), cacheByteLimit: cacheByteLimit
        )
        return (database, storage)
    }

    private func entries(_ range: ClosedRange<UInt64>, term: UInt64) -> [Entry] {
        range.map { Entry(term: term, index: $0, kind: $0 == 1 ? .noop : .normal, data: Array("entry \($0) term \(term)".utf8)) }
    }

    func testNewLogStartsFromTheBootstrapMembership() throws {
        let (database, storage) = try open()
        defer { database.close() }
        XCTAssertEqual(storage.firstIndex(), 1)
        XCTAssertEqual(storage.lastIndex(), 0)
        XCTAssertEqual(storage.term(at: 0), 0)
        XCTAssertNil(storage.term(at: 1))
        XCTAssertEqual(storage.initialState().membership, Membership(voters: [1, 2, 3]))
        XCTAssertEqual(storage.initialState().hardState, HardState())
    }

    func testEntriesAndHardStateRoundTripAndSurviveARestart() throws {
        do {
            let (database, storage) = try open()
            try storage.persist(hardState: HardState(term: 2, vote: 1, commit: 3), entries: entries(1...10, term: 2), sync: true)
            XCTAssertEqual(storage.lastIndex(), 10)
            XCTAssertEqual(storage.entries(in: 1..<11, maxBytes: .max), entries(1...10, term: 2))
            database.close()
        }
        let (database, storage) = try open()
        defer { database.close() }
        XCTAssertEqual(storage.initialState().hardState, HardState(term: 2, vote: 1, commit: 3))
        XCTAssertEqual(storage.lastIndex(), 10)
        XCTAssertEqual(storage.term(at: 7), 2)
        // After a restart the entries come from RocksDB, not the cache.
        XCTAssertEqual(storage.entries(in: 3..<8, maxBytes: .max), Array(entries(1...10, term: 2)[2..<7]))
    }

    func testMaxBytesLimitsButNeverEmpties() throws {
        let (database, storage) = try open()
        defer { database.close() }
        try storage.persist(hardState: nil, entries: entries(1...10, term: 1), sync: false)
        let one = storage.entries(in: 1..<11, maxBytes: 1)
        XCTAssertEqual(one.count, 1)
        let some = storage.entries(in: 1..<11, maxBytes: one[0].byteCount * 3)
        XCTAssertEqual(some.count, 3)
    }

    func testConflictingAppendTruncatesTheSuffix() throws {
        let (database, storage) = try open()
        try storage.persist(hardState: nil, entries: entries(1...10, term: 1), sync: true)
        try storage.persist(hardState: nil, entries: entries(6...7, term: 2), sync: true)
        XCTAssertEqual(storage.lastIndex(), 7)
        XCTAssertEqual(storage.term(at: 5), 1)
        XCTAssertEqual(storage.term(at: 6), 2)
        XCTAssertNil(storage.term(at: 8))
        database.close()
        // The removed suffix stays removed after a restart.
        let (reopened, again) = try open()
        defer { reopened.close() }
        XCTAssertEqual(again.lastIndex(), 7)
        XCTAssertEqual(again.entries(in: 5..<8, maxBytes: .max).map(\.term), [1, 2, 2])
    }

    func testCompactionDropsEntriesAndKeepsTheSnapshotTerm() throws {
        let (database, storage) = try open()
        try storage.persist(hardState: nil, entries: entries(1...20, term: 3), sync: true)
        let metadata = SnapshotMetadata(index: 12, term: 3, membership: Membership(voters: [1, 2], learners: [4]))
        try storage.compact(to: metadata)
        XCTAssertEqual(storage.firstIndex(), 13)
        XCTAssertEqual(storage.lastIndex(), 20)
        XCTAssertEqual(storage.term(at: 12), 3)
        XCTAssertNil(storage.term(at: 11))
        XCTAssertEqual(storage.entries(in: 13..<21, maxBytes: .max), Array(entries(1...20, term: 3)[12...]))
        database.close()
        let (reopened, again) = try open()
        defer { reopened.close() }
        XCTAssertEqual(again.snapshotMetadata(), metadata)
        XCTAssertEqual(again.initialState().membership, metadata.membership)
        XCTAssertEqual(again.firstIndex(), 13)
        XCTAssertEqual(again.lastIndex(), 20)
        // The compacted entries are gone from the disk too.
        let family = try XCTUnwrap(reopened.columnFamily(named: RaftRecords.columnFamilyName))
        XCTAssertNil(try reopened.get(RaftRecords.entryKey(5), in: family))
    }

    func testSmallCacheFallsBackToRocksDB() throws {
        let (database, storage) = try open(cacheByteLimit: 200)
        defer { database.close() }
        for index in UInt64(1)...50 {
            try storage.persist(hardState: nil, entries: entries(index...index, term: 1), sync: false)
        }
        XCTAssertEqual(storage.entries(in: 1..<51, maxBytes: .max), entries(1...50, term: 1))
        XCTAssertEqual(storage.term(at: 1), 1)
    }

    func testAppliedSnapshotReplacesTheLogAndClearsTheInstallMarker() throws {
        let (database, storage) = try open()
        try storage.persist(hardState: HardState(term: 1, vote: 2, commit: 4), entries: entries(1...5, term: 1), sync: true)
        let metadata = SnapshotMetadata(index: 100, term: 4, membership: Membership(voters: [1, 2, 3]))
        try storage.markInstall(metadata, directory: "/tmp/staged")
        XCTAssertEqual(try storage.pendingInstall()?.metadata, metadata)
        XCTAssertEqual(try storage.pendingInstall()?.directory, "/tmp/staged")
        try storage.applySnapshot(metadata)
        XCTAssertNil(try storage.pendingInstall())
        XCTAssertEqual(storage.firstIndex(), 101)
        XCTAssertEqual(storage.lastIndex(), 100)
        XCTAssertEqual(storage.term(at: 100), 4)
        XCTAssertEqual(storage.hardState.commit, 100)
        database.close()
        let (reopened, again) = try open()
        defer { reopened.close() }
        XCTAssertEqual(again.lastIndex(), 100)
        XCTAssertEqual(again.initialState().hardState, HardState(term: 1, vote: 2, commit: 100))
    }

    func testAddressesPersist() throws {
        do {
            let (database, storage) = try open()
            try storage.storeAddress(MemberAddress(peer: "127.0.0.1:7201", client: "127.0.0.1:7101"), of: 1)
            try storage.storeAddress(MemberAddress(peer: "127.0.0.1:7202", client: ""), of: 2)
            try storage.removeAddress(of: 2)
            database.close()
        }
        let (database, storage) = try open()
        defer { database.close() }
        XCTAssertEqual(try storage.addresses(), [1: MemberAddress(peer: "127.0.0.1:7201", client: "127.0.0.1:7101")])
    }

    func testARaftNodeRestartsOnTheStoredLog() throws {
        do {
            let (database, storage) = try open()
            try storage.persist(hardState: HardState(term: 5, vote: 1, commit: 8), entries: entries(1...8, term: 5), sync: true)
            database.close()
        }
        let (database, storage) = try open()
        defer { database.close() }
        let node = try RaftNode(id: 1, configuration: RaftConfiguration(), storage: storage)
        XCTAssertEqual(node.term, 5)
        XCTAssertEqual(node.vote, 1)
        XCTAssertEqual(node.lastIndex, 8)
        XCTAssertEqual(node.commitIndex, 8)
    }

    // MARK: The log writer thread: a prepared write is durable there and visible to the core
    // only once the driver publishes it.

    func testAWriteIsDurableWhenItsOutcomeArrivesAndVisibleOnlyOncePublished() throws {
        let written = DispatchSemaphore(value: 0)
        do {
            let (database, storage) = try open()
            let writer = LogWriter(storage: storage) { written.signal() }
            writer.start()
            let hardState = HardState(term: 3, vote: 2, commit: 1)
            let write = try XCTUnwrap(try storage.prepare(hardState: hardState, entries: entries(1...5, term: 3), sync: true))
            writer.submit(write)
            XCTAssertEqual(written.wait(timeout: .now() + 30), .success, "the writer reports the write")
            let outcome = try XCTUnwrap(writer.takeOutcome())
            XCTAssertNoThrow(try outcome.get())
            XCTAssertNil(writer.takeOutcome(), "an outcome is taken once")
            // Durable but not yet part of the log the core reads.
            XCTAssertEqual(storage.lastIndex(), 0)
            storage.publish(write)
            XCTAssertEqual(storage.lastIndex(), 5)
            XCTAssertEqual(storage.initialState().hardState, hardState)

            // The next write replaces entries 4 and 5 with another term's.
            let replacing = try XCTUnwrap(try storage.prepare(hardState: nil, entries: entries(4...6, term: 4), sync: true))
            writer.submit(replacing)
            XCTAssertNoThrow(try XCTUnwrap(writer.waitForOutcome()).get())
            storage.publish(replacing)
            writer.stop()
            database.close()
        }
        let (database, storage) = try open()
        defer { database.close() }
        XCTAssertEqual(storage.initialState().hardState, HardState(term: 3, vote: 2, commit: 1))
        XCTAssertEqual(storage.lastIndex(), 6)
        XCTAssertEqual(storage.entries(in: 1..<7, maxBytes: .max), entries(1...3, term: 3) + entries(4...6, term: 4))
    }

    func testNothingToWriteIsNoWrite() throws {
        let (database, storage) = try open()
        defer { database.close() }
        XCTAssertNil(try storage.prepare(hardState: nil, entries: [], sync: true))
    }

    func testStopFinishesTheWriteUnderWay() throws {
        let (database, storage) = try open()
        defer { database.close() }
        let writer = LogWriter(storage: storage) {}
        writer.start()
        let write = try XCTUnwrap(try storage.prepare(hardState: nil, entries: entries(1...3, term: 1), sync: true))
        writer.submit(write)
        writer.stop()
        XCTAssertNoThrow(try XCTUnwrap(writer.takeOutcome()).get(), "the write ended before the thread did")
    }
}
