import KeelRaft
import XCTest

/// `RaftNode.outputWhilePersisting()`: what a node hands out between `ready()` and
/// `advance(_:)` while its driver's log writer syncs the `Ready`, and what it keeps back.
final class PersistingOutputTests: XCTestCase {
    func testALeaderReplicatesWhileItsOwnWriteIsUnderWayButCountsItselfOnlyAfterAdvance() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        let base = cluster[1].lastIndex
        try cluster.nodes[1]!.propose([1])
        let writing = cluster.nodes[1]!.ready()  // entry base+1 is being written
        XCTAssertEqual(writing.entries.map(\.index), [base + 1])
        // A proposal that arrives during the write goes out to the followers at once.
        try cluster.nodes[1]!.propose([2])
        let early = cluster.nodes[1]!.outputWhilePersisting()
        let appends = early.messages.filter { $0.kind == .append }
        XCTAssertEqual(Set(appends.map(\.to)), [2, 3])
        XCTAssertTrue(appends.allSatisfy { $0.entries.contains { $0.index == base + 2 } })
        XCTAssertFalse(cluster[1].hasReady, "no second Ready before advance")

        // One follower holds both entries: with the leader's own copy not yet durable that
        // is one vote of three, so nothing new commits.
        try cluster.nodes[1]!.step(Message(kind: .appendResponse, from: 2, to: 1, term: cluster[1].term, index: base + 2))
        XCTAssertEqual(cluster[1].commitIndex, base)
        // Once the first write is durable the leader counts itself up to base+1 only.
        persist(writing, in: cluster.storages[1]!)
        cluster.nodes[1]!.advance(writing)
        XCTAssertEqual(cluster[1].commitIndex, base + 1)
        // The next Ready writes the second entry; after it, that commits too.
        let next = cluster.nodes[1]!.ready()
        XCTAssertEqual(next.entries.map(\.index), [base + 2])
        persist(next, in: cluster.storages[1]!)
        cluster.nodes[1]!.advance(next)
        XCTAssertEqual(cluster[1].commitIndex, base + 2)
    }

    func testALeaderConfirmsAReadWhileItsWriteIsUnderWay() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        try cluster.nodes[1]!.propose([1])
        let writing = cluster.nodes[1]!.ready()
        let commit = cluster[1].commitIndex
        try cluster.nodes[1]!.readIndex(context: 42)
        let round = cluster.nodes[1]!.outputWhilePersisting().messages.filter { $0.kind == .heartbeat }
        XCTAssertEqual(Set(round.map(\.to)), [2, 3])
        let heartbeat = round[0]
        try cluster.nodes[1]!.step(
            Message(kind: .heartbeatResponse, from: heartbeat.to, to: 1, term: heartbeat.term, context: heartbeat.context)
        )
        let confirmed = cluster.nodes[1]!.outputWhilePersisting()
        XCTAssertEqual(confirmed.readStates, [ReadState(index: commit, context: 42)])
        persist(writing, in: cluster.storages[1]!)
        cluster.nodes[1]!.advance(writing)
        // Handed out once: the next Ready does not repeat it.
        XCTAssertEqual(cluster.nodes[1]!.ready().readStates, [])
    }

    func testAFollowerAnswersHeartbeatsAtOnceButAcknowledgesEntriesOnlyAfterTheirWrite() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        let term = cluster[1].term
        let last = cluster[2].lastIndex
        // Entry last+1 reaches follower 2, whose write of it is then under way.
        try cluster.nodes[2]!.step(Message(
            kind: .append, from: 1, to: 2, term: term, logTerm: term, index: last,
            entries: [entry(last + 1, term: term, [1])], commit: cluster[1].commitIndex
        ))
        let writing = cluster.nodes[2]!.ready()
        XCTAssertEqual(writing.entries.map(\.index), [last + 1])
        XCTAssertEqual(writing.persistedMessages.map(\.kind), [.appendResponse])
        // During the write: a heartbeat is answered at once; a further append's
        // acknowledgement waits for the write that makes its entry durable.
        try cluster.nodes[2]!.step(Message(kind: .heartbeat, from: 1, to: 2, term: term, context: 9))
        try cluster.nodes[2]!.step(Message(
            kind: .append, from: 1, to: 2, term: term, logTerm: term, index: last + 1,
            entries: [entry(last + 2, term: term, [2])], commit: cluster[1].commitIndex
        ))
        let early = cluster.nodes[2]!.outputWhilePersisting()
        XCTAssertEqual(early.messages.map(\.kind), [.heartbeatResponse])
        XCTAssertEqual(early.messages.first?.context, 9)
        persist(writing, in: cluster.storages[2]!)
        cluster.nodes[2]!.advance(writing)
        let next = cluster.nodes[2]!.ready()
        XCTAssertEqual(next.entries.map(\.index), [last + 2])
        XCTAssertTrue(next.mustSync)
        XCTAssertEqual(next.persistedMessages.map(\.kind), [.appendResponse])
        XCTAssertEqual(next.persistedMessages.first?.index, last + 2)
    }

    func testAVoteGrantedDuringAWriteWaitsForTheWriteThatRecordsIt() throws {
        var follower = NodeFixture(id: 2, entries: [entry(1, term: 1)], hardState: HardState(term: 1))
        follower.step(Message(kind: .append, from: 1, to: 2, term: 1, logTerm: 1, index: 1, entries: [entry(2, term: 1)]))
        let writing = follower.node.ready()
        XCTAssertEqual(writing.entries.map(\.index), [2])
        // A leadership transfer's campaign (no lease check) asks for this node's vote in term 2.
        follower.step(Message(kind: .vote, from: 3, to: 2, term: 2, logTerm: 1, index: 2, isLeadershipTransfer: true))
        XCTAssertEqual(follower.node.hardState.vote, 3)
        XCTAssertEqual(follower.node.outputWhilePersisting().messages, [], "the grant promises a vote not yet on disk")
        persist(writing, in: follower.storage)
        follower.node.advance(writing)
        let next = follower.node.ready()
        XCTAssertEqual(next.hardState?.term, 2)
        XCTAssertEqual(next.hardState?.vote, 3)
        XCTAssertTrue(next.mustSync)
        XCTAssertEqual(next.persistedMessages.map(\.kind), [.voteResponse])
        XCTAssertEqual(next.persistedMessages.first?.reject, false)
    }

    /// What the log writer does with a `Ready` before the driver calls `advance`.
    private func persist(_ ready: Ready, in storage: MemoryLogStorage) {
        storage.append(ready.entries)
        if let hardState = ready.hardState { storage.setHardState(hardState) }
    }
}
