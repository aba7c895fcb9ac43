import Foundation
import KeelRaft
import KeelStore
import KeelWire
import Logging
import NIOCore
import RocksDB

/// The single thread that owns the node's `RaftNode`: it feeds the core what arrives in its
/// inbox and performs each `Ready` (send, persist, send what needed the disk, queue the
/// committed entries, serve reads, advance), and hands the committed entries, a group at a
/// time, to the ``ApplyWorker``'s thread (``ApplyQueue``).
///
/// It is a dedicated thread, not an event loop or a task on the cooperative pool, because it
/// blocks on fsync. Everything that queues while one fsync runs is proposed together and
/// persisted with the next one (group commit). With `--async-log-writes` the ``LogWriter``'s
/// thread does the synced writes instead, and the driver keeps stepping peer messages and
/// reads meanwhile, sending what may go out before the write is durable.
final class RaftDriver: @unchecked Sendable {
    // Unchecked Sendable: after `start()` every stored property except the inbox (which locks)
    // and `thread` (read only by `join`) is used by the driver thread alone.

    let inbox: DriverInbox
    private let configuration: ServerConfiguration
    private let database: Database
    private let storage: RocksDBLogStorage
    private let store: KeelStore
    private let transport: PeerTransport
    private let snapshots: SnapshotSender
    private let installer: SnapshotInstaller
    private let logger: Logger
    private let metrics: ServerMetrics
    private var node: RaftNode<RocksDBLogStorage>

    private var addresses: [UInt64: MemberAddress]
    private var role: RaftRole = .follower
    private var leader: UInt64 = 0

    private struct Waiter {
        var term: UInt64
        var kind: Kind
        enum Kind {
            case write((any EventLoop)?, @Sendable (WriteOutcome) -> Void)
            case membership(ConfigurationChange.Kind, @Sendable (ClientResult) -> Void)
        }
    }
    private var waiters: [UInt64: Waiter] = [:]
    /// Writes whose clients asked to hear of the commit (``WriteProposal/onCommit``), by
    /// index, until their entry commits (or another entry takes the index).
    private struct CommitWatcher {
        var term: UInt64
        var loop: (any EventLoop)?
        var onCommit: @Sendable (UInt64) -> Void
    }
    private var commitWatchers: [UInt64: CommitWatcher] = [:]
    /// Membership changes' waiters whose entries are with the apply worker.
    private var membershipWaitersApplying: [UInt64: Waiter] = [:]
    /// Appends without entries (a new commit index for a follower that holds everything, or a
    /// probe), held back for up to ``emptyAppendDelay``: under load the next batch's append
    /// carries the same commit index a moment later, and each empty append costs the follower
    /// a wake-up, a step, a write of its hard state and an acknowledgement back. Holding or
    /// dropping a message is always safe in Raft; the delay only bounds how long a follower
    /// of an idle cluster waits to apply.
    private var heldAppends: [UInt64: Message] = [:]
    private var heldAppendsDeadline: Date?
    private static let emptyAppendDelay: TimeInterval = 0.002
    /// Committed entries not applied yet, and the last index the store has applied (as far
    /// as the driver has heard from the worker).
    private var applyQueue = ApplyQueue()
    private var appliedThrough: UInt64
    private let applier: ApplyWorker
    /// Most written keys, members or sets, and entry bytes, handed to the worker as one group
    /// unless one entry alone has more: a few milliseconds of work, e.g. 256 puts or a fanout
    /// into 256 timelines. The worker reports (and answers clients, and lets waiting reads
    /// through) after each group.
    private static let applyGroupItems = 256
    private static let applyGroupBytes = 256 << 10
    /// A follower answers no client from its applies, so it applies in larger groups, and
    /// hands a group over only when the worker has none waiting: committed entries gather in
    /// the queue meanwhile and go as one group, which costs less per entry than several.
    private static let followerApplyGroupItems = 4096
    private static let followerApplyGroupBytes = 4 << 20
    /// A group weighing at most this many writes is applied on the driver thread when the
    /// worker is idle: a batch of puts takes well under a millisecond, less than handing it
    /// over and back would cost in thread switches (about 6 % of put throughput).
    private static let callerApplyItems = 64
    private struct PendingRead {
        var footprint: DataFootprint
        var completion: @Sendable (ReadPermission) -> Void
        /// When the read reached the driver (`DispatchTime` nanoseconds).
        var arrivedAt: UInt64
    }
    private var nextReadContext: UInt64 = 1
    private var readsAwaitingConfirmation: [UInt64: [PendingRead]] = [:]
    /// Confirmed reads whose read index is ahead of the entries queued so far.
    private var readsAwaitingEntries: [(index: UInt64, reads: [PendingRead])] = []
    /// Confirmed reads that may be served once the store has applied up to `readyAt`: the
    /// last entry up to their read index that writes what they read.
    private var readsAwaitingApply: [AwaitingRead] = []
    private struct AwaitingRead {
        var index: UInt64
        var readyAt: UInt64
        var completion: @Sendable (ReadPermission) -> Void
        var confirmedAt: UInt64
    }
    private var transfers: [(target: UInt64, completion: @Sendable (ClientResult) -> Void)] = []
    private var staged: (index: UInt64, term: UInt64, directory: String)?
    /// Set once a write to the log or the state machine failed, or the store met an entry of a
    /// newer version: from then on the node sends and acknowledges nothing, because it can no
    /// longer vouch for its disk (or apply its log).
    private var failed = false
    private struct PublishedGauges: Equatable {
        var role: RaftRole
        var term, leader, commit, applied, last, snapshot: UInt64
    }
    private var published: PublishedGauges?
    private let completionLock = NSLock()
    private var stoppedCompletion: CheckedContinuation<Void, Never>?
    private var finished = false
    /// The log writer thread, with `--async-log-writes`; without it the driver writes the log.
    private let logWriter: LogWriter?
    /// The `Ready` whose log write is with the ``LogWriter``: until it is published, no new
    /// `Ready` is taken, and proposals wait in the inbox.
    private var writing: (ready: Ready, write: RocksDBLogStorage.PendingWrite)?

    init(
        configuration: ServerConfiguration,
        database: Database,
        storage: RocksDBLogStorage,
        store: KeelStore,
        transport: PeerTransport,
        snapshots: SnapshotSender,
        installer: SnapshotInstaller,
        inbox: DriverInbox,
        addresses: [UInt64: MemberAddress],
        logger: Logger,
        metrics: ServerMetrics
    ) throws {
        self.configuration = configuration
        self.database = database
        self.storage = storage
        self.store = store
        self.transport = transport
        self.snapshots = snapshots
        self.installer = installer
        self.inbox = inbox
        self.addresses = addresses
        self.logger = logger
        self.metrics = metrics
        appliedThrough = store.appliedIndex
        applier = ApplyWorker(store: store, metrics: metrics.raft) { [inbox] in inbox.post(.applied) }
        logWriter = configuration.asyncLogWrites ? LogWriter(storage: storage) { [inbox] in inbox.post(.logWritten) } : nil
        var raftConfiguration = RaftConfiguration()
        raftConfiguration.electionTicks = configuration.electionTicks
        raftConfiguration.heartbeatTicks = configuration.heartbeatTicks
        raftConfiguration.leaseReads = configuration.leaseReads
        raftConfiguration.randomSeed = configuration.nodeID &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(UInt32(truncatingIfNeeded: Date().timeIntervalSince1970.bitPattern))
        node = try RaftNode(id: configuration.nodeID, configuration: raftConfiguration, storage: storage)
        for (member, address) in addresses where member != configuration.nodeID {
            transport.updateAddress(of: member, to: address.peer)
        }
    }

    /// Starts the driver thread.
    func start() {
        applier.start()
        logWriter?.start()
        NamedThread.start("keel-driver", stackSize: 8 << 20) { [self] in self.run() }
    }

    /// Stops taking events, finishes what is queued, fails every waiting request, and returns
    /// once the thread has ended.
    func stop() async {
        inbox.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            completionLock.lock()
            if finished {
                completionLock.unlock()
                continuation.resume()
            } else {
                stoppedCompletion = continuation
                completionLock.unlock()
            }
        }
    }

    /// On graceful shutdown: when this node leads, hands leadership to the most caught-up
    /// voter and returns once another node leads or the core gave up (an election timeout),
    /// so clients see a short switch instead of a full election timeout.
    /// - Parameter timeout: the longest wait, whatever happens to the transfer.
    func handOffLeadership(timeout: TimeInterval = 3) async {
        final class ResumeOnce: @unchecked Sendable {
            // Unchecked Sendable: `continuation` is only touched with `lock` held.
            private let lock = NSLock()
            private var continuation: CheckedContinuation<Void, Never>?
            init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
            func resume() {
                let taken: CheckedContinuation<Void, Never>? = lock.withLock {
                    defer { continuation = nil }
                    return continuation
                }
                taken?.resume()
            }
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            if !inbox.post(.handOff({ once.resume() })) { once.resume() }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { once.resume() }
        }
    }

    private func handOff(_ completion: @escaping @Sendable () -> Void) {
        guard node.role == .leader else { return completion() }
        let candidates = node.membership.voters.filter { $0 != configuration.nodeID }
        guard let target = candidates.max(by: {
            (node.replicationPosition(of: $0)?.match ?? 0) < (node.replicationPosition(of: $1)?.match ?? 0)
        }) else { return completion() }
        do {
            try node.transferLeadership(to: target)
            logger.info("handing leadership over before stopping", metadata: ["raft.target": "\(target)"])
            transfers.append((target, { _ in completion() }))
        } catch {
            completion()
        }
    }

    // MARK: The loop

    private func run() {
        let tick = TimeInterval(configuration.tickMilliseconds) / 1000
        // A random first tick: nodes started together would otherwise tick in step, and two
        // followers told at once that the leader is gone (reportPeerDown) would often campaign
        // in the same instant and split the vote.
        var nextTick = Date().addingTimeInterval(tick * Double.random(in: 0.05...1))
        // With a Ready or queued entries waiting, the inbox is only looked into, not waited on.
        while let events = inbox.drain(
            waitingUntil: hasWork ? .distantPast : min(nextTick, heldAppendsDeadline ?? nextTick),
            duringLogWrite: writing != nil
        ) {
            if failed {
                refuseAll(events)
                continue
            }
            let now = Date()
            if now >= nextTick {
                node.tick()
                nextTick = now.addingTimeInterval(tick)
            }
            collectApplied()
            collectWrite()
            handle(events)
            processReady()
            if !failed { submitWaitingGroups(upTo: durableLogIndex(writing: writing?.ready.entries)) }
            if let deadline = heldAppendsDeadline, Date() >= deadline { releaseHeldAppends() }
            housekeeping()
            maybeCompact()
            publishGauges()
        }
        // Committed entries that are durable (or become so with the write under way) are
        // applied, so that their clients get their answers rather than "shutting down".
        if let (ready, write) = writing, let outcome = logWriter?.waitForOutcome() {
            finishWrite(ready, write, outcome)
        }
        logWriter?.stop()
        if !failed { submitWaitingGroups(upTo: durableLogIndex(writing: writing?.ready.entries)) }
        applier.waitUntilIdle()
        collectApplied()
        applier.stop()
        failEverything(ErrorReply(code: .unavailable, message: "the node is shutting down"))
        completionLock.lock()
        finished = true
        let continuation = stoppedCompletion
        stoppedCompletion = nil
        completionLock.unlock()
        continuation?.resume()
    }

    private var hasWork: Bool { !failed && node.hasReady }

    /// The last index whose entry on disk is the one in the core's log: committed entries up
    /// to here may be applied.
    /// - Parameter entries: the entries of a write under way or about to start, which replace
    ///   (or first write) everything from their first index on.
    private func durableLogIndex(writing entries: [Entry]?) -> UInt64 {
        let rewritten = entries?.first.map { $0.index - 1 } ?? .max
        return min(storage.lastIndex(), rewritten)
    }

    private func handle(_ events: [DriverEvent]) {
        // Proposals go in before the peer messages that arrived with them: acknowledgements
        // that then advance the commit index find the followers behind the new entries, so the
        // new commit index rides on the appends that carry those entries instead of costing
        // each follower an extra empty append (and its acknowledgement) per batch.
        var proposals: [WriteProposal] = []
        for case .propose(let proposal) in events { proposals.append(proposal) }
        if !proposals.isEmpty { propose(proposals) }
        var reads: [PendingRead] = []
        let arrivedAt = DispatchTime.now().uptimeNanoseconds
        for event in events {
            switch event {
            case .messages(let messages):
                for message in messages {
                    if message.kind == .appendResponse && message.reject { metrics.raft.appendEntriesRejected.increment() }
                    do {
                        try node.step(message)
                    } catch {
                        logger.debug("raft message refused", metadata: ["raft.error": "\(error)", "peer.id": "\(message.from)"])
                    }
                }
            case .propose:
                break
            case .read(let footprint, let postedAt, let completion):
                metrics.raft.readQueueLatency.recordNanoseconds(Int64(arrivedAt - min(arrivedAt, postedAt)))
                reads.append(PendingRead(footprint: footprint, completion: completion, arrivedAt: arrivedAt))
            case .admin(let operation, let completion):
                handleAdmin(operation, completion)
            case .peerIntroduced(let member, let address):
                learnAddress(address, of: member)
            case .snapshotStaged(let message, let directory):
                if let previous = staged, previous.directory != directory { installer.discard(previous.directory) }
                if let metadata = message.snapshot {
                    staged = (metadata.index, metadata.term, directory)
                }
                do {
                    try node.step(message)
                } catch {
                    logger.debug("raft snapshot message refused", metadata: ["raft.error": "\(error)"])
                }
            case .snapshotReport(let peer, let success):
                node.reportSnapshot(peer: peer, success: success)
            case .unreachable(let peer):
                node.reportUnreachable(peer: peer)
            case .peerDown(let peer):
                let leader = node.leader
                node.reportPeerDown(peer: peer)
                if leader == peer && node.leader == 0 {
                    logger.info("the leader's peer port refuses connections; campaigning early", metadata: ["peer.id": "\(peer)"])
                }
            case .handOff(let completion):
                handOff(completion)
            case .applied, .logWritten:
                break  // the loop collects what the worker and the writer finished
            }
        }
        if !reads.isEmpty { requestRead(reads) }
    }

    private func propose(_ proposals: [WriteProposal]) {
        // Only the leader stamps its clock into entries; replicas read time from the log, so
        // session expiry is the same everywhere (thesis 6.3).
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let payloads = proposals.map {
            CommandEnvelope(clientID: $0.clientID, sequence: $0.sequence, timestampMilliseconds: now, command: $0.command).encoded()
        }
        metrics.raft.proposals.increment(by: proposals.count)
        do {
            try node.propose(contentsOf: payloads)
        } catch {
            let reply = errorReply(for: error)
            for proposal in proposals { proposal.completion(.failed(reply)) }
            return
        }
        let first = node.lastIndex - UInt64(proposals.count) + 1
        for (offset, proposal) in proposals.enumerated() {
            let index = first + UInt64(offset)
            waiters[index] = Waiter(term: node.term, kind: .write(proposal.replyLoop, proposal.completion))
            if let onCommit = proposal.onCommit {
                commitWatchers[index] = CommitWatcher(term: node.term, loop: proposal.replyLoop, onCommit: onCommit)
            }
        }
    }

    private func requestRead(_ reads: [PendingRead]) {
        guard node.role == .leader else {
            let reply = notLeader()
            for read in reads { read.completion(.refused(reply)) }
            return
        }
        // One ReadIndex round for every read that arrived together (thesis 6.4: batched).
        let context = nextReadContext
        nextReadContext += 1
        do {
            try node.readIndex(context: context)
            readsAwaitingConfirmation[context] = reads
        } catch {
            let reply = errorReply(for: error)
            for read in reads { read.completion(.refused(reply)) }
        }
    }

    /// Performs one `Ready`, or, while one is being written, sends what may go out early.
    private func processReady() {
        guard !failed else { return }
        if writing != nil { return sendWhileWriting() }
        guard node.hasReady else { return }
        let ready = node.ready()
        if let soft = ready.softState { observe(soft) }
        for message in ready.messages { send(message) }
        transport.flush()
        applyQueue.append(contentsOf: ready.committedEntries)
        if !commitWatchers.isEmpty { announceCommits(ready.committedEntries) }
        // On the leader, committed entries already durable are applied before or while this
        // Ready's entries are fsynced, so that their answers do not wait for the fsync. A
        // follower has no one to answer, but its acknowledgement after the fsync is on the
        // leader's commit path, so it applies only after sending that (in the loop).
        if ready.snapshot == nil && node.role == .leader {
            submitWaitingGroups(upTo: durableLogIndex(writing: ready.entries))
        }
        // Confirmed reads do not depend on this Ready's writes (they wait for applied, hence
        // durable, entries): they are served now rather than after its fsync.
        if !ready.readStates.isEmpty {
            queueConfirmedReads(ready.readStates)
            serveReads()
        }
        do {
            if let snapshot = ready.snapshot {
                try installSnapshot(snapshot, of: ready)
            } else if let write = try storage.prepare(hardState: ready.hardState, entries: ready.entries, sync: ready.mustSync) {
                if write.sync, let logWriter {
                    writing = (ready, write)
                    logWriter.submit(write)
                    return  // the loop goes on; `collectWrite` finishes this Ready
                }
                let start = DispatchTime.now().uptimeNanoseconds
                try storage.write(write)
                recordWrite(of: ready, sync: write.sync, nanoseconds: DispatchTime.now().uptimeNanoseconds - start)
                storage.publish(write)
            }
        } catch {
            stopServing(after: error)
            return
        }
        finishReady(ready)
    }

    /// Tells the clients that asked which of their writes just committed. A committed entry
    /// is on the disks of a quorum (the leader counts itself only after its own fsync), so it
    /// stays in the log whatever happens to this node; an entry of another term at the index
    /// is someone else's, and the write's final answer says it failed.
    private func announceCommits(_ committed: [Entry]) {
        var replies = ReplyBatch()
        for entry in committed {
            guard let watcher = commitWatchers.removeValue(forKey: entry.index), watcher.term == entry.term else { continue }
            let onCommit = watcher.onCommit
            let index = entry.index
            replies.add(on: watcher.loop) { onCommit(index) }
        }
        replies.deliver()
    }

    /// Sends what the core releases while a write is under way, and takes in the reads that
    /// became confirmed.
    private func sendWhileWriting() {
        let early = node.outputWhilePersisting()
        for message in early.messages { send(message) }
        if !early.messages.isEmpty { transport.flush() }
        guard !early.readStates.isEmpty else { return }
        queueConfirmedReads(early.readStates)
        serveReads()
    }

    /// Finishes the `Ready` being written once the writer is done with it.
    private func collectWrite() {
        guard let (ready, write) = writing, let outcome = logWriter?.takeOutcome() else { return }
        finishWrite(ready, write, outcome)
    }

    private func finishWrite(_ ready: Ready, _ write: RocksDBLogStorage.PendingWrite, _ outcome: LogWriter.Outcome) {
        writing = nil
        switch outcome {
        case .failure(let error):
            stopServing(after: error)
            return
        case .success(let nanoseconds):
            recordWrite(of: ready, sync: true, nanoseconds: nanoseconds)
        }
        storage.publish(write)
        finishReady(ready)
    }

    private func recordWrite(of ready: Ready, sync: Bool, nanoseconds: UInt64) {
        if sync { metrics.raft.fsyncLatency.recordNanoseconds(Int64(nanoseconds)) }
        if !ready.entries.isEmpty { metrics.raft.entriesPersisted.increment(by: ready.entries.count) }
    }

    /// The rest of a `Ready` once its writes are durable: acknowledgements and votes go out,
    /// the proposals that waited join the log, and the core advances.
    private func finishReady(_ ready: Ready) {
        for message in ready.persistedMessages { send(message) }
        transport.flush()
        // Writes that queued in the inbox during the fsync join the log now, before `advance`
        // counts the leader's own entries: a commit that advance makes then reaches the
        // followers with those entries rather than in empty appends of its own.
        let arrived = inbox.takeProposals()
        if !arrived.isEmpty { propose(arrived) }
        // The core counts the Ready's committed entries as applied; the store catches up
        // through the queue (`appliedThrough`).
        node.advance(ready)
    }

    private func queueConfirmedReads(_ readStates: [ReadState]) {
        for readState in readStates {
            if let reads = readsAwaitingConfirmation.removeValue(forKey: readState.context) {
                readsAwaitingEntries.append((readState.index, reads))
            }
        }
    }

    /// Hands the waiting entries up to `maxIndex` (which must be durable) to the worker, a
    /// group at a time, with the clients waiting for them.
    private func submitWaitingGroups(upTo maxIndex: UInt64) {
        var appliedHere = false
        defer { if appliedHere { serveReads() } }
        let leading = node.role == .leader
        if !leading && applier.hasQueuedJobs {
            // Woken once the worker is done with what it has, to hand over what gathered.
            if let next = applyQueue.firstWaitingIndex { applier.wakeDriver(whenApplied: next - 1) }
            return
        }
        while !failed {
            let group = applyQueue.takeGroup(
                upTo: maxIndex, maxItems: leading ? Self.applyGroupItems : Self.followerApplyGroupItems,
                maxBytes: leading ? Self.applyGroupBytes : Self.followerApplyGroupBytes
            )
            guard !group.entries.isEmpty else { return }
            var writers: [ApplyWorker.WriteWaiter] = []
            for entry in group.entries {
                guard let waiter = waiters.removeValue(forKey: entry.index) else { continue }
                switch waiter.kind {
                case .write(let loop, let completion):
                    writers.append(ApplyWorker.WriteWaiter(index: entry.index, term: waiter.term, loop: loop, completion: completion))
                case .membership:
                    membershipWaitersApplying[entry.index] = waiter
                }
            }
            let job = ApplyWorker.Job(entries: group.entries, writers: writers)
            if group.writeCount <= Self.callerApplyItems, let report = applier.applyOnCallerIfIdle(job) {
                // Reports of earlier groups first, so that they take effect in log order.
                for earlier in applier.takeFinished() { take(earlier) }
                take(report)
                appliedHere = true
            } else {
                applier.submit(job)
            }
        }
    }

    /// Takes in what the worker finished: the applied index moves, membership changes take
    /// effect, and reads waiting for those entries are served.
    private func collectApplied() {
        let reports = applier.takeFinished()
        guard !reports.isEmpty else { return }
        for report in reports { take(report) }
        serveReads()
    }

    /// Records one applied group: the applied index moves and its membership changes take
    /// effect (their waiters are answered); a failed group stops the node.
    private func take(_ report: ApplyWorker.Finished) {
        guard !failed else { return }
        if let error = report.error {
            stopServing(after: error)
            return
        }
        for entry in report.configurationChanges {
            let change = try? ConfigurationChangeEntry(decoding: entry.data)
            if let change { applyMembershipChange(change) }
            guard let waiter = membershipWaitersApplying.removeValue(forKey: entry.index),
                  case .membership(let kind, let completion) = waiter.kind else { continue }
            guard waiter.term == entry.term else {
                fail(waiter, ErrorReply(code: .unavailable, message: "leadership changed before the entry committed; retry"))
                continue
            }
            let members = memberList(change?.membership ?? node.membership)
            switch kind {
            case .addLearner: completion(.admin(.addLearner(members: members, appliedIndex: entry.index)))
            case .promoteLearner: completion(.admin(.promote(members: members, appliedIndex: entry.index)))
            case .remove: completion(.admin(.remove(members: members, appliedIndex: entry.index)))
            }
        }
        // A membership change's index that another entry took (a new leader's log).
        for (index, waiter) in membershipWaitersApplying where index <= report.lastIndex {
            membershipWaitersApplying[index] = nil
            fail(waiter, ErrorReply(code: .unavailable, message: "leadership changed before the entry committed; retry"))
        }
        appliedThrough = max(appliedThrough, report.lastIndex)
        applyQueue.markApplied(through: report.lastIndex)
    }

    private func send(_ message: Message) {
        if message.kind == .append {
            if message.entries.isEmpty {
                heldAppends[message.to] = message
                if heldAppendsDeadline == nil { heldAppendsDeadline = Date().addingTimeInterval(Self.emptyAppendDelay) }
                return
            }
            // This append carries a commit index at least as new as the held one.
            heldAppends[message.to] = nil
            metrics.raft.appendEntriesSent.increment()
        }
        if message.kind == .snapshot {
            snapshots.start(message)
        } else {
            transport.enqueue(message)
        }
    }

    private func releaseHeldAppends() {
        heldAppendsDeadline = nil
        guard !heldAppends.isEmpty else { return }
        for message in heldAppends.values where message.term == node.term && node.role == .leader {
            metrics.raft.appendEntriesSent.increment()
            transport.enqueue(message)
        }
        heldAppends.removeAll(keepingCapacity: true)
        transport.flush()
    }

    /// Installs `snapshot`, the one of `ready`, and persists the rest of its writes.
    private func installSnapshot(_ snapshot: SnapshotMetadata, of ready: Ready) throws {
        guard let staged, staged.index == snapshot.index, staged.term == snapshot.term else {
            throw StorageCorruption("the core installs snapshot \(snapshot.index) but no such snapshot is staged")
        }
        // The store is replaced: let the worker finish first. Queued entries the snapshot
        // covers are in it already.
        applier.waitUntilIdle()
        collectApplied()
        if failed { throw StorageCorruption("the store failed to apply entries before a snapshot install") }
        applyQueue.removeAll(through: snapshot.index)
        try installer.install(snapshot, from: staged.directory, storage: storage, store: store)
        appliedThrough = store.appliedIndex
        self.staged = nil
        serveReads()  // the store jumped ahead: reads waiting for entries it now holds may go
        // Entries the snapshot covers are never applied one by one here, so their waiters
        // would otherwise wait for their deadline.
        for index in waiters.keys where index <= snapshot.index {
            if let waiter = waiters.removeValue(forKey: index) {
                fail(waiter, ErrorReply(code: .unavailable, message: "outcome unknown; retry with the same session"))
            }
        }
        for index in commitWatchers.keys where index <= snapshot.index { commitWatchers[index] = nil }
        metrics.snapshots.installed.increment()
        logger.info("snapshot installed", metadata: ["raft.snapshot.index": "\(snapshot.index)", "raft.snapshot.term": "\(snapshot.term)"])
        try storage.persist(hardState: ready.hardState, entries: ready.entries, sync: ready.mustSync)
        if !ready.entries.isEmpty { metrics.raft.entriesPersisted.increment(by: ready.entries.count) }
    }

    private func applyMembershipChange(_ change: ConfigurationChangeEntry) {
        let member = change.change.node
        switch change.change.kind {
        case .addLearner:
            if let address = try? MemberAddress(decoding: change.change.context) {
                learnAddress(address, of: member)
            }
        case .promoteLearner:
            break
        case .remove:
            if member != configuration.nodeID {
                transport.remove(member)
                addresses[member] = nil
                try? storage.removeAddress(of: member)
            } else {
                logger.info("this node was removed from the cluster", metadata: ["raft.node": "\(member)"])
            }
        }
    }

    /// Grants every confirmed read the store can serve now: once every entry up to the read's
    /// index is queued, a read waits only for the last of them that writes what it looks at
    /// (the store then holds exactly what it will hold at the read's index for that data, and
    /// any later state is as good for a linearizable read).
    private func serveReads() {
        let now = DispatchTime.now().uptimeNanoseconds
        if !readsAwaitingEntries.isEmpty {
            var remaining: [(index: UInt64, reads: [PendingRead])] = []
            for batch in readsAwaitingEntries {
                // Entries up to the read index not yet queued may write anything.
                guard batch.index <= appliedThrough || applyQueue.lastQueuedIndex >= batch.index else {
                    remaining.append(batch)
                    continue
                }
                for read in batch.reads {
                    let readyAt = batch.index <= appliedThrough
                        ? 0 : applyQueue.lastEntry(touching: read.footprint, through: batch.index) ?? 0
                    metrics.raft.readConfirmLatency.recordNanoseconds(Int64(now - min(now, read.arrivedAt)))
                    readsAwaitingApply.append(AwaitingRead(index: batch.index, readyAt: readyAt, completion: read.completion, confirmedAt: now))
                }
            }
            readsAwaitingEntries = remaining
        }
        guard !readsAwaitingApply.isEmpty else { return }
        var waiting: [AwaitingRead] = []
        var earliest = UInt64.max
        for read in readsAwaitingApply {
            if read.readyAt <= appliedThrough {
                if read.index > appliedThrough { metrics.raft.readsServedEarly.increment() }
                metrics.raft.readApplyLatency.recordNanoseconds(Int64(now - min(now, read.confirmedAt)))
                read.completion(.granted)
            } else {
                waiting.append(read)
                earliest = min(earliest, read.readyAt)
            }
        }
        readsAwaitingApply = waiting
        if earliest != .max { applier.wakeDriver(whenApplied: earliest) }
    }

    private func observe(_ soft: SoftState) {
        let wasLeader = role == .leader
        role = soft.role
        leader = soft.leader
        if soft.role == .leader && !wasLeader {
            logger.info("became leader", metadata: ["raft.term": "\(node.term)"])
        }
        if wasLeader && soft.role != .leader {
            logger.info("lost leadership", metadata: ["raft.term": "\(node.term)", "raft.leader": "\(soft.leader)"])
            // Reads not yet confirmed can no longer be (the core dropped them).
            let reply = notLeader()
            for (_, reads) in readsAwaitingConfirmation { for read in reads { read.completion(.refused(reply)) } }
            readsAwaitingConfirmation.removeAll()
        }
        if soft.leader != 0 {
            var pending: [(target: UInt64, completion: @Sendable (ClientResult) -> Void)] = []
            for transfer in transfers {
                if soft.leader == transfer.target {
                    transfer.completion(.admin(.transferLeadership(leaderID: soft.leader, term: node.term)))
                } else if soft.leader != configuration.nodeID {
                    transfer.completion(.error(ErrorReply(code: .unavailable, message: "node \(soft.leader) became leader instead")))
                } else {
                    pending.append(transfer)
                }
            }
            transfers = pending
        }
    }

    /// Records the gauges that changed since the last loop iteration.
    private func publishGauges() {
        let current = PublishedGauges(
            role: node.role, term: node.term, leader: node.leader, commit: node.commitIndex,
            applied: appliedThrough, last: node.lastIndex,
            snapshot: storage.snapshotMetadata().index
        )
        let previous = published
        guard current != previous else { return }
        published = current
        let raft = metrics.raft
        if current.role != previous?.role { raft.record(role: current.role) }
        if current.term != previous?.term { raft.term.record(current.term) }
        if current.leader != previous?.leader { raft.leaderID.record(current.leader) }
        if current.commit != previous?.commit { raft.commitIndex.record(current.commit) }
        if current.applied != previous?.applied { raft.appliedIndex.record(current.applied) }
        if current.last != previous?.last { raft.lastLogIndex.record(current.last) }
        if current.snapshot != previous?.snapshot { raft.snapshotIndex.record(current.snapshot) }
    }

    /// Cleans up what the step that just ran left behind.
    private func housekeeping() {
        // A staged snapshot the core did not take (it was not newer than the commit index)
        // would have been installed by the `Ready` that just ran.
        if let staged {
            installer.discard(staged.directory)
            self.staged = nil
        }
        // The core gives up a leadership transfer after an election timeout.
        if !transfers.isEmpty && node.role == .leader && node.leadershipTransferTarget == 0 {
            for transfer in transfers {
                transfer.completion(.error(ErrorReply(code: .timeout, message: "node \(transfer.target) did not take over in time")))
            }
            transfers.removeAll()
        }
    }

    /// The highest index the log may be compacted to: applied by the store (the core counts
    /// entries as applied once queued, and the log must keep every entry the store has not
    /// applied yet) and by the core (which refuses more; after a restart the store may be
    /// ahead of it).
    private var compactableIndex: UInt64 { min(appliedThrough, node.appliedIndex) }

    private func maybeCompact() {
        let applied = compactableIndex
        let snapshotIndex = storage.snapshotMetadata().index
        guard applied > snapshotIndex, applied - snapshotIndex >= configuration.snapshotEntries else { return }
        // Keep a quarter of the threshold behind the applied index, so that a follower that
        // is only slightly behind still catches up from the log rather than by a snapshot.
        compact(upTo: applied - configuration.snapshotEntries / 4)
    }

    @discardableResult
    private func compact(upTo target: UInt64? = nil) -> SnapshotMetadata {
        let index = min(target ?? compactableIndex, compactableIndex)
        guard index > storage.snapshotMetadata().index else { return storage.snapshotMetadata() }
        do {
            let metadata = try node.compact(upTo: index)
            try storage.compact(to: metadata)
            logger.info("log compacted", metadata: ["raft.snapshot.index": "\(metadata.index)"])
            return metadata
        } catch {
            logger.warning("log compaction failed", metadata: ["raft.error": "\(error)"])
            return storage.snapshotMetadata()
        }
    }

    // MARK: Admin

    private func handleAdmin(_ operation: AdminOperation, _ completion: @escaping @Sendable (ClientResult) -> Void) {
        if operation.requiresLeader && node.role != .leader {
            completion(.error(notLeader()))
            return
        }
        switch operation {
        case .status:
            completion(.admin(.status(status())))
        case .members:
            completion(.admin(.members(memberList(node.membership), leaderID: node.leader)))
        case .addLearner(let member, let clientAddress, let peerAddress):
            guard HostAndPort(peerAddress) != nil else {
                completion(.error(ErrorReply(code: .invalidArgument, message: "peer address \"\(peerAddress)\" is not host:port")))
                return
            }
            let address = MemberAddress(peer: peerAddress, client: clientAddress)
            // The leader starts replicating as soon as the entry is appended, so it needs the
            // address before the change commits.
            learnAddress(address, of: member)
            proposeChange(ConfigurationChange(.addLearner, node: member, context: address.encoded()), completion)
        case .promote(let member):
            proposeChange(ConfigurationChange(.promoteLearner, node: member), completion)
        case .remove(let member):
            proposeChange(ConfigurationChange(.remove, node: member), completion)
        case .transferLeadership(let target):
            do {
                try node.transferLeadership(to: target)
                transfers.append((target, completion))
            } catch {
                completion(.error(errorReply(for: error)))
            }
        case .takeSnapshot:
            let metadata = compact()
            completion(.admin(.takeSnapshot(index: metadata.index, term: metadata.term)))
        }
    }

    private func proposeChange(_ change: ConfigurationChange, _ completion: @escaping @Sendable (ClientResult) -> Void) {
        metrics.raft.proposals.increment()
        do {
            try node.proposeConfigurationChange(change)
            waiters[node.lastIndex] = Waiter(term: node.term, kind: .membership(change.kind, completion))
        } catch {
            completion(.error(errorReply(for: error)))
        }
    }

    private func status() -> NodeStatus {
        var followers: [FollowerProgress] = []
        if node.role == .leader {
            for member in node.membership.allMembers where member != configuration.nodeID {
                if let position = node.replicationPosition(of: member) {
                    followers.append(FollowerProgress(nodeID: member, matchIndex: position.match, nextIndex: position.next))
                }
            }
        }
        return NodeStatus(
            nodeID: configuration.nodeID, role: NodeRole(node.role), term: node.term, leaderID: node.leader,
            leaderAddress: node.leader == 0 ? "" : (addresses[node.leader]?.client ?? ""),
            commitIndex: node.commitIndex, appliedIndex: appliedThrough,
            lastLogIndex: node.lastIndex, snapshotIndex: storage.snapshotMetadata().index,
            followers: followers, isVoter: node.membership.isVoter(configuration.nodeID)
        )
    }

    private func memberList(_ membership: Membership) -> [ClusterMember] {
        membership.allMembers.map { member in
            ClusterMember(
                nodeID: member, clientAddress: addresses[member]?.client ?? "",
                peerAddress: addresses[member]?.peer ?? "", isVoter: membership.isVoter(member)
            )
        }
    }

    private func learnAddress(_ address: MemberAddress, of member: UInt64) {
        var merged = address
        if merged.client.isEmpty, let known = addresses[member]?.client { merged.client = known }
        guard addresses[member] != merged else { return }
        addresses[member] = merged
        do {
            try storage.storeAddress(merged, of: member)
        } catch {
            logger.warning("cannot store a member address", metadata: ["peer.id": "\(member)", "raft.error": "\(error)"])
        }
        if member != configuration.nodeID {
            transport.updateAddress(of: member, to: merged.peer)
        }
    }

    // MARK: Errors

    private func notLeader() -> ErrorReply {
        let leader = node.leader
        if leader == 0 || leader == configuration.nodeID {
            return ErrorReply(code: .notLeader, message: "this node is not the leader and knows no leader")
        }
        return ErrorReply(
            code: .notLeader, message: "node \(leader) is the leader",
            leaderID: leader, leaderAddress: addresses[leader]?.client ?? ""
        )
    }

    private func errorReply(for error: RaftError) -> ErrorReply {
        switch error {
        case .notLeader:
            return notLeader()
        case .leadershipTransferInProgress, .uncommittedBacklogFull, .noCommitInCurrentTerm,
             .configurationChangeInProgress, .learnerNotCaughtUp:
            return ErrorReply(code: .unavailable, message: "\(error); retry shortly")
        case .alreadyMember, .notAMember, .notALearner, .cannotRemoveLastVoter, .invalidNodeID, .invalidTransferTarget:
            return ErrorReply(code: .invalidArgument, message: "\(error)")
        default:
            return ErrorReply(code: .internal, message: "\(error)")
        }
    }

    private func errorReply(for error: any Error) -> ErrorReply {
        if let raftError = error as? RaftError { return errorReply(for: raftError) }
        return ErrorReply(code: .internal, message: "\(error)")
    }

    private func fail(_ waiter: Waiter, _ reply: ErrorReply) {
        switch waiter.kind {
        case .write(_, let completion): completion(.failed(reply))
        case .membership(_, let completion): completion(.error(reply))
        }
    }

    private func failEverything(_ reply: ErrorReply) {
        for (_, waiter) in waiters { fail(waiter, reply) }
        waiters.removeAll()
        commitWatchers.removeAll()
        for (_, waiter) in membershipWaitersApplying { fail(waiter, reply) }
        membershipWaitersApplying.removeAll()
        for (_, reads) in readsAwaitingConfirmation { for read in reads { read.completion(.refused(reply)) } }
        readsAwaitingConfirmation.removeAll()
        for batch in readsAwaitingEntries { for read in batch.reads { read.completion(.refused(reply)) } }
        readsAwaitingEntries.removeAll()
        for read in readsAwaitingApply { read.completion(.refused(reply)) }
        readsAwaitingApply.removeAll()
        for transfer in transfers { transfer.completion(.error(reply)) }
        transfers.removeAll()
    }

    private func refuseAll(_ events: [DriverEvent]) {
        let reply = ErrorReply.nodeStopped
        for event in events {
            switch event {
            case .propose(let proposal): proposal.completion(.failed(reply))
            case .read(_, _, let completion): completion(.refused(reply))
            case .admin(let operation, let completion):
                if case .status = operation { completion(.admin(.status(status()))) } else { completion(.error(reply)) }
            case .handOff(let completion): completion()
            case .messages, .peerIntroduced, .snapshotStaged, .snapshotReport, .unreachable, .peerDown, .applied, .logWritten: break
            }
        }
    }

    private func stopServing(after error: any Error) {
        guard !failed else { return }
        failed = true
        if error is StoreApplyError {
            logger.critical(
                "the log holds a command of a newer Keel version: this node stops replicating and acknowledging writes; upgrade it and restart it",
                metadata: ["raft.error": "\(error)"]
            )
        } else {
            logger.critical(
                "disk write failed: this node stops replicating and acknowledging writes; restart it once the disk is fixed",
                metadata: ["raft.error": "\(error)"]
            )
        }
        failEverything(.nodeStopped)
        // Nothing more goes out; a held deadline left behind would also keep the loop's wait
        // from ever blocking.
        heldAppends.removeAll()
        heldAppendsDeadline = nil
        transport.shutdown()
    }
}
