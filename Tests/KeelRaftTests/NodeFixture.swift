import KeelRaft

/// One node on its own, for tests that hand it messages one by one.
struct NodeFixture {
    var node: RaftNode<MemoryLogStorage>
    let storage: MemoryLogStorage

    /// A node whose disk already holds `entries` and `hardState`.
    init(id: UInt64 = 1, voters: [UInt64] = [1, 2, 3], learners: [UInt64] = [], entries: [Entry] = [],
         hardState: HardState = HardState(), configure: (inout RaftConfiguration) -> Void = { _ in }) {
        storage = MemoryLogStorage(membership: Membership(voters: voters, learners: learners))
        storage.append(entries)
        storage.setHardState(hardState)
        var configuration = RaftConfiguration()
        configuration.electionTicks = 10
        configuration.heartbeatTicks = 1
        configuration.randomSeed = id
        configure(&configuration)
        node = try! RaftNode(id: id, configuration: configuration, storage: storage)
    }

    /// Takes the Ready, persists it, advances, and returns it.
    @discardableResult
    mutating func drain() -> Ready {
        let ready = node.ready()
        if let snapshot = ready.snapshot { storage.applySnapshot(snapshot) }
        storage.append(ready.entries)
        if let hardState = ready.hardState { storage.setHardState(hardState) }
        node.advance(ready)
        return ready
    }

    /// All messages of the next Ready, in sending order.
    mutating func sentMessages() -> [Message] {
        let ready = drain()
        return ready.messages + ready.persistedMessages
    }

    mutating func step(_ message: Message) {
        try! node.step(message)
    }

    /// Ticks until the node campaigns (at most two election timeouts).
    mutating func tickUntilCampaign() {
        for _ in 0..<40 where node.role == .follower { node.tick() }
    }

    /// Makes this node leader of the next term by campaigning and handing it the votes.
    mutating func becomeLeader(votesFrom voters: [UInt64] = [2, 3]) {
        tickUntilCampaign()
        if node.role == .preCandidate {
            for voter in voters {
                step(Message(kind: .preVoteResponse, from: voter, to: node.id, term: node.term + 1))
            }
        }
        for voter in voters {
            step(Message(kind: .voteResponse, from: voter, to: node.id, term: node.term))
        }
    }
}

func entry(_ index: UInt64, term: UInt64, _ data: [UInt8] = []) -> Entry {
    Entry(term: term, index: index, kind: .normal, data: data)
}
