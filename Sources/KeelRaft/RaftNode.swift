/// One Raft participant as a pure, deterministic state machine (the shape of etcd's
/// `RawNode`): no IO, no clock, no threads. The driver feeds it ticks, messages and
/// proposals, then repeatedly takes a `Ready`, performs it, and calls `advance(_:)`.
///
/// All state lives in the value; many instances can run in one process.
public struct RaftNode<Storage: RaftLogStorage> {
    /// This node's id (never 0).
    public let id: UInt64
    let configuration: RaftConfiguration
    var log: RaftLog<Storage>
    var random: DeterministicRandom

    /// The current term.
    public internal(set) var term: UInt64 = 0
    /// The node voted for in `term`, or 0.
    public internal(set) var vote: UInt64 = 0
    /// The role in `term`.
    public internal(set) var role: RaftRole = .follower
    /// The leader known in `term` (this node when leader), or 0.
    public internal(set) var leader: UInt64 = 0

    /// The membership in force: the one of the last membership entry in the log, committed
    /// or not (thesis 4.1), else the snapshot's.
    public internal(set) var membership: Membership
    /// The membership at the log's first index - 1 (snapshot or compaction point).
    var baseMembership: Membership
    /// Membership entries in the log above the base, in index order.
    var membershipHistory: [(index: UInt64, membership: Membership)] = []

    var progress: [UInt64: Progress] = [:]
    var votes: [UInt64: Bool] = [:]
    var electionElapsed = 0
    var heartbeatElapsed = 0
    var randomizedElectionTimeout = 0
    /// Ticks since a leader was last heard from. With lease reads it starts at 0, so that a
    /// restarted node keeps honouring a lease it may have granted before it crashed.
    var ticksSinceLeaderContact = 0
    var tickCount: UInt64 = 0
    var transferTarget: UInt64 = 0
    /// A TimeoutNow went out in this term. It may arrive arbitrarily late and start an
    /// election that ignores leases, so lease reads stop for the rest of the term.
    var sentTimeoutNowInTerm = false
    var transferElapsed = 0
    var uncommittedBytes = 0
    var broadcastPending = false

    var outbox: [Message] = []
    var readQueue = ReadIndexQueue()
    var readStates: [ReadState] = []
    var lastSoftState: SoftState
    var lastHardState: HardState
    var awaitingAdvance = false

    /// Creates a node from what `storage` holds (a new or a restarted node alike).
    /// - Parameters:
    ///   - id: this node's id, never 0.
    ///   - configuration: timeouts, limits and feature switches; give every node its own seed.
    ///   - storage: what the driver persisted; the core only reads it.
    /// - Throws: `RaftError.invalidConfiguration` or `.invalidNodeID`.
    public init(id: UInt64, configuration: RaftConfiguration, storage: Storage) throws(RaftError) {
        guard id != 0 else { throw .invalidNodeID }
        try configuration.validate()
        self.id = id
        self.configuration = configuration
        random = DeterministicRandom(seed: configuration.randomSeed)
        let (hardState, snapshotMembership) = storage.initialState()
        log = RaftLog(storage: storage, commit: hardState.commit)
        term = hardState.term
        vote = hardState.vote
        baseMembership = snapshotMembership
        membership = snapshotMembership
        lastSoftState = SoftState(role: .follower, leader: 0)
        lastHardState = hardState
        loadMembershipHistory()
        becomeFollower(term: hardState.term, leader: 0)
        ticksSinceLeaderContact = configuration.leaseReads ? 0 : configuration.electionTicks
    }

    /// The current commit index.
    public var commitIndex: UInt64 { log.committed }
    /// The highest index handed to the driver to apply and confirmed by `advance`.
    public var appliedIndex: UInt64 { log.applied }
    /// The index of the last log entry, durable or not.
    public var lastIndex: UInt64 { log.lastIndex }
    /// The term of the last log entry.
    public var lastTerm: UInt64 { log.lastTerm }
    /// The term of the entry at `index`, if the log still holds it.
    public func term(at index: UInt64) -> UInt64? { log.term(at: index) }
    /// The target of an ongoing leadership transfer, or 0.
    public var leadershipTransferTarget: UInt64 { transferTarget }
    /// The node's soft state.
    public var softState: SoftState { SoftState(role: role, leader: leader) }
    /// The node's hard state (possibly not yet persisted).
    public var hardState: HardState { HardState(term: term, vote: vote, commit: log.committed) }

    /// Entries of the log (durable or not) in `range`, clamped to what is still held;
    /// meant for inspection by tests and tools.
    public func entries(in range: ClosedRange<UInt64>) -> [Entry] {
        let start = max(range.lowerBound, log.firstIndex)
        let end = min(range.upperBound, log.lastIndex)
        guard start <= end else { return [] }
        return log.entries(from: start, to: end + 1, maxBytes: .max)
    }

    /// What the leader knows of `peer`'s log, for tests and status pages: (match, next).
    public func replicationPosition(of peer: UInt64) -> (match: UInt64, next: UInt64)? {
        progress[peer].map { ($0.match, $0.next) }
    }

    // MARK: Inputs

    /// Advances the logical clock by one tick: elections, heartbeats, check-quorum and
    /// leadership-transfer deadlines are all counted in ticks.
    public mutating func tick() {
        tickCount += 1
        ticksSinceLeaderContact += 1
        if role == .leader {
            tickLeader()
        } else {
            tickElection()
        }
    }

    /// Proposes a command; it is committed once a quorum stores it.
    /// - Parameter data: the command, opaque to Raft.
    /// - Throws: `RaftError.notLeader`, `.leadershipTransferInProgress` or
    ///   `.uncommittedBacklogFull`.
    public mutating func propose(_ data: [UInt8]) throws(RaftError) {
        try checkCanPropose(bytes: data.count + 24)
        appendAsLeader(kind: .normal, data: data)
    }

    /// Proposes many commands at once; cheaper than one `propose` per command.
    /// - Parameter batch: the commands, appended in order.
    /// - Throws: as `propose(_:)`; then none of them is appended.
    public mutating func propose(contentsOf batch: [[UInt8]]) throws(RaftError) {
        var bytes = 0
        for data in batch { bytes += data.count + 24 }
        try checkCanPropose(bytes: bytes)
        var index = log.lastIndex
        var entries: [Entry] = []
        entries.reserveCapacity(batch.count)
        for data in batch {
            index += 1
            entries.append(Entry(term: term, index: index, kind: .normal, data: data))
        }
        appendAsLeader(entries)
    }

    /// Proposes one single-server membership change (thesis 4.2). The new membership takes
    /// effect as soon as the entry is appended.
    /// - Parameter change: the change; its `context` travels with the entry.
    /// - Throws: `RaftError.notLeader`, `.leadershipTransferInProgress`,
    ///   `.noCommitInCurrentTerm`, `.configurationChangeInProgress`, `.learnerNotCaughtUp`,
    ///   or the validation errors of `Membership.applying(_:)`.
    public mutating func proposeConfigurationChange(_ change: ConfigurationChange) throws(RaftError) {
        guard role == .leader else { throw .notLeader(leaderHint: leader) }
        guard transferTarget == 0 else { throw .leadershipTransferInProgress(target: transferTarget) }
        // Ongaro's fix for single-server changes: no change before the leader committed an
        // entry of its own term, and at most one uncommitted change.
        guard log.term(at: log.committed) == term else { throw .noCommitInCurrentTerm }
        guard (membershipHistory.last?.index ?? 0) <= log.committed else { throw .configurationChangeInProgress }
        let newMembership = try membership.applying(change)
        if change.kind == .promoteLearner {
            // A learner that is behind would be a voter that cannot help form a quorum.
            let match = change.node == id ? log.lastIndex : (progress[change.node]?.match ?? 0)
            guard match >= log.committed else { throw .learnerNotCaughtUp(change.node) }
        }
        let payload = ConfigurationChangeEntry(change: change, membership: newMembership)
        appendAsLeader(kind: .configurationChange, data: payload.encoded())
    }

    /// Starts moving leadership to `target` (thesis 3.10): proposals are refused, the target
    /// is brought up to date and told to campaign. Gives up after an election timeout.
    /// - Parameter target: a voter other than this node.
    /// - Throws: `RaftError.notLeader` or `.invalidTransferTarget`.
    public mutating func transferLeadership(to target: UInt64) throws(RaftError) {
        guard role == .leader else { throw .notLeader(leaderHint: leader) }
        guard target != id, membership.isVoter(target) else { throw .invalidTransferTarget(target) }
        if transferTarget == target { return }
        transferTarget = target
        transferElapsed = 0
        if progress[target]?.match == log.lastIndex {
            sendTimeoutNow(to: target)
        } else {
            sendAppend(to: target)
        }
    }

    /// Asks for a linearizable read position. The answer comes as a `ReadState` with this
    /// `context` in a later `Ready`: after one heartbeat round confirms leadership (shared by
    /// all reads waiting at that moment), or at once under a valid lease when `leaseReads` is
    /// on. A new leader answers only after it committed an entry of its term (thesis 6.4).
    /// Reads pending when leadership is lost are dropped; the driver fails them when its
    /// soft state shows the node is no longer leader.
    /// - Parameter context: the driver's id for the read, returned in the `ReadState`.
    /// - Throws: `RaftError.notLeader` on a follower (the driver forwards the read).
    public mutating func readIndex(context: UInt64) throws(RaftError) {
        guard role == .leader else { throw .notLeader(leaderHint: leader) }
        guard log.term(at: log.committed) == term else {
            readQueue.waitingForCommit.append(context)
            return
        }
        registerRead(context: context)
    }

    /// Describes a snapshot of the state machine at `index` so the driver can store it with
    /// the data and drop the log up to `index` (for `MemoryLogStorage`: `compact(to:)`).
    /// - Parameter index: an applied index above the current snapshot.
    /// - Returns: the metadata to store with the snapshot data.
    /// - Throws: `RaftError.compactionBeyondApplied` or `.alreadyCompacted`.
    public mutating func compact(upTo index: UInt64) throws(RaftError) -> SnapshotMetadata {
        guard index <= log.applied else { throw .compactionBeyondApplied(index: index, applied: log.applied) }
        guard index >= log.firstIndex, let entryTerm = log.term(at: index) else { throw .alreadyCompacted(index: index) }
        let membershipAtIndex = membershipHistory.last(where: { $0.index <= index })?.membership ?? baseMembership
        baseMembership = membershipAtIndex
        membershipHistory.removeAll { $0.index <= index }
        return SnapshotMetadata(index: index, term: entryTerm, membership: membershipAtIndex)
    }

    /// The driver finished (or failed) streaming a snapshot to `peer`.
    /// - Parameters:
    ///   - peer: the follower the snapshot was for.
    ///   - success: whether the follower received all of it.
    public mutating func reportSnapshot(peer: UInt64, success: Bool) {
        guard role == .leader, var peerProgress = progress[peer], case .snapshot = peerProgress.state else { return }
        // On failure, resume from what the follower is known to hold.
        if !success { peerProgress.state = .snapshot(pendingIndex: 0) }
        peerProgress.becomeProbe()
        // Wait for the next heartbeat response before probing again.
        peerProgress.probeSent = true
        progress[peer] = peerProgress
    }

    /// The driver could not reach `peer`: stop pipelining to it until it answers a probe.
    /// - Parameter peer: the follower that could not be reached.
    public mutating func reportUnreachable(peer: UInt64) {
        guard role == .leader, progress[peer]?.state == .replicate else { return }
        progress[peer]!.becomeProbe()
    }

    /// The driver's word that `peer`'s process is gone: its address refuses connections, as a
    /// killed process's port does. A follower whose leader that is stops waiting out the full
    /// election timeout: it forgets the leader, so that it grants (pre-)votes at once, and
    /// campaigns after a short random delay (one tick to a third of the election timeout),
    /// so that the other followers, told the same, hear its pre-vote first.
    ///
    /// Only a hint: a wrong one costs an election, never safety (elections are always safe).
    /// Ignored when lease reads are on, because a leader's lease relies on followers honouring
    /// the full election timeout.
    /// - Parameter peer: the member whose address refused a connection.
    public mutating func reportPeerDown(peer: UInt64) {
        guard !configuration.leaseReads, role == .follower, peer != 0, leader == peer else { return }
        leader = 0
        ticksSinceLeaderContact = configuration.electionTicks
        let delay = 1 + Int(random.next(below: UInt64(max(1, configuration.electionTicks / 3))))
        electionElapsed = max(electionElapsed, randomizedElectionTimeout - delay)
    }

    // MARK: Ready

    /// Whether `ready()` has anything for the driver; false between `ready()` and `advance(_:)`.
    public var hasReady: Bool {
        if awaitingAdvance { return false }
        if softState != lastSoftState || hardState != lastHardState { return true }
        if !outbox.isEmpty || !readStates.isEmpty || broadcastPending || readQueue.roundRequested { return true }
        if log.unstable.snapshot != nil || !log.unstable.entries.isEmpty { return true }
        return log.unstable.snapshot == nil && log.applied < log.committed
    }

    /// Collects what the driver must do; call `advance(_:)` with it once done, before the
    /// next `ready()`. Inputs may be given between the two, and `outputWhilePersisting()`
    /// hands out what they produce that need not wait for the write.
    public mutating func ready() -> Ready {
        precondition(!awaitingAdvance, "ready() called again before advance()")
        if broadcastPending {
            broadcastPending = false
            broadcastAppend()
        }
        if readQueue.roundRequested { broadcastHeartbeat() }
        let soft = softState
        let hard = hardState
        var immediate: [Message] = []
        var afterPersist: [Message] = []
        for message in outbox {
            if message.requiresDurableState { afterPersist.append(message) } else { immediate.append(message) }
        }
        outbox.removeAll(keepingCapacity: true)
        var committedEntries: [Entry] = []
        if log.unstable.snapshot == nil && log.applied < log.committed {
            committedEntries = log.entries(from: log.applied + 1, to: log.committed + 1, maxBytes: configuration.maxApplyBytesPerReady)
        }
        let entries = log.unstable.entries
        let hardChanged = hard != lastHardState
        let ready = Ready(
            softState: soft != lastSoftState ? soft : nil,
            hardState: hardChanged ? hard : nil,
            entries: entries,
            mustSync: !entries.isEmpty || hard.term != lastHardState.term || hard.vote != lastHardState.vote
                || log.unstable.snapshot != nil,
            snapshot: log.unstable.snapshot,
            messages: immediate,
            persistedMessages: afterPersist,
            committedEntries: committedEntries,
            readStates: readStates
        )
        readStates.removeAll()
        lastSoftState = soft
        if hardChanged { lastHardState = hard }
        awaitingAdvance = true
        return ready
    }

    /// While the driver persists the last `Ready` (after `ready()`, before `advance(_:)`):
    /// what may go out before that write is durable, so that a node inside a slow fsync
    /// still replicates, heartbeats and confirms reads. These are the messages that promise
    /// nothing about this node's disk (see `Message.requiresDurableState`) and the reads
    /// confirmed since. Votes and acknowledgements, new entries, state changes and committed
    /// entries stay for the next `Ready`, whose writes include whatever they promise.
    public mutating func outputWhilePersisting() -> (messages: [Message], readStates: [ReadState]) {
        precondition(awaitingAdvance, "outputWhilePersisting() outside ready() ... advance()")
        if broadcastPending {
            broadcastPending = false
            broadcastAppend()
        }
        if readQueue.roundRequested { broadcastHeartbeat() }
        var early: [Message] = []
        if outbox.contains(where: { !$0.requiresDurableState }) {
            // Held messages keep their order; early ones only overtake held ones, which is
            // what the next `Ready` would do too (its `messages` go out before its fsync).
            var held: [Message] = []
            for message in outbox {
                if message.requiresDurableState { held.append(message) } else { early.append(message) }
            }
            outbox = held
        }
        let reads = readStates
        readStates.removeAll()
        return (early, reads)
    }

    /// Confirms that the driver performed `ready`: its writes are durable and its committed
    /// entries applied.
    /// - Parameter ready: the value `ready()` returned.
    public mutating func advance(_ ready: Ready) {
        awaitingAdvance = false
        if let snapshot = ready.snapshot {
            log.unstable.stableSnapshot(at: snapshot.index)
            log.applied = max(log.applied, snapshot.index)
        }
        if let last = ready.entries.last {
            log.unstable.stable(to: last.index, term: last.term)
            if role == .leader, progress[id] != nil {
                // The leader counts itself only for entries it has made durable (thesis 10.2.1).
                if progress[id]!.acknowledge(upTo: log.stableLastIndex) { maybeCommit() }
            }
        }
        if let last = ready.committedEntries.last {
            log.applied = max(log.applied, last.index)
            if role == .leader {
                var bytes = 0
                for entry in ready.committedEntries where entry.term == term { bytes += entry.byteCount }
                uncommittedBytes = max(0, uncommittedBytes - bytes)
            }
        }
    }

    // MARK: Internals shared by the extensions

    mutating func send(_ message: Message) {
        outbox.append(message)
    }

    mutating func sendTimeoutNow(to target: UInt64) {
        sentTimeoutNowInTerm = true
        send(Message(kind: .timeoutNow, from: id, to: target, term: term))
    }

    var isPromotable: Bool { membership.isVoter(id) }

    mutating func checkCanPropose(bytes: Int) throws(RaftError) {
        guard role == .leader else { throw .notLeader(leaderHint: leader) }
        guard transferTarget == 0 else { throw .leadershipTransferInProgress(target: transferTarget) }
        if uncommittedBytes > 0 && uncommittedBytes + bytes > configuration.maxUncommittedBytes {
            throw .uncommittedBacklogFull(leaderHint: id)
        }
    }

    mutating func appendAsLeader(kind: EntryKind, data: [UInt8]) {
        appendAsLeader([Entry(term: term, index: log.lastIndex + 1, kind: kind, data: data)])
    }

    mutating func appendAsLeader(_ entries: [Entry]) {
        for entry in entries { uncommittedBytes += entry.byteCount }
        appendToLog(entries)
        broadcastPending = true
    }

    /// Appends to the unstable log (truncating what the entries replace) and keeps the
    /// membership in step: a membership entry takes effect when appended, and one removed
    /// by truncation stops being in effect.
    mutating func appendToLog(_ entries: some Collection<Entry>) {
        guard let first = entries.first else { return }
        if first.index <= log.lastIndex, membershipHistory.last.map({ $0.index >= first.index }) == true {
            membershipHistory.removeAll { $0.index >= first.index }
            setMembership(membershipHistory.last?.membership ?? baseMembership)
        }
        log.unstable.truncateAndAppend(entries)
        for entry in entries where entry.kind == .configurationChange {
            recordMembershipEntry(entry)
        }
    }

    mutating func recordMembershipEntry(_ entry: Entry) {
        // An undecodable entry cannot come from a correct leader; keep the membership
        // rather than guess.
        guard let payload = try? ConfigurationChangeEntry(decoding: entry.data) else { return }
        membershipHistory.append((entry.index, payload.membership))
        setMembership(payload.membership)
    }

    mutating func loadMembershipHistory() {
        let first = log.firstIndex
        let last = log.lastIndex
        var index = first
        while index <= last {
            let batch = log.entries(from: index, to: last + 1, maxBytes: 1 << 24)
            for entry in batch where entry.kind == .configurationChange { recordMembershipEntry(entry) }
            index = batch.last!.index + 1
        }
    }

    mutating func setMembership(_ newMembership: Membership) {
        membership = newMembership
        guard role == .leader else { return }
        // Learners and voters alike receive the log; only `membership.voters` count.
        for member in newMembership.allMembers where progress[member] == nil {
            var fresh = Progress(next: log.lastIndex + 1, maxInflight: configuration.maxInflightMessages)
            if member == id { fresh.match = log.stableLastIndex }
            progress[member] = fresh
        }
        for member in progress.keys where !newMembership.contains(member) {
            progress[member] = nil
        }
        if transferTarget != 0 && !newMembership.isVoter(transferTarget) { transferTarget = 0 }
        // With fewer voters, entries may already have a quorum.
        maybeCommit()
    }
}

extension RaftNode: Sendable where Storage: Sendable {}
