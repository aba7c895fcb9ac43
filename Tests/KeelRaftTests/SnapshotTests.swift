import KeelRaft
import XCTest

final class SnapshotTests: XCTestCase {
    let membership = Membership(voters: [1, 2, 3])

    func testAFollowerInstallsANewerSnapshot() {
        var fixture = NodeFixture(id: 2, entries: [entry(1, term: 1), entry(2, term: 1)], hardState: HardState(term: 1, commit: 1))
        let snapshot = SnapshotMetadata(index: 10, term: 2, membership: membership)
        fixture.step(Message(kind: .snapshot, from: 1, to: 2, term: 2, snapshot: snapshot))
        XCTAssertEqual(fixture.node.commitIndex, 10)
        let ready = fixture.drain()
        XCTAssertEqual(ready.snapshot, snapshot)
        XCTAssertTrue(ready.mustSync)
        XCTAssertEqual(ready.committedEntries, [], "nothing to apply on top of it yet")
        XCTAssertEqual(ready.persistedMessages.map(\.kind), [.appendResponse])
        XCTAssertEqual(ready.persistedMessages.first?.index, 10)
        XCTAssertEqual(fixture.node.appliedIndex, 10)
        XCTAssertEqual(fixture.node.lastIndex, 10)
        XCTAssertEqual(fixture.storage.firstIndex(), 11)
        // The log resumes after the snapshot.
        fixture.step(Message(kind: .append, from: 1, to: 2, term: 2, logTerm: 2, index: 10, entries: [entry(11, term: 2)], commit: 11))
        XCTAssertEqual(fixture.drain().committedEntries.map(\.index), [11])
    }

    func testAnOlderSnapshotIsIgnored() {
        var fixture = NodeFixture(id: 2, entries: (1...5).map { entry($0, term: 1) }, hardState: HardState(term: 1, commit: 5))
        let snapshot = SnapshotMetadata(index: 3, term: 1, membership: membership)
        fixture.step(Message(kind: .snapshot, from: 1, to: 2, term: 1, snapshot: snapshot))
        let ready = fixture.drain()
        XCTAssertNil(ready.snapshot)
        XCTAssertEqual(ready.persistedMessages.first?.index, 5, "answers with what it has committed")
        XCTAssertEqual(fixture.node.lastIndex, 5)
    }

    func testASnapshotOfEntriesAlreadyInTheLogOnlyMovesTheCommitIndex() {
        var fixture = NodeFixture(id: 2, entries: (1...6).map { entry($0, term: 1) }, hardState: HardState(term: 1, commit: 2))
        let snapshot = SnapshotMetadata(index: 4, term: 1, membership: membership)
        fixture.step(Message(kind: .snapshot, from: 1, to: 2, term: 1, snapshot: snapshot))
        let ready = fixture.drain()
        XCTAssertNil(ready.snapshot)
        XCTAssertEqual(fixture.node.commitIndex, 4)
        XCTAssertEqual(fixture.node.lastIndex, 6, "the entries after it are kept")
    }

    func testCompactionRules() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        for value: UInt8 in 1...5 { try cluster.nodes[1]!.propose([value]) }
        cluster.settle()
        XCTAssertThrowsError(try cluster.nodes[1]!.compact(upTo: 9)) { error in
            XCTAssertEqual(error as? RaftError, .compactionBeyondApplied(index: 9, applied: 6))
        }
        let metadata = try cluster.nodes[1]!.compact(upTo: 4)
        XCTAssertEqual(metadata, SnapshotMetadata(index: 4, term: 1, membership: Membership(voters: [1, 2, 3])))
        cluster.storages[1]!.compact(to: metadata)
        XCTAssertThrowsError(try cluster.nodes[1]!.compact(upTo: 3)) { error in
            XCTAssertEqual(error as? RaftError, .alreadyCompacted(index: 3))
        }
    }

    func testALeaderSendsASnapshotToAFollowerBehindItsCompactedLog() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        cluster.isolate(3)
        for value: UInt8 in 1...20 { try cluster.nodes[1]!.propose([value]) }
        cluster.settle()
        let applied = cluster[1].appliedIndex
        XCTAssertEqual(applied, 21)
        let metadata = try cluster.nodes[1]!.compact(upTo: applied)
        cluster.storages[1]!.compact(to: metadata)
        cluster.heal()
        cluster.tickAll(times: 10)
        XCTAssertEqual(cluster.storages[3]!.snapshotMetadata().index, 21, "installed from a snapshot, not from entries")
        XCTAssertEqual(cluster.storages[3]!.firstIndex(), 22)
        try cluster.nodes[1]!.propose([99])
        cluster.settle()
        cluster.tickAll(times: 2)
        XCTAssertEqual(cluster[3].appliedIndex, 22, "replication resumes after the snapshot")
        XCTAssertEqual(cluster[3].commitIndex, cluster[1].commitIndex)
    }

    func testAFailedSnapshotIsRetried() throws {
        var leader = NodeFixture()
        leader.becomeLeader()
        leader.drain()
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 1))
        leader.drain()
        try leader.node.propose([1])
        leader.drain()
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 2))
        leader.drain()
        let metadata = try leader.node.compact(upTo: 2)
        leader.storage.compact(to: metadata)
        // Node 3 never answered: it needs entries the log no longer has.
        leader.step(Message(kind: .heartbeatResponse, from: 3, to: 1, term: 1))
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 3 }.map(\.kind), [.snapshot])
        leader.node.reportSnapshot(peer: 3, success: false)
        leader.step(Message(kind: .heartbeatResponse, from: 3, to: 1, term: 1))
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 3 }.map(\.kind), [.snapshot], "sent again after the failure")
    }
}
