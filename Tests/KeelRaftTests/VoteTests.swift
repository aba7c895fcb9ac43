import KeelRaft
import XCTest

final class VoteTests: XCTestCase {
    func testVoteGoesOnlyToACandidateWhoseLogIsUpToDate() {
        var fixture = NodeFixture(entries: [entry(1, term: 1), entry(2, term: 2)], hardState: HardState(term: 2))
        // Older last term, even with a longer log: refused.
        fixture.step(Message(kind: .vote, from: 2, to: 1, term: 3, logTerm: 1, index: 5))
        // Same last term but shorter: refused.
        fixture.step(Message(kind: .vote, from: 3, to: 1, term: 3, logTerm: 2, index: 1))
        var responses = fixture.sentMessages()
        XCTAssertEqual(responses.map(\.kind), [.voteResponse, .voteResponse])
        XCTAssertEqual(responses.map(\.reject), [true, true])
        XCTAssertEqual(fixture.node.term, 3, "a vote request with a newer term is adopted")
        XCTAssertEqual(fixture.node.vote, 0)
        // Same last term and as long: granted.
        fixture.step(Message(kind: .vote, from: 3, to: 1, term: 3, logTerm: 2, index: 2))
        responses = fixture.sentMessages()
        XCTAssertEqual(responses.map(\.reject), [false])
        XCTAssertEqual(fixture.node.vote, 3)
    }

    func testOnlyOneVotePerTerm() {
        var fixture = NodeFixture()
        fixture.step(Message(kind: .vote, from: 2, to: 1, term: 1))
        fixture.step(Message(kind: .vote, from: 3, to: 1, term: 1))
        fixture.step(Message(kind: .vote, from: 2, to: 1, term: 1))  // a retry by the same candidate
        let responses = fixture.sentMessages()
        XCTAssertEqual(responses.map(\.to), [2, 3, 2])
        XCTAssertEqual(responses.map(\.reject), [false, true, false])
        XCTAssertEqual(fixture.node.vote, 2)
    }

    func testAVoteIsPersistedBeforeItIsSent() {
        var fixture = NodeFixture()
        fixture.step(Message(kind: .vote, from: 2, to: 1, term: 4))
        let ready = fixture.node.ready()
        XCTAssertEqual(ready.hardState?.term, 4)
        XCTAssertEqual(ready.hardState?.vote, 2)
        XCTAssertTrue(ready.mustSync)
        XCTAssertTrue(ready.messages.isEmpty, "a vote must not leave before the disk holds it")
        XCTAssertEqual(ready.persistedMessages.map(\.kind), [.voteResponse])
        // After a crash before the fsync nothing was promised: the disk still says term 0.
        XCTAssertEqual(fixture.storage.hardState.vote, 0)
    }

    func testAVoteSurvivesARestart() {
        var fixture = NodeFixture()
        fixture.step(Message(kind: .vote, from: 2, to: 1, term: 4))
        fixture.drain()
        var restarted = try! RaftNode(id: 1, configuration: RaftConfiguration(), storage: fixture.storage)
        XCTAssertEqual(restarted.term, 4)
        XCTAssertEqual(restarted.vote, 2)
        try! restarted.step(Message(kind: .vote, from: 3, to: 1, term: 4))
        let ready = restarted.ready()
        XCTAssertEqual(ready.persistedMessages.map(\.reject), [true])
    }

    func testAnsweringAPreVoteChangesNeitherTermNorVote() {
        var fixture = NodeFixture(hardState: HardState(term: 2))
        fixture.step(Message(kind: .preVote, from: 2, to: 1, term: 3))
        let responses = fixture.sentMessages()
        XCTAssertEqual(responses.map(\.kind), [.preVoteResponse])
        XCTAssertEqual(responses.first?.reject, false)
        XCTAssertEqual(responses.first?.term, 3, "a grant carries the term asked for")
        XCTAssertEqual(fixture.node.term, 2)
        XCTAssertEqual(fixture.node.vote, 0)
    }

    func testAPreCandidateKeepsItsTermAndVote() {
        var fixture = NodeFixture(hardState: HardState(term: 7, vote: 3))
        fixture.tickUntilCampaign()
        XCTAssertEqual(fixture.node.role, .preCandidate)
        XCTAssertEqual(fixture.node.term, 7)
        XCTAssertEqual(fixture.node.vote, 3)
        let ready = fixture.drain()
        XCTAssertEqual(ready.messages.map(\.kind), [.preVote, .preVote])
        XCTAssertEqual(ready.messages.map(\.term), [8, 8])
        XCTAssertNil(ready.hardState, "pre-voting writes nothing")
    }

    func testAPreVoteMajorityStartsTheRealElection() {
        var fixture = NodeFixture(hardState: HardState(term: 7))
        fixture.tickUntilCampaign()
        fixture.drain()
        fixture.step(Message(kind: .preVoteResponse, from: 2, to: 1, term: 8))
        XCTAssertEqual(fixture.node.role, .candidate)
        XCTAssertEqual(fixture.node.term, 8)
        XCTAssertEqual(fixture.node.vote, 1)
        let ready = fixture.drain()
        XCTAssertEqual(ready.persistedMessages.map(\.kind), [.vote, .vote], "vote requests wait for the self-vote on disk")
    }

    func testALowerTermPreVoteIsRejectedWithTheCurrentTerm() {
        // etcd-io/etcd#8243: silently ignoring it would leave the lagging node pre-voting
        // at its old term forever.
        var fixture = NodeFixture(hardState: HardState(term: 5))
        fixture.step(Message(kind: .preVote, from: 2, to: 1, term: 3))
        let responses = fixture.sentMessages()
        XCTAssertEqual(responses.map(\.kind), [.preVoteResponse])
        XCTAssertEqual(responses.first?.reject, true)
        XCTAssertEqual(responses.first?.term, 5)
    }

    func testAPreCandidateAdoptsTheTermOfARejection() {
        var fixture = NodeFixture(hardState: HardState(term: 2))
        fixture.tickUntilCampaign()
        fixture.drain()
        fixture.step(Message(kind: .preVoteResponse, from: 2, to: 1, term: 5, reject: true))
        XCTAssertEqual(fixture.node.role, .follower)
        XCTAssertEqual(fixture.node.term, 5)
    }

    func testWedgedPreVoteElectionResolves() {
        // Node 2 is down. Node 1 has the newer term but a shorter log; node 3 the longer log
        // but an older term. Neither can win unless node 3 learns node 1's term.
        var first = NodeFixture(id: 1, entries: [entry(1, term: 1)], hardState: HardState(term: 5))
        var third = NodeFixture(id: 3, entries: [entry(1, term: 1), entry(2, term: 2)], hardState: HardState(term: 2))
        third.tickUntilCampaign()
        let preVotes = third.sentMessages().filter { $0.to == 1 }
        XCTAssertEqual(preVotes.first?.term, 3)
        first.step(preVotes[0])
        let rejection = first.sentMessages()
        third.step(rejection[0])
        XCTAssertEqual(third.node.term, 5)
        third.tickUntilCampaign()
        let secondRound = third.sentMessages().filter { $0.to == 1 }
        XCTAssertEqual(secondRound.first?.term, 6)
        first.step(secondRound[0])
        let grant = first.sentMessages()
        XCTAssertEqual(grant.first?.reject, false)
        third.step(grant[0])
        XCTAssertEqual(third.node.role, .candidate)
        let votes = third.sentMessages().filter { $0.to == 1 }
        first.step(votes[0])
        third.step(first.sentMessages()[0])
        XCTAssertEqual(third.node.role, .leader)
    }

    func testVotesAreIgnoredWhileALeaderIsAlive() {
        var fixture = NodeFixture(id: 2)
        fixture.step(Message(kind: .heartbeat, from: 1, to: 2, term: 3))
        fixture.drain()
        fixture.step(Message(kind: .vote, from: 3, to: 2, term: 9, logTerm: 9, index: 9))
        fixture.step(Message(kind: .preVote, from: 3, to: 2, term: 9, logTerm: 9, index: 9))
        XCTAssertEqual(fixture.sentMessages(), [])
        XCTAssertEqual(fixture.node.term, 3, "a disruptive server does not even move the term")
        XCTAssertEqual(fixture.node.leader, 1)
        // A leadership transfer is the exception.
        fixture.step(Message(kind: .vote, from: 3, to: 2, term: 9, isLeadershipTransfer: true))
        XCTAssertEqual(fixture.node.term, 9)
        XCTAssertEqual(fixture.sentMessages().map(\.reject), [false])
    }

    func testWithoutCheckQuorumANewerTermIsAlwaysHeard() {
        var fixture = NodeFixture(id: 2) { $0.checkQuorum = false }
        fixture.step(Message(kind: .heartbeat, from: 1, to: 2, term: 3))
        fixture.drain()
        fixture.step(Message(kind: .vote, from: 3, to: 2, term: 9))
        XCTAssertEqual(fixture.node.term, 9)
        XCTAssertEqual(fixture.node.leader, 0)
    }
}
