import KeelRaft

/// A synchronous cluster of Raft cores wired to each other in memory, driven like a real
/// driver would (persist, send, apply, advance) but with `MemoryLogStorage` as the disk.
struct InMemoryCluster {
    var nodes: [RaftNode<MemoryLogStorage>]
    let storages: [MemoryLogStorage]
    var mailboxes: [[Message]]
    var applied: [UInt64]

    init(size: Int) throws {
        let ids = (1...UInt64(size)).map { $0 }
        var configuration = RaftConfiguration()
        configuration.maxBytesPerMessage = 4 << 20
        configuration.maxInflightMessages = 64
        configuration.maxUncommittedBytes = 1 << 30
        configuration.maxApplyBytesPerReady = 64 << 20
        var nodes: [RaftNode<MemoryLogStorage>] = []
        var storages: [MemoryLogStorage] = []
        for id in ids {
            let storage = MemoryLogStorage(membership: Membership(voters: ids))
            configuration.randomSeed = id
            nodes.append(try RaftNode(id: id, configuration: configuration, storage: storage))
            storages.append(storage)
        }
        self.nodes = nodes
        self.storages = storages
        mailboxes = Array(repeating: [], count: size)
        applied = Array(repeating: 0, count: size)
    }

    var leaderApplied: UInt64 { applied[0] }

    mutating func electFirstNode() {
        while nodes[0].role != .leader {
            nodes[0].tick()
            runUntilQuiet()
        }
    }

    mutating func proposeOnLeader(_ batch: [[UInt8]]) throws {
        try nodes[0].propose(contentsOf: batch)
    }

    mutating func runUntilQuiet() {
        var busy = true
        while busy {
            busy = false
            for position in nodes.indices {
                if !mailboxes[position].isEmpty {
                    busy = true
                    let inbox = mailboxes[position]
                    mailboxes[position].removeAll(keepingCapacity: true)
                    for message in inbox { try! nodes[position].step(message) }
                }
                if nodes[position].hasReady {
                    busy = true
                    handleReady(position)
                }
            }
        }
    }

    mutating func handleReady(_ position: Int) {
        let ready = nodes[position].ready()
        deliver(ready.messages)
        let storage = storages[position]
        if let snapshot = ready.snapshot { storage.applySnapshot(snapshot) }
        storage.append(ready.entries)
        if let hardState = ready.hardState { storage.setHardState(hardState) }
        deliver(ready.persistedMessages)
        if let last = ready.committedEntries.last { applied[position] = last.index }
        nodes[position].advance(ready)
    }

    mutating func deliver(_ messages: [Message]) {
        for message in messages { mailboxes[Int(message.to - 1)].append(message) }
    }

    /// Drops applied entries beyond `limit` from every log, as the server does after a
    /// snapshot, so that memory stays bounded.
    mutating func compactIfLonger(than limit: UInt64) {
        for position in nodes.indices {
            let storage = storages[position]
            let target = applied[position]
            guard target >= storage.firstIndex() + limit,
                  let metadata = try? nodes[position].compact(upTo: target) else { continue }
            storage.compact(to: metadata)
        }
    }
}
