import KeelRaft
import XCTest

final class ReplicationTests: XCTestCase {
    /// A follower (node 2) of leader 1 in term 2 whose log is `entries`.
    func follower(_ entries: [Entry], commit: UInt64 = 0) -> NodeFixture {
        NodeFixture(id: 2, entries: entries, hardState: HardState(term: 2, vote: 1, commit: commit))
    }

    func append(prev: (index: UInt64, term: UInt64), _ entries: [Entry], commit: UInt64 = 0) -> Message {
        Message(kind: .append, from: 1, to: 2, term: 2, logTerm: prev.term, index: prev.index, entries: entries, commit: commit)
    }

    func testAnAppendWhosePreviousEntryIsMissingIsRejectedWithTheFollowersLength() {
        var fixture = follower([entry(1, term: 1), entry(2, term: 1)])
        fixture.step(append(prev: (5, 2), [entry(6, term: 2)]))
        let response = fixture.sentMessages()
        XCTAssertEqual(response.count, 1)
        XCTAssertEqual(response[0].kind, .appendResponse)
        XCTAssertTrue(response[0].reject)
        XCTAssertEqual(response[0].index, 5)
        XCTAssertEqual(response[0].conflictTerm, 0)
        XCTAssertEqual(response[0].conflictIndex, 3)
    }

    func testAnAppendWhosePreviousTermDiffersIsRejectedWithTheConflictingTermAndItsFirstIndex() {
        var fixture = follower([entry(1, term: 1), entry(2, term: 1), entry(3, term: 1), entry(4, term: 1)])
        fixture.step(append(prev: (4, 2), [entry(5, term: 2)]))
        let response = fixture.sentMessages()[0]
        XCTAssertTrue(response.reject)
        XCTAssertEqual(response.conflictTerm, 1)
        XCTAssertEqual(response.conflictIndex, 1)
        XCTAssertEqual(fixture.node.lastIndex, 4, "a rejected append changes nothing")
    }

    func testTheLeaderSkipsAWholeConflictingTermPerRoundTrip() {
        var leader = NodeFixture(entries: (1...10).map { entry($0, term: $0 <= 5 ? 1 : 2) }, hardState: HardState(term: 2))
        leader.becomeLeader()
        leader.drain()
        // Follower 2 has 1...8 but its 6...8 are from term 1: it rejects prev 11 (index 11 of the
        // no-op's predecessor) saying its log is shorter, then rejects prev 8 with term 1 from 1.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 3, index: 10, reject: true,
                            conflictTerm: 0, conflictIndex: 9))
        var probe = leader.sentMessages().filter { $0.to == 2 }
        XCTAssertEqual(probe.map(\.index), [8])
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 3, index: 8, reject: true,
                            conflictTerm: 1, conflictIndex: 1))
        probe = leader.sentMessages().filter { $0.to == 2 }
        XCTAssertEqual(probe.map(\.index), [5], "after the leader's last entry of term 1")
        XCTAssertEqual(probe.first?.logTerm, 1)
    }

    func testConflictingEntriesAreReplaced() {
        var fixture = follower([entry(1, term: 1), entry(2, term: 1), entry(3, term: 1)])
        fixture.step(append(prev: (1, 1), [entry(2, term: 1), entry(3, term: 2), entry(4, term: 2)]))
        let ready = fixture.drain()
        XCTAssertEqual(ready.entries.map(\.index), [3, 4], "only the conflicting suffix is rewritten")
        XCTAssertEqual(fixture.node.term(at: 3), 2)
        XCTAssertEqual(fixture.storage.term(at: 3), 2)
        XCTAssertEqual(ready.persistedMessages.map(\.index), [4])
    }

    func testAStaleAppendWhoseEntriesMatchDoesNotTruncate() {
        var fixture = follower((1...5).map { entry($0, term: 2) })
        // An old, reordered append carrying 2...3 arrives after 4...5 were appended.
        fixture.step(append(prev: (1, 2), [entry(2, term: 2), entry(3, term: 2)]))
        let ready = fixture.drain()
        XCTAssertEqual(ready.entries, [])
        XCTAssertEqual(fixture.node.lastIndex, 5)
        XCTAssertEqual(ready.persistedMessages.first?.index, 3, "acknowledges what this message proved")
    }

    func testFollowerCommitIsCappedByWhatTheMessageProved() {
        // Entries 4 and 5 may be from a deposed leader; only 1...3 are proven to match.
        var fixture = follower((1...5).map { entry($0, term: $0 <= 3 ? 2 : 1) })
        fixture.step(append(prev: (3, 2), [], commit: 5))
        XCTAssertEqual(fixture.node.commitIndex, 3)
        fixture.step(append(prev: (1, 2), [], commit: 5))
        XCTAssertEqual(fixture.node.commitIndex, 3, "commit never goes back")
    }

    func testAnAppendBelowTheCommitIndexIsAnsweredWithTheCommitIndex() {
        var fixture = follower((1...4).map { entry($0, term: 2) }, commit: 3)
        fixture.step(append(prev: (1, 2), [entry(2, term: 2)]))
        let response = fixture.sentMessages()[0]
        XCTAssertFalse(response.reject)
        XCTAssertEqual(response.index, 3)
    }

    func testCommitNeedsAQuorumAndTheLeadersOwnDurableCopy() throws {
        var leader = NodeFixture()
        leader.becomeLeader()
        leader.drain()
        // The no-op (index 1): acknowledged by node 2 only, but the leader persisted it.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 1))
        XCTAssertEqual(leader.node.commitIndex, 1)
        try leader.node.propose([42])
        let ready = leader.node.ready()
        XCTAssertEqual(ready.entries.map(\.index), [2])
        XCTAssertEqual(ready.messages.filter { $0.kind == .append }.count, 2,
                       "the leader sends its entries before its own fsync (thesis 10.2.1)")
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 2))
        XCTAssertEqual(leader.node.commitIndex, 1, "one follower is no quorum while the leader's copy is not durable")
        leader.storage.append(ready.entries)
        leader.node.advance(ready)
        XCTAssertEqual(leader.node.commitIndex, 2)
    }

    func testOldTermEntriesCommitOnlyThroughACurrentTermEntry() {
        // The paper's Figure 8: entry 2 of term 2 is on a majority, yet a later leader could
        // still overwrite it, so counting replicas must not commit it.
        var leader = NodeFixture(entries: [entry(1, term: 1), entry(2, term: 2)], hardState: HardState(term: 3, commit: 1)) {
            $0.preVote = false
        }
        leader.becomeLeader()
        XCTAssertEqual(leader.node.term, 4)
        leader.drain()
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 4, index: 2))
        XCTAssertEqual(leader.node.commitIndex, 1, "a majority holds index 2, but it is of term 2")
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 4, index: 3))
        XCTAssertEqual(leader.node.commitIndex, 3, "the no-op of term 4 commits, and index 2 with it")
    }

    func testARejectedPipelinedAppendFallsBackToOneProbe() throws {
        var leader = NodeFixture { $0.maxBytesPerMessage = 1 }
        leader.becomeLeader()
        leader.drain()
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 1))  // node 2 replicates
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 2 }.map(\.commit), [1], "the new commit index goes out")
        for value in 0..<4 { try leader.node.propose([UInt8(value)]) }
        let pipelined = leader.sentMessages().filter { $0.to == 2 && $0.kind == .append }
        XCTAssertEqual(pipelined.map(\.index), [1, 2, 3, 4], "one entry per message, all in flight")
        // The first of them was lost: node 2 rejects the second.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 2, reject: true,
                            conflictTerm: 0, conflictIndex: 2))
        let probe = leader.sentMessages().filter { $0.to == 2 }
        XCTAssertEqual(probe.map(\.index), [1], "one probe from the hint, not the whole window again")
        XCTAssertEqual(leader.node.replicationPosition(of: 2)?.next, 2)
        // Later rejections of the same window are stale and ignored.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 3, reject: true,
                            conflictTerm: 0, conflictIndex: 2))
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 2 }, [])
        // The probe succeeds: back to pipelining the rest.
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 2))
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 2 && $0.kind == .append }.map(\.index), [2, 3, 4])
    }

    func testInflightLimitPausesPipelining() throws {
        var leader = NodeFixture {
            $0.maxBytesPerMessage = 1
            $0.maxInflightMessages = 2
        }
        leader.becomeLeader()
        leader.drain()
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 1))
        leader.drain()
        for value in 0..<5 { try leader.node.propose([UInt8(value)]) }
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 2 && $0.kind == .append }.count, 2)
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 2))
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 2 && $0.kind == .append }.map(\.index), [3])
    }

    func testProposalsOnAFollowerFailWithTheLeaderHint() {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        XCTAssertThrowsError(try cluster.nodes[2]!.propose([1])) { error in
            XCTAssertEqual(error as? RaftError, .notLeader(leaderHint: 1))
        }
    }

    func testTheUncommittedBacklogLimitRefusesProposals() throws {
        var cluster = LocalCluster(voters: [1, 2, 3]) { $0.maxUncommittedBytes = 200 }
        cluster.elect(1)
        cluster.isolate(1)
        var accepted = 0
        var refusal: RaftError?
        for _ in 0..<20 {
            do {
                try cluster.nodes[1]!.propose([UInt8](repeating: 1, count: 40))
                accepted += 1
            } catch {
                refusal = error
                break
            }
        }
        XCTAssertEqual(accepted, 3)
        XCTAssertEqual(refusal, .uncommittedBacklogFull(leaderHint: 1))
        cluster.heal()
        cluster.tickAll(times: 3)
        XCTAssertNoThrow(try cluster.nodes[1]!.propose([1]), "committing frees the backlog")
    }

    func testARestartedFollowerCatchesUpFromItsDisk() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        for value: UInt8 in 1...5 { try cluster.nodes[1]!.propose([value]) }
        cluster.settle()
        cluster.restart(2)
        XCTAssertEqual(cluster[2].lastIndex, 6)
        XCTAssertEqual(cluster[2].appliedIndex, 0, "the state machine is rebuilt from the log")
        cluster.tickAll(times: 3)
        XCTAssertEqual(cluster[2].appliedIndex, 6)
    }

    func testAnUnreachableFollowerIsProbedInsteadOfPipelined() throws {
        var leader = NodeFixture { $0.maxBytesPerMessage = 1 }
        leader.becomeLeader()
        leader.drain()
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 1))
        leader.drain()
        leader.node.reportUnreachable(peer: 2)
        for value in 0..<3 { try leader.node.propose([UInt8(value)]) }
        XCTAssertEqual(leader.sentMessages().filter { $0.to == 2 && $0.kind == .append }.map(\.index), [1],
                       "one probe until the follower answers")
    }

    func testACommitOnlyChangeNeedsNoFsync() {
        var fixture = follower((1...3).map { entry($0, term: 2) })
        fixture.drain()
        fixture.step(append(prev: (3, 2), [], commit: 2))
        let ready = fixture.node.ready()
        XCTAssertEqual(ready.hardState?.commit, 2)
        XCTAssertFalse(ready.mustSync)
        XCTAssertEqual(ready.committedEntries.map(\.index), [1, 2])
    }
}
