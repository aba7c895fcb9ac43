import KeelRaft

/// One deterministic simulated run of a KeelRaft cluster under faults (TESTING.md section 2).
///
/// A fault phase crashes and restarts nodes (losing what was not persisted), partitions the
/// network symmetrically, asymmetrically or around the leader, drops, duplicates, delays and
/// reorders messages, compacts logs, changes membership and transfers leadership, while
/// clients propose and read. Every step is followed by the safety checks. A heal phase then
/// repairs everything and requires a leader and every pending proposal to commit within a
/// bounded number of ticks. The whole run derives from one seed.
public struct Simulation {
    /// What this run simulates.
    public let options: SimulationOptions
    var random: DeterministicRandom
    var nodes: [SimulatedNode] = []
    var network = SimulatedNetwork()
    var now = 0
    var trace = TraceHasher()
    var statistics = SimulationStatistics()
    /// A readable log of the run, kept only when enabled (for replaying a failing seed).
    public let eventLog = EventLog()

    // Fault parameters of this run.
    let dropPerMille: UInt64
    let duplicatePerMille: UInt64
    let maxDelay: Int
    let tickSkipPerMille: UInt64
    let leaderChurn: Bool
    /// Per mille of `Ready`s whose write takes a few ticks, during which the node keeps
    /// stepping and sends what `outputWhilePersisting()` releases (the server's log writer).
    let slowWritePerMille: UInt64
    var partitionEndsAt: Int?

    // Clients.
    var nextRequestID: UInt64 = 1
    var pendingRequests: Set<UInt64> = []
    /// Where each pending request was last accepted: (leader, term). A client resubmits
    /// only when leadership changed since, as a session-aware client would.
    var acceptedBy: [UInt64: (leader: UInt64, term: UInt64)] = [:]
    var nextReadContext: UInt64 = 1
    /// For each read: the highest index known committed when the read was asked.
    var readFloors: [UInt64: UInt64] = [:]

    // What the checks know.
    var leaderOfTerm: [UInt64: UInt64] = [:]
    /// Committed entries by index (term, payload digest), learned from applications.
    var committed: [UInt64: (term: UInt64, digest: UInt64)] = [:]
    var highestCommitted: UInt64 = 0
    /// (index, term) of every entry ever persisted: its payload digest and previous term.
    var entryIdentity: [EntryKey: (digest: UInt64, previousTerm: UInt64)] = [:]
    var committedMembership: Membership
    var committedMembershipIndex: UInt64 = 0

    struct EntryKey: Hashable {
        var index: UInt64
        var term: UInt64
    }

    /// Prepares a run; nothing happens until `run()`.
    public init(options: SimulationOptions) {
        self.options = options
        random = DeterministicRandom(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678)
        let faults = options.faults
        dropPerMille = faults ? random.next(below: 100) : 0
        duplicatePerMille = faults ? random.next(below: 50) : 0
        maxDelay = faults ? 1 + Int(random.next(below: 8)) : 1
        // Half of the runs have clocks that skip ticks (drift); only the others try lease reads.
        var clocksSkip = false
        if faults { clocksSkip = random.chance(1, in: 2) }
        tickSkipPerMille = clocksSkip ? 1 + random.next(below: 20) : 0
        var churn = false
        if faults { churn = random.chance(1, in: 3) }
        leaderChurn = churn
        var slowWrites: UInt64 = 0
        if faults, random.chance(2, in: 3) { slowWrites = 50 + random.next(below: 500) }
        slowWritePerMille = slowWrites
        let initialVoters = (1...UInt64(options.nodeCount)).map { $0 }
        committedMembership = Membership(voters: initialVoters)
        var base = RaftConfiguration()
        base.electionTicks = 10
        base.heartbeatTicks = 2
        base.preVote = random.chance(3, in: 4)
        base.checkQuorum = random.chance(3, in: 4)
        // Churn runs send small messages, so that catching a follower up takes several.
        base.maxBytesPerMessage = 64 + Int(random.next(below: churn ? 64 : 1000))
        base.maxInflightMessages = 2 + Int(random.next(below: 7))
        base.maxUncommittedBytes = 4096
        // Lease reads need bounded clock drift: only on runs whose clocks never skip.
        base.leaseReads = base.checkQuorum && tickSkipPerMille == 0 && random.chance(1, in: 2)
        statistics.leaseReads = base.leaseReads
        // Two spare nodes start empty and wait to be added.
        for id in 1...UInt64(options.nodeCount + 2) {
            var configuration = base
            configuration.randomSeed = random.next()
            let membership = id <= UInt64(options.nodeCount) ? Membership(voters: initialVoters) : Membership()
            nodes.append(SimulatedNode(id: id, membership: membership, configuration: configuration))
        }
        trace.combine(options.seed)
    }

    /// Runs the whole simulation.
    public mutating func run() -> SimulationResult {
        let violation: InvariantViolation?
        do {
            try runPhases()
            violation = nil
        } catch {
            violation = error
        }
        statistics.ticks = now
        return SimulationResult(seed: options.seed, violation: violation, traceHash: trace.value, statistics: statistics)
    }

    mutating func runPhases() throws(InvariantViolation) {
        while now < options.faultTicks {
            try step(faulty: options.faults)
            now += 1
        }
        heal()
        let healStart = now
        var leaderSeenAt: Int?
        while now < options.faultTicks + options.healTicks {
            try step(faulty: false)
            now += 1
            if leaderSeenAt == nil, currentLeader() != nil {
                leaderSeenAt = now
                statistics.ticksToLeaderAfterHeal = now - healStart
            }
            if leaderSeenAt != nil && isConverged() { return }
        }
        guard leaderSeenAt != nil else {
            throw violation(.liveness, "no leader within \(options.healTicks) ticks after healing")
        }
        let lagging = nodes.filter { isActiveMember($0) && $0.stateMachine.appliedIndex < highestCommitted }.map(\.id)
        throw violation(.liveness, "after \(options.healTicks) heal ticks: \(pendingRequests.count) proposals pending, "
                        + "nodes \(lagging) behind commit \(highestCommitted)")
    }

    // MARK: One step

    mutating func step(faulty: Bool) throws(InvariantViolation) {
        try deliverMessages(faulty: faulty)
        for position in nodes.indices where nodes[position].isUp {
            if faulty && tickSkipPerMille > 0 && random.chance(tickSkipPerMille, in: 1000) { continue }
            nodes[position].raft!.tick()
        }
        trace.combine(UInt64(now))
        try runClients(faulty: faulty)
        if faulty { try injectFaults() } else { try restartDue() }
        for position in nodes.indices { try processReady(position, faulty: faulty) }
        try checkAfterStep()
    }

    mutating func deliverMessages(faulty: Bool) throws(InvariantViolation) {
        for envelope in network.takeDue(at: now) {
            let message = envelope.message
            let target = Int(message.to - 1)
            let delivered = target < nodes.count && nodes[target].isUp && !nodes[target].decommissioned
                && !network.isCut(from: message.from, to: message.to)
            trace.combine(UInt64(message.kind.rawValue) << 56 | message.from << 48 | message.to << 40 | (delivered ? 1 : 0))
            trace.combine(message.term)
            trace.combine(message.index)
            if message.kind == .snapshot {
                let sender = Int(message.from - 1)
                if nodes[sender].isUp { nodes[sender].raft!.reportSnapshot(peer: message.to, success: delivered) }
            }
            record("\(delivered ? "deliver" : "lose") \(describe(message))")
            guard delivered else {
                statistics.messagesDropped += 1
                // A connection failure the transport notices; plain losses go unnoticed.
                let sender = Int(message.from - 1)
                if message.kind == .append, nodes[sender].isUp, !nodes[target].isUp || network.isCut(from: message.from, to: message.to) {
                    nodes[sender].raft!.reportUnreachable(peer: message.to)
                }
                continue
            }
            statistics.messagesDelivered += 1
            if let image = envelope.snapshotImage, let snapshot = message.snapshot {
                nodes[target].incomingImages[snapshot.index] = image
            }
            do {
                try nodes[target].raft!.step(message)
            } catch {
                throw violation(.coreFailure, "node \(message.to) refused \(message.kind): \(error)")
            }
        }
    }

    mutating func send(_ message: Message, from position: Int, faulty: Bool) {
        var envelope = Envelope(message: message)
        if message.kind == .snapshot {
            // The core described the snapshot when it decided to send it; if the node took a
            // newer one since, the old data is gone and the transfer fails.
            guard nodes[position].snapshotImage.appliedIndex == message.snapshot?.index else {
                nodes[position].raft?.reportSnapshot(peer: message.to, success: false)
                return
            }
            envelope.snapshotImage = nodes[position].snapshotImage
        }
        if faulty {
            if random.chance(dropPerMille, in: 1000) || network.isCut(from: message.from, to: message.to) {
                statistics.messagesDropped += 1
                if message.kind == .snapshot { nodes[position].raft?.reportSnapshot(peer: message.to, success: false) }
                return
            }
            if random.chance(duplicatePerMille, in: 1000) {
                network.schedule(envelope, at: now + 1 + Int(random.next(below: UInt64(maxDelay))))
            }
        }
        // Once healed, links deliver in order after one tick, like TCP connections.
        let delay = faulty ? 1 + Int(random.next(below: UInt64(maxDelay))) : 1
        network.schedule(envelope, at: now + delay)
    }

    // MARK: The driver loop, with crash points

    mutating func processReady(_ position: Int, faulty: Bool) throws(InvariantViolation) {
        var rounds = 0
        while nodes[position].isUp, rounds < 16 {
            if let write = nodes[position].writing {
                // The write is under way: what may go out early does; the rest waits for it.
                let early = nodes[position].raft!.outputWhilePersisting()
                statistics.messagesSentWhileWriting += early.messages.count
                statistics.readsConfirmedWhileWriting += early.readStates.count
                for message in early.messages { send(message, from: position, faulty: faulty) }
                for read in early.readStates { try checkRead(read, node: position) }
                guard now >= write.doneAt else { return }
                nodes[position].writing = nil
                try finish(write.ready, node: position, faulty: faulty)
                continue
            }
            guard nodes[position].raft!.hasReady else { return }
            rounds += 1
            let ready = nodes[position].raft!.ready()
            let id = nodes[position].id
            if let soft = ready.softState { record("node \(id) is \(soft.role) term \(nodes[position].raft!.term) leader \(soft.leader)") }
            if let snapshot = ready.snapshot { record("node \(id) installs snapshot \(snapshot.index)/\(snapshot.term)") }
            if let first = ready.entries.first { record("node \(id) persists \(first.index)...\(ready.entries.last!.index) terms \(first.term)...\(ready.entries.last!.term)") }
            if let last = ready.committedEntries.last { record("node \(id) applies up to \(last.index)") }
            try checkReady(ready, node: position)
            for message in ready.messages { send(message, from: position, faulty: faulty) }
            // With leader churn, a new leader often crashes a few ticks into its term: old
            // entries may have reached a quorum while its first own entry has not.
            if faulty && leaderChurn && ready.softState?.role == .leader && random.chance(1, in: 2) {
                nodes[position].crashAt = now + 2 + Int(random.next(below: 8))
            }
            // Crash after the leader's appends left but before its own fsync.
            if faulty && random.chance(1, in: 3000) {
                crash(position)
                return
            }
            if faulty && random.chance(slowWritePerMille, in: 1000) {
                nodes[position].writing = (ready, now + 1 + Int(random.next(below: 4)))
                statistics.slowWrites += 1
                continue
            }
            try finish(ready, node: position, faulty: faulty)
        }
    }

    /// The rest of a `Ready` once its write is durable: persisted messages, install, apply,
    /// confirmed reads, `advance`.
    mutating func finish(_ ready: Ready, node position: Int, faulty: Bool) throws(InvariantViolation) {
        let id = nodes[position].id
        let disk = nodes[position].disk
        if let snapshot = ready.snapshot {
            guard let image = nodes[position].incomingImages[snapshot.index] else {
                throw violation(.coreFailure, "node \(id) asked to install snapshot \(snapshot.index) it never received")
            }
            disk.applySnapshot(snapshot)
            nodes[position].snapshotImage = image
            // Newer snapshots may have arrived while this write was under way.
            nodes[position].incomingImages = nodes[position].incomingImages.filter { $0.key > snapshot.index }
            statistics.snapshotsInstalled += 1
        }
        disk.append(ready.entries)
        if let hardState = ready.hardState { disk.setHardState(hardState) }
        // Crash after the fsync but before the acknowledgements went out.
        if faulty && random.chance(1, in: 3000) {
            crash(position)
            return
        }
        for message in ready.persistedMessages { send(message, from: position, faulty: faulty) }
        // Crash right after granting a vote or acknowledging entries now and then: the
        // moments when forgetting what was promised does damage.
        let votedNow = ready.persistedMessages.contains { $0.kind == .voteResponse && !$0.reject }
        let acknowledgedNow = ready.persistedMessages.contains { $0.kind == .appendResponse && !$0.reject }
        if faulty && ((votedNow && random.chance(1, in: 8)) || (acknowledgedNow && random.chance(1, in: 50))) {
            crash(position)
            return
        }
        if ready.snapshot != nil { nodes[position].stateMachine = nodes[position].snapshotImage }
        for entry in ready.committedEntries { try apply(entry, node: position) }
        for read in ready.readStates { try checkRead(read, node: position) }
        nodes[position].raft!.advance(ready)
    }

    mutating func apply(_ entry: Entry, node position: Int) throws(InvariantViolation) {
        let id = nodes[position].id
        guard nodes[position].stateMachine.apply(entry) else {
            throw violation(.applyOrder, "node \(id) applied \(entry.index) after \(nodes[position].stateMachine.appliedIndex)")
        }
        try learnCommitted(entry, at: position, applying: true)
    }

    /// Records that `entry` is committed, as seen at node `position`; any other entry seen
    /// committed at the same index breaks state machine safety.
    mutating func learnCommitted(_ entry: Entry, at position: Int, applying: Bool) throws(InvariantViolation) {
        let digest = Self.digest(of: entry)
        if let known = committed[entry.index] {
            guard known.term == entry.term && known.digest == digest else {
                throw violation(.stateMachineSafety, "node \(nodes[position].id) \(applying ? "applied" : "committed") "
                                + "term \(entry.term) at \(entry.index), another node term \(known.term)")
            }
            return
        }
        committed[entry.index] = (entry.term, digest)
        highestCommitted = max(highestCommitted, entry.index)
        statistics.entriesCommitted += 1
        trace.combine(entry.index)
        trace.combine(digest)
        switch entry.kind {
        case .normal:
            if let requestID = SimulatedStateMachine.requestID(of: entry.data) {
                pendingRequests.remove(requestID)
                acceptedBy[requestID] = nil
            }
        case .configurationChange:
            if entry.index > committedMembershipIndex, let payload = try? ConfigurationChangeEntry(decoding: entry.data) {
                committedMembership = payload.membership
                committedMembershipIndex = entry.index
                statistics.membershipChanges += 1
            }
        case .noop:
            break
        }
    }

    static func digest(of entry: Entry) -> UInt64 {
        var hasher = TraceHasher()
        hasher.combine(UInt64(entry.kind.rawValue))
        hasher.combine(entry.data)
        return hasher.value
    }

    // MARK: Checks

    mutating func checkReady(_ ready: Ready, node position: Int) throws(InvariantViolation) {
        let raft = nodes[position].raft!
        let id = nodes[position].id
        for (offset, entry) in ready.entries.enumerated() {
            let previousTerm = offset > 0 ? ready.entries[offset - 1].term : (raft.term(at: entry.index - 1) ?? 0)
            let key = EntryKey(index: entry.index, term: entry.term)
            let identity = (digest: Self.digest(of: entry), previousTerm: previousTerm)
            if let known = entryIdentity[key] {
                // Same index and term must mean the same entry with the same history.
                guard known.digest == identity.digest && known.previousTerm == identity.previousTerm else {
                    throw violation(.logMatching, "node \(id) persists index \(entry.index) term \(entry.term) "
                                    + "that differs from another copy")
                }
            } else {
                entryIdentity[key] = identity
            }
        }
        if let soft = ready.softState, soft.role == .leader {
            statistics.leadersElected += 1
        }
    }

    mutating func checkRead(_ read: ReadState, node position: Int) throws(InvariantViolation) {
        statistics.readsServed += 1
        if let leader = currentLeader(), nodes[leader].raft!.term > nodes[position].raft!.term {
            statistics.readsServedByStaleLeaders += 1
        }
        guard let floor = readFloors.removeValue(forKey: read.context) else { return }
        guard read.index >= floor else {
            throw violation(.linearizableRead, "node \(nodes[position].id) served read \(read.context) at index "
                            + "\(read.index), but \(floor) was committed before the read was asked")
        }
    }

    mutating func checkAfterStep() throws(InvariantViolation) {
        for position in nodes.indices where nodes[position].isUp {
            let raft = nodes[position].raft!
            let id = nodes[position].id
            // Every node's committed prefix agrees with everyone else's, applied or not yet.
            if raft.commitIndex > nodes[position].checkedCommit {
                for entry in raft.entries(in: (nodes[position].checkedCommit + 1)...raft.commitIndex) {
                    try learnCommitted(entry, at: position, applying: false)
                }
                nodes[position].checkedCommit = raft.commitIndex
            }
            if raft.role == .leader {
                if let other = leaderOfTerm[raft.term], other != id {
                    throw violation(.electionSafety, "nodes \(other) and \(id) both led term \(raft.term)")
                }
                leaderOfTerm[raft.term] = id
                if !nodes[position].wasLeader {
                    nodes[position].wasLeader = true
                    trace.combine(id << 32 | raft.term)
                    try checkLeaderCompleteness(position)
                }
            } else {
                nodes[position].wasLeader = false
            }
        }
        try checkDurability()
    }

    /// A new leader's log holds every entry committed so far (Raft paper, section 5.4).
    func checkLeaderCompleteness(_ position: Int) throws(InvariantViolation) {
        let raft = nodes[position].raft!
        let firstHeld = nodes[position].disk.firstIndex()
        guard highestCommitted >= firstHeld else { return }
        for index in firstHeld...highestCommitted {
            guard let known = committed[index] else { continue }
            guard raft.term(at: index) == known.term else {
                throw violation(.leaderCompleteness, "leader \(nodes[position].id) of term \(raft.term) lacks "
                                + "committed index \(index) (term \(known.term))")
            }
        }
    }

    /// The latest committed entry is on the disks of a majority (of the smallest voter set
    /// the run allows), so no crash can lose it.
    func checkDurability() throws(InvariantViolation) {
        guard highestCommitted > 0, let known = committed[highestCommitted] else { return }
        var holders = 0
        for node in nodes {
            let disk = node.disk
            if disk.snapshotMetadata().index >= highestCommitted || disk.term(at: highestCommitted) == known.term {
                holders += 1
            }
        }
        guard holders >= options.nodeCount / 2 + 1 else {
            throw violation(.committedEntryDurability, "committed index \(highestCommitted) is durable on only \(holders) nodes")
        }
    }

    func record(_ event: @autoclosure () -> String) {
        if eventLog.isEnabled { eventLog.lines.append("\(now) \(event())") }
    }

    func violation(_ invariant: InvariantViolation.Invariant, _ detail: String) -> InvariantViolation {
        InvariantViolation(invariant: invariant, tick: now, detail: detail)
    }

    // MARK: Clients and operators

    func currentLeader() -> Int? {
        var best: Int?
        for position in nodes.indices where nodes[position].isUp && nodes[position].raft!.role == .leader {
            if best == nil || nodes[position].raft!.term > nodes[best!].raft!.term { best = position }
        }
        return best
    }

    mutating func runClients(faulty: Bool) throws(InvariantViolation) {
        guard let leader = currentLeader() else { return }
        // Clients talk to any node that believes it leads, stale leaders included: those
        // must neither commit nor serve a read that misses newer writes.
        let believers = nodes.indices.filter { nodes[$0].isUp && nodes[$0].raft!.role == .leader }
        let contacted = believers[Int(random.next(below: UInt64(believers.count)))]
        if faulty && random.chance(1, in: 3) {
            let requestID = nextRequestID
            nextRequestID += 1
            pendingRequests.insert(requestID)
            if (try? nodes[contacted].raft!.propose(SimulatedStateMachine.payload(for: requestID))) != nil {
                acceptedBy[requestID] = (nodes[contacted].id, nodes[contacted].raft!.term)
            }
        }
        // Clients resubmit what a former leader accepted but did not commit, or what was
        // refused; the state machine deduplicates.
        if now % 25 == 0 && !pendingRequests.isEmpty {
            let leaderID = nodes[leader].id
            let term = nodes[leader].raft!.term
            let retry = pendingRequests.sorted().filter { acceptedBy[$0].map { $0.leader != leaderID || $0.term != term } ?? true }
            let batch = Array(retry.prefix(64))
            if !batch.isEmpty,
               (try? nodes[leader].raft!.propose(contentsOf: batch.map(SimulatedStateMachine.payload(for:)))) != nil {
                for requestID in batch { acceptedBy[requestID] = (leaderID, term) }
            }
        }
        // Reads are frequent, and more so where two nodes believe they lead.
        for position in believers where random.chance(1, in: believers.count > 1 ? 2 : 10) {
            let context = nextReadContext
            nextReadContext += 1
            readFloors[context] = highestCommitted
            try? nodes[position].raft!.readIndex(context: context)
        }
        guard faulty else { return }
        if random.chance(1, in: 150) { changeMembership(leader: leader) }
        if random.chance(1, in: 250) {
            let voters = nodes[leader].raft!.membership.voters
            let target = voters[Int(random.next(below: UInt64(voters.count)))]
            if (try? nodes[leader].raft!.transferLeadership(to: target)) != nil {
                statistics.leadershipTransfers += 1
                record("leader \(nodes[leader].id) transfers to \(target)")
            }
        }
        for position in nodes.indices where nodes[position].isUp && random.chance(1, in: 200) {
            compact(position)
        }
    }

    mutating func changeMembership(leader: Int) {
        let membership = nodes[leader].raft!.membership
        let spares = nodes.map(\.id).filter { !membership.contains($0) && !nodes[Int($0 - 1)].decommissioned
            && nodes[Int($0 - 1)].disk.lastIndex() == 0 && nodes[Int($0 - 1)].disk.snapshotMetadata().index == 0 }
        var changes: [ConfigurationChange] = []
        if let spare = spares.first { changes.append(ConfigurationChange(.addLearner, node: spare)) }
        for learner in membership.learners {
            changes.append(ConfigurationChange(.promoteLearner, node: learner))
            changes.append(ConfigurationChange(.remove, node: learner))
        }
        if membership.voters.count > options.nodeCount {
            for voter in membership.voters { changes.append(ConfigurationChange(.remove, node: voter)) }
        }
        guard !changes.isEmpty else { return }
        let change = changes[Int(random.next(below: UInt64(changes.count)))]
        trace.combine(UInt64(change.kind.rawValue) << 8 | change.node)
        let outcome = Result { () throws(RaftError) in try nodes[leader].raft!.proposeConfigurationChange(change) }
        record("leader \(nodes[leader].id) proposes \(change.kind) \(change.node): \(outcome)")
    }

    mutating func compact(_ position: Int) {
        let applied = nodes[position].raft!.appliedIndex
        guard applied > nodes[position].disk.firstIndex() + 4,
              let metadata = try? nodes[position].raft!.compact(upTo: applied)
        else { return }
        nodes[position].disk.compact(to: metadata)
        record("node \(nodes[position].id) compacts to \(metadata.index)")
        nodes[position].snapshotImage = nodes[position].stateMachine
        statistics.compactions += 1
    }

    // MARK: Faults

    mutating func injectFaults() throws(InvariantViolation) {
        if let end = partitionEndsAt, now >= end {
            network.cutLinks.removeAll()
            partitionEndsAt = nil
            trace.combine(0xFEED)
        }
        if partitionEndsAt == nil && random.chance(1, in: 200) { partition() }
        if random.chance(1, in: 250) {
            let candidates = nodes.indices.filter { nodes[$0].isUp && !nodes[$0].decommissioned }
            if !candidates.isEmpty {
                let victim = candidates[Int(random.next(below: UInt64(candidates.count)))]
                crash(victim)
            }
        }
        // A false "peer down" hint about a leader that is alive: it may cost an election,
        // never safety.
        if random.chance(1, in: 300) {
            let up = nodes.indices.filter { nodes[$0].isUp }
            if !up.isEmpty {
                let told = up[Int(random.next(below: UInt64(up.count)))]
                let leader = nodes[told].raft!.leader
                nodes[told].raft!.reportPeerDown(peer: leader)
                trace.combine(0xD0 << 8 | leader)
            }
        }
        // Leader churn (a third of the runs): leaders crash soon after they take office,
        // often before their first entry of the term reaches a quorum; the conditions of the
        // paper's Figure 8.
        if leaderChurn, let leader = currentLeader(), random.chance(1, in: 25) {
            crash(leader)
        }
        for position in nodes.indices where nodes[position].crashAt == now {
            nodes[position].crashAt = nil
            if nodes[position].isUp { crash(position) }
        }
        try restartDue()
    }

    mutating func partition() {
        let ids = nodes.map(\.id)
        var links: Set<SimulatedNetwork.Link> = []
        switch random.next(below: 4) {
        case 0:
            // Symmetric split into two sides.
            let side = Set(ids.filter { _ in random.chance(1, in: 2) })
            for from in ids {
                for to in ids where side.contains(from) != side.contains(to) {
                    links.insert(.init(from: from, to: to))
                }
            }
        case 1:
            // Asymmetric: some directed links lose everything.
            for from in ids {
                for to in ids where from != to && random.chance(1, in: 4) {
                    links.insert(.init(from: from, to: to))
                }
            }
        case 2:
            // The leader cannot reach some followers, which still reach everyone: they
            // campaign while the leader believes it is fine (the lease-read trap).
            if let leader = currentLeader() {
                let leaderID = nodes[leader].id
                for to in ids where to != leaderID && random.chance(1, in: 2) {
                    links.insert(.init(from: leaderID, to: to))
                }
            }
        default:
            // Isolate the leader (or a random node when there is none).
            let isolated = currentLeader().map { nodes[$0].id } ?? ids[Int(random.next(below: UInt64(ids.count)))]
            for other in ids where other != isolated {
                links.insert(.init(from: isolated, to: other))
                links.insert(.init(from: other, to: isolated))
            }
        }
        network.cutLinks = links
        record("partition \(links.map { "\($0.from)>\($0.to)" }.sorted())")
        partitionEndsAt = now + 20 + Int(random.next(below: 200))
        statistics.partitions += 1
        trace.combine(UInt64(links.count) << 16 | 0xBEEF)
    }

    mutating func crash(_ position: Int) {
        statistics.crashes += 1
        record("node \(nodes[position].id) crashes")
        trace.combine(0xDEAD << 8 | nodes[position].id)
        // A third of the crashes are quick bounces, which catch a node forgetting something
        // while the term it promised it in is still running.
        let downtime = random.chance(1, in: 3) ? 1 + Int(random.next(below: 10)) : 5 + Int(random.next(below: 150))
        nodes[position].crash(restartAt: now + downtime)
        // Most survivors notice the crash as a refused connection (the server's hint).
        let crashed = nodes[position].id
        for other in nodes.indices where nodes[other].isUp && random.chance(2, in: 3) {
            nodes[other].raft!.reportPeerDown(peer: crashed)
        }
    }

    mutating func restartDue() throws(InvariantViolation) {
        for position in nodes.indices {
            guard let at = nodes[position].restartAt, at <= now, !nodes[position].decommissioned else { continue }
            var configuration = nodes[position].configuration
            configuration.randomSeed = random.next()
            // A rolling change of the election flags (etcd-io/etcd#8501), never breaking the
            // lease-read requirement.
            if random.chance(1, in: 10) && !configuration.leaseReads {
                configuration.preVote.toggle()
                configuration.checkQuorum.toggle()
            }
            do {
                try nodes[position].restart(with: configuration)
            } catch {
                throw violation(.coreFailure, "node \(nodes[position].id) failed to restart: \(error)")
            }
            trace.combine(0xA11E << 8 | nodes[position].id)
            record("node \(nodes[position].id) restarts preVote=\(configuration.preVote) checkQuorum=\(configuration.checkQuorum)")
        }
    }

    // MARK: Healing

    mutating func heal() {
        network.cutLinks.removeAll()
        partitionEndsAt = nil
        for position in nodes.indices {
            let id = nodes[position].id
            let isMember = committedMembership.contains(id)
            // Removed servers are shut down, as an operator would.
            if !isMember && (nodes[position].disk.lastIndex() > 0 || nodes[position].disk.snapshotMetadata().index > 0) {
                nodes[position].crash(restartAt: nil)
                nodes[position].decommissioned = true
            } else if !nodes[position].isUp {
                nodes[position].restartAt = now
            }
        }
        trace.combine(0x4EA1)
        record("heal; membership \(committedMembership)")
    }

    func isActiveMember(_ node: SimulatedNode) -> Bool {
        node.isUp && !node.decommissioned && committedMembership.contains(node.id)
    }

    func isConverged() -> Bool {
        guard pendingRequests.isEmpty, let leader = currentLeader() else { return false }
        let commit = nodes[leader].raft!.commitIndex
        for node in nodes where isActiveMember(node) && node.stateMachine.appliedIndex < commit { return false }
        let digests = Set(nodes.filter(isActiveMember).map(\.stateMachine.digest))
        return digests.count == 1
    }

    func describe(_ message: Message) -> String {
        var text = "\(message.kind) \(message.from)>\(message.to) t\(message.term) i\(message.index) lt\(message.logTerm)"
        if !message.entries.isEmpty { text += " e\(message.entries.first!.index)...\(message.entries.last!.index)" }
        if message.commit > 0 { text += " c\(message.commit)" }
        if message.reject { text += " reject hint \(message.conflictTerm)/\(message.conflictIndex)" }
        if let snapshot = message.snapshot { text += " snap \(snapshot.index)/\(snapshot.term)" }
        return text
    }
}
