import Foundation
import KeelRaft
import KeelStore
import Logging
import RocksDB
import XCTest

@testable import KeelServer

/// `--force-new-cluster`: a node's data becomes a one-node cluster's, committed data kept.
final class SingleNodeRecoveryTests: XCTestCase {
    private var directory: String!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-recovery-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(atPath: directory)
    }

    private func open() throws -> (Database, RocksDBLogStorage, KeelStore) {
        let database = try Database(
            path: directory,
            columnFamilies: [RaftRecords.columnFamilyName, KeelStore.dataColumnFamilyName, KeelStore.metaColumnFamilyName]
        )
        let storage = try RocksDBLogStorage(database: database, bootstrapMembership: Membership(voters: [1, 2, 3]))
        let store = try KeelStore(database: database)
        return (database, storage, store)
    }

    private func putEntry(_ index: UInt64, term: UInt64) -> Entry {
        let command = CommandEnvelope(
            clientID: 0, sequence: 0, timestampMilliseconds: 1_000 + index,
            command: .put(key: Array("key-\(index)".utf8), value: Array("value-\(index)".utf8))
        )
        return Entry(term: term, index: index, kind: .normal, data: command.encoded())
    }

    private func recovery(_ storage: RocksDBLogStorage, _ store: KeelStore) -> SingleNodeRecovery {
        SingleNodeRecovery(nodeID: 1, storage: storage, store: store, logger: Logger(label: "test"))
    }

    func testKeepsCommittedEntriesDropsTheRestAndLeavesThisNodeAlone() throws {
        do {
            let (database, storage, store) = try open()
            defer { database.close() }
            // Entries 1...10 in term 2; 1...7 committed; 1...5 applied.
            let entries = (1...10).map { putEntry($0, term: 2) }
            try storage.persist(hardState: HardState(term: 2, vote: 2, commit: 7), entries: entries, sync: true)
            _ = try store.apply(entries[0..<5].map { CommittedEntry(index: $0.index, data: $0.data) })
            for member: UInt64 in 1...3 {
                try storage.storeAddress(MemberAddress(peer: "127.0.0.1:720\(member)", client: "127.0.0.1:710\(member)"), of: member)
            }

            let outcome = try recovery(storage, store).run()
            XCTAssertEqual(outcome, SingleNodeRecovery.Outcome(index: 7, term: 2, applied: 2, discarded: 3))
        }

        // Everything is durable: reopen and look.
        let (database, storage, store) = try open()
        defer { database.close() }
        let snapshot = storage.snapshotMetadata()
        XCTAssertEqual(snapshot.index, 7)
        XCTAssertEqual(snapshot.term, 2)
        XCTAssertEqual(snapshot.membership, Membership(voters: [1]))
        XCTAssertEqual(storage.initialState().membership, Membership(voters: [1]))
        XCTAssertEqual(storage.initialState().hardState, HardState(term: 2, vote: 2, commit: 7))
        XCTAssertEqual(storage.firstIndex(), 8)
        XCTAssertEqual(storage.lastIndex(), 7)
        XCTAssertEqual(Array(try storage.addresses().keys), [1])
        XCTAssertEqual(store.appliedIndex, 7)
        let state = try store.snapshot()
        XCTAssertEqual(try state.get(Array("key-7".utf8)), Array("value-7".utf8))
        XCTAssertEqual(try state.get(Array("key-1".utf8)), Array("value-1".utf8))
        XCTAssertNil(try state.get(Array("key-8".utf8)), "an uncommitted entry was applied")

        // The core elects this node alone and commits new entries without anyone else.
        var node = try RaftNode(id: 1, configuration: RaftConfiguration(), storage: storage)
        XCTAssertEqual(node.membership, Membership(voters: [1]))
        var ticks = 0
        while node.role != .leader && ticks < 1_000 {
            node.tick()
            ticks += 1
            while node.hasReady {
                let ready = node.ready()
                XCTAssertTrue(ready.messages.isEmpty && ready.persistedMessages.isEmpty, "a one-node cluster sent \(ready.messages)")
                try storage.persist(hardState: ready.hardState, entries: ready.entries, sync: false)
                node.advance(ready)
            }
        }
        XCTAssertEqual(node.role, .leader)
        XCTAssertGreaterThan(node.term, 2)
        XCTAssertGreaterThan(node.commitIndex, 7)
    }

    func testCommitIndexBehindTheAppliedIndexCountsWhatWasApplied() throws {
        let (database, storage, store) = try open()
        defer { database.close() }
        let entries = (1...4).map { putEntry($0, term: 1) }
        // The stored commit index lags (persisted with a later Ready that never came).
        try storage.persist(hardState: HardState(term: 1, vote: 1, commit: 2), entries: entries, sync: true)
        _ = try store.apply(entries[0..<3].map { CommittedEntry(index: $0.index, data: $0.data) })
        let outcome = try recovery(storage, store).run()
        XCTAssertEqual(outcome, SingleNodeRecovery.Outcome(index: 3, term: 1, applied: 0, discarded: 1))
        XCTAssertEqual(storage.snapshotMetadata().index, 3)
    }

    func testRefusesAnEmptyDataDirectory() throws {
        let (database, storage, store) = try open()
        defer { database.close() }
        XCTAssertThrowsError(try recovery(storage, store).run()) { error in
            XCTAssertTrue(error is SingleNodeRecoveryError, "\(error)")
        }
        XCTAssertEqual(storage.snapshotMetadata().membership, Membership(voters: [1, 2, 3]))
    }
}
