import KeelRaft

/// A small synchronous cluster for unit tests: the test decides which messages are
/// delivered, dropped or held back, and drives each node's Ready loop like a driver would.
struct LocalCluster {
    var nodes: [UInt64: RaftNode<MemoryLogStorage>] = [:]
    var storages: [UInt64: MemoryLogStorage] = [:]
    var applied: [UInt64: [Entry]] = [:]
    var readStates: [UInt64: [ReadState]] = [:]
    /// Messages sent and not yet delivered, in sending order.
    var network: [Message] = []
    /// Links that drop everything (from, to).
    var cutLinks: Set<[UInt64]> = []
    var configuration: RaftConfiguration

    init(voters: [UInt64], learners: [UInt64] = [], configure: (inout RaftConfiguration) -> Void = { _ in }) {
        var configuration = RaftConfiguration()
        configuration.electionTicks = 10
        configuration.heartbeatTicks = 1
        configure(&configuration)
        self.configuration = configuration
        for id in voters + learners {
            addNode(id, membership: Membership(voters: voters, learners: learners))
        }
    }

    mutating func addNode(_ id: UInt64, membership: Membership) {
        let storage = MemoryLogStorage(membership: membership)
        var nodeConfiguration = configuration
        nodeConfiguration.randomSeed = id &* 7919
        storages[id] = storage
        nodes[id] = try! RaftNode(id: id, configuration: nodeConfiguration, storage: storage)
        applied[id] = []
    }

    /// Restarts `id` from its storage, losing everything not persisted.
    mutating func restart(_ id: UInt64, configure: (inout RaftConfiguration) -> Void = { _ in }) {
        var nodeConfiguration = configuration
        configure(&nodeConfiguration)
        nodeConfiguration.randomSeed = id &* 7919 &+ 1
        nodes[id] = try! RaftNode(id: id, configuration: nodeConfiguration, storage: storages[id]!)
    }

    subscript(id: UInt64) -> RaftNode<MemoryLogStorage> {
        get { nodes[id]! }
        set { nodes[id] = newValue }
    }

    /// Runs the driver loop of `id` once: persist, send, apply, advance.
    @discardableResult
    mutating func process(_ id: UInt64) -> Ready? {
        guard nodes[id]!.hasReady else { return nil }
        let ready = nodes[id]!.ready()
        let storage = storages[id]!
        network.append(contentsOf: ready.messages)
        if let snapshot = ready.snapshot { storage.applySnapshot(snapshot) }
        storage.append(ready.entries)
        if let hardState = ready.hardState { storage.setHardState(hardState) }
        network.append(contentsOf: ready.persistedMessages)
        applied[id, default: []].append(contentsOf: ready.committedEntries)
        readStates[id, default: []].append(contentsOf: ready.readStates)
        nodes[id]!.advance(ready)
        return ready
    }

    mutating func processAll() {
        var progressed = true
        while progressed {
            progressed = false
            for id in nodes.keys.sorted() where process(id) != nil { progressed = true }
        }
    }

    /// Delivers messages (and whatever they cause) until the network is quiet.
    mutating func settle(maxMessages: Int = 100_000) {
        processAll()
        var delivered = 0
        while !network.isEmpty && delivered < maxMessages {
            let message = network.removeFirst()
            delivered += 1
            guard nodes[message.to] != nil, !cutLinks.contains([message.from, message.to]) else { continue }
            try! nodes[message.to]!.step(message)
            processAll()
        }
    }

    /// Takes every undelivered message addressed as given out of the network.
    mutating func take(where predicate: (Message) -> Bool) -> [Message] {
        processAll()
        let taken = network.filter(predicate)
        network.removeAll(where: predicate)
        return taken
    }

    mutating func tick(_ id: UInt64, times: Int = 1) {
        for _ in 0..<times { nodes[id]!.tick() }
    }

    mutating func tickAll(times: Int = 1) {
        for _ in 0..<times {
            for id in nodes.keys.sorted() { nodes[id]!.tick() }
            settle()
        }
    }

    /// Makes `id` campaign and delivers until the election is over.
    mutating func elect(_ id: UInt64) {
        nodes[id]!.tick()
        for _ in 0..<(configuration.electionTicks * 2) where nodes[id]!.role == .follower { nodes[id]!.tick() }
        settle()
    }

    mutating func isolate(_ id: UInt64) {
        for other in nodes.keys where other != id {
            cutLinks.insert([id, other])
            cutLinks.insert([other, id])
        }
    }

    mutating func heal() { cutLinks.removeAll() }

    var leaders: [UInt64] { nodes.keys.sorted().filter { nodes[$0]!.role == .leader } }

    func appliedData(_ id: UInt64) -> [[UInt8]] {
        applied[id]!.filter { $0.kind == .normal }.map(\.data)
    }
}
