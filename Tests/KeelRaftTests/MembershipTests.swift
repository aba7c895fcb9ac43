import KeelRaft
import XCTest

final class MembershipTests: XCTestCase {
    /// A 3-voter cluster led by node 1, plus an empty node 4 waiting to be added.
    func clusterWithSpare() -> LocalCluster {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.addNode(4, membership: Membership())
        cluster.elect(1)
        return cluster
    }

    func testAnAddedLearnerReceivesTheLogButNeitherVotesNorCounts() throws {
        var cluster = clusterWithSpare()
        try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 4))
        XCTAssertEqual(cluster[1].membership, Membership(voters: [1, 2, 3], learners: [4]),
                       "the change takes effect when appended, before it commits")
        try cluster.nodes[1]!.propose([7])
        cluster.settle()
        cluster.tickAll(times: 3)
        XCTAssertEqual(cluster.appliedData(4), [[7]])
        XCTAssertEqual(cluster[4].membership, Membership(voters: [1, 2, 3], learners: [4]))
        // A learner never campaigns.
        cluster.isolate(4)
        cluster.tick(4, times: 100)
        XCTAssertEqual(cluster[4].role, .follower)
        // And does not count towards a quorum.
        cluster.heal()
        cluster.isolate(2)
        cluster.cutLinks.insert([1, 3])
        let commit = cluster[1].commitIndex
        try cluster.nodes[1]!.propose([8])
        cluster.settle()
        XCTAssertEqual(cluster[1].commitIndex, commit)
    }

    func testOnlyACaughtUpLearnerIsPromoted() throws {
        var cluster = clusterWithSpare()
        try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 4))
        cluster.isolate(4)
        for value: UInt8 in 1...5 { try cluster.nodes[1]!.propose([value]) }
        cluster.settle()
        XCTAssertThrowsError(try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.promoteLearner, node: 4))) { error in
            XCTAssertEqual(error as? RaftError, .learnerNotCaughtUp(4))
        }
        cluster.heal()
        cluster.tickAll(times: 5)
        try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.promoteLearner, node: 4))
        cluster.settle()
        cluster.tickAll(times: 2)
        for id: UInt64 in 1...4 {
            XCTAssertEqual(cluster[id].membership, Membership(voters: [1, 2, 3, 4]), "node \(id)")
        }
        // Four voters: a quorum is three.
        cluster.isolate(2)
        cluster.cutLinks.insert([1, 3])
        let commit = cluster[1].commitIndex
        try cluster.nodes[1]!.propose([9])
        cluster.settle()
        XCTAssertEqual(cluster[1].commitIndex, commit)
        cluster.cutLinks.remove([1, 3])
        cluster.tickAll(times: 2)
        XCTAssertGreaterThan(cluster[1].commitIndex, commit)
    }

    func testNoChangeBeforeTheLeaderCommittedInItsTerm() {
        var leader = NodeFixture()
        leader.becomeLeader()
        XCTAssertThrowsError(try leader.node.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 4))) { error in
            XCTAssertEqual(error as? RaftError, .noCommitInCurrentTerm)
        }
        leader.drain()
        leader.step(Message(kind: .appendResponse, from: 2, to: 1, term: 1, index: 1))
        XCTAssertNoThrow(try leader.node.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 4)))
    }

    func testOneChangeAtATime() throws {
        var cluster = clusterWithSpare()
        cluster.addNode(5, membership: Membership())
        try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 4))
        XCTAssertThrowsError(try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 5))) { error in
            XCTAssertEqual(error as? RaftError, .configurationChangeInProgress)
        }
        cluster.settle()
        XCTAssertNoThrow(try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 5)))
    }

    func testInvalidChangesAreRefused() {
        var cluster = clusterWithSpare()
        XCTAssertThrowsError(try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 2))) {
            XCTAssertEqual($0 as? RaftError, .alreadyMember(2))
        }
        XCTAssertThrowsError(try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.promoteLearner, node: 2))) {
            XCTAssertEqual($0 as? RaftError, .notALearner(2))
        }
        XCTAssertThrowsError(try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.remove, node: 9))) {
            XCTAssertEqual($0 as? RaftError, .notAMember(9))
        }
        XCTAssertThrowsError(try Membership(voters: [1]).applying(ConfigurationChange(.remove, node: 1))) {
            XCTAssertEqual($0 as? RaftError, .cannotRemoveLastVoter)
        }
    }

    func testATruncatedChangeIsRolledBack() {
        var follower = NodeFixture(id: 2, hardState: HardState(term: 1, vote: 1))
        let change = ConfigurationChangeEntry(change: ConfigurationChange(.addLearner, node: 4),
                                              membership: Membership(voters: [1, 2, 3], learners: [4]))
        follower.step(Message(kind: .append, from: 1, to: 2, term: 1, logTerm: 0, index: 0, entries: [
            Entry(term: 1, index: 1, kind: .noop),
            Entry(term: 1, index: 2, kind: .configurationChange, data: change.encoded()),
        ]))
        XCTAssertEqual(follower.node.membership.learners, [4], "in effect once appended")
        follower.drain()
        // A new leader of term 2 never had entry 2: it is replaced.
        follower.step(Message(kind: .append, from: 3, to: 2, term: 2, logTerm: 1, index: 1, entries: [entry(2, term: 2)]))
        XCTAssertEqual(follower.node.membership, Membership(voters: [1, 2, 3]))
        follower.drain()
        // A restart from disk agrees.
        let restarted = try! RaftNode(id: 2, configuration: RaftConfiguration(), storage: follower.storage)
        XCTAssertEqual(restarted.membership, Membership(voters: [1, 2, 3]))
    }

    func testMembershipIsRebuiltFromTheLogOnRestart() throws {
        var cluster = clusterWithSpare()
        try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.addLearner, node: 4))
        cluster.settle()
        cluster.restart(2)
        XCTAssertEqual(cluster[2].membership, Membership(voters: [1, 2, 3], learners: [4]))
    }

    func testARemovedLeaderStepsDownOnceTheRemovalCommits() throws {
        var cluster = LocalCluster(voters: [1, 2, 3])
        cluster.elect(1)
        try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.remove, node: 1))
        XCTAssertEqual(cluster[1].role, .leader, "it keeps leading until the removal commits")
        cluster.settle()
        XCTAssertEqual(cluster[1].role, .follower)
        XCTAssertEqual(cluster[1].leader, 0)
        cluster.tickAll(times: 50)
        XCTAssertEqual(cluster.leaders.count, 1)
        XCTAssertNotEqual(cluster.leaders.first, 1)
        XCTAssertEqual(cluster[cluster.leaders[0]].membership, Membership(voters: [2, 3]))
        cluster.isolate(2)
        cluster.isolate(3)
        cluster.tick(1, times: 100)
        XCTAssertEqual(cluster[1].role, .follower, "a removed node never campaigns")
    }

    func testARemovedServerCannotDisruptTheCluster() throws {
        var cluster = LocalCluster(voters: [1, 2, 3]) { $0.preVote = false }
        cluster.elect(1)
        // Node 3 is cut off and removed; it never learns of it.
        cluster.isolate(3)
        cluster.tickAll(times: 2)
        try cluster.nodes[1]!.proposeConfigurationChange(ConfigurationChange(.remove, node: 3))
        cluster.settle()
        cluster.tickAll(times: 50)
        XCTAssertEqual(cluster[1].membership, Membership(voters: [1, 2]))
        XCTAssertEqual(cluster[3].membership, Membership(voters: [1, 2, 3]))
        XCTAssertGreaterThan(cluster[3].term, cluster[1].term, "it campaigned on its own")
        let term = cluster[1].term
        // Back on the network, its vote requests are ignored: the leader is alive.
        cluster.heal()
        for _ in 0..<50 {
            cluster.tick(3)
            cluster.tick(1)
            cluster.tick(2)
            cluster.network.removeAll { $0.to == 3 }  // the leader no longer talks to it anyway
            cluster.settle()
        }
        XCTAssertEqual(cluster.leaders, [1])
        XCTAssertEqual(cluster[1].term, term)
    }
}
