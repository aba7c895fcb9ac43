import Foundation
import KeelRaft
import KeelStore
import KeelWire
import NIOCore

/// The thread that applies committed entries to the store, one group at a time in log order,
/// and answers the clients of the writes it applied.
///
/// Applying is most of a node's CPU under a fanout load: a group of 256 timeline inserts takes
/// milliseconds. On the driver thread that time delayed everything else the driver does
/// (heartbeats and their answers, acknowledgements, ReadIndex rounds, proposals), so a page
/// read paid for the fanouts in front of it on the leader and again on the followers that had
/// to answer its heartbeat round. Here it only delays the reads of data the group writes.
///
/// The driver hands over only durable entries (persisted by a finished `Ready`) and learns
/// what was applied through ``takeFinished()`` whenever it runs. It is woken for it (an
/// `.applied` event in its inbox) only when it asked to be (``wakeDriver(whenApplied:)``: a
/// read waits for an entry), or for a membership change or a failure: waking it for every
/// group would cost each put batch two more thread switches per node.
final class ApplyWorker: @unchecked Sendable {
    // Unchecked Sendable: `jobs`, `finished`, `running`, `stopping`, `threadEnded`,
    // `lastFinishedIndex` and `wakeAtIndex` are only touched with `condition` locked;
    // `replies` and `failure` only by whoever set `running` (the worker thread, or the
    // driver in `applyOnCallerIfIdle`).

    /// A write whose client is waiting for its entry.
    struct WriteWaiter {
        var index: UInt64
        /// The term the write was proposed in: the entry applied at `index` must carry it.
        var term: UInt64
        var loop: (any EventLoop)?
        var completion: @Sendable (WriteOutcome) -> Void
    }

    struct Job {
        var entries: [Entry]
        var writers: [WriteWaiter]
    }

    /// A group the worker is done with.
    struct Finished {
        var lastIndex: UInt64
        /// The group's configuration changes, for the driver to act on.
        var configurationChanges: [Entry]
        /// Set when the store failed to write the group (or an earlier one): nothing from
        /// then on was applied.
        var error: (any Error)?
    }

    private let store: KeelStore
    private let metrics: RaftMetrics
    private let wake: @Sendable () -> Void
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var finished: [Finished] = []
    private var running = false
    private var stopping = false
    private var threadEnded = false
    private var lastFinishedIndex: UInt64 = 0
    /// Wake the driver once a group through this index is finished.
    private var wakeAtIndex: UInt64 = .max
    private var replies = ReplyBatch()
    private var failure: (any Error)?

    /// - Parameter wake: called from the worker thread when the driver should look at
    ///   ``takeFinished()`` (see the type's description).
    init(store: KeelStore, metrics: RaftMetrics, wake: @escaping @Sendable () -> Void) {
        self.store = store
        self.metrics = metrics
        self.wake = wake
    }

    func start() {
        NamedThread.start("keel-apply", stackSize: 8 << 20) { [self] in self.run() }
    }

    /// Queues a group; groups are applied in the order they are submitted.
    func submit(_ job: Job) {
        condition.lock()
        jobs.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Takes the reports of the groups finished since the last call, oldest first.
    func takeFinished() -> [Finished] {
        condition.lock()
        defer { condition.unlock() }
        let taken = finished
        finished.removeAll(keepingCapacity: true)
        return taken
    }

    /// Makes the worker wake the driver once it has finished the entry at `index` (at once if
    /// it has).
    func wakeDriver(whenApplied index: UInt64) {
        condition.lock()
        let finishedAlready = lastFinishedIndex >= index
        if !finishedAlready { wakeAtIndex = min(wakeAtIndex, index) }
        condition.unlock()
        if finishedAlready { wake() }
    }

    /// Applies `job` on the calling thread, if no group is queued or being applied, and
    /// returns its report (which ``takeFinished()`` will not return); `nil` if the worker is
    /// busy (then submit it). Only the thread that submits may call this.
    func applyOnCallerIfIdle(_ job: Job) -> Finished? {
        condition.lock()
        let idle = jobs.isEmpty && !running
        if idle { running = true }
        condition.unlock()
        guard idle else { return nil }
        let report = apply(job)
        condition.lock()
        lastFinishedIndex = max(lastFinishedIndex, report.lastIndex)
        running = false
        condition.broadcast()
        condition.unlock()
        return report
    }

    /// Whether a submitted group waits for the worker (one being applied does not count).
    var hasQueuedJobs: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !jobs.isEmpty
    }

    /// Blocks until every submitted group is finished.
    func waitUntilIdle() {
        condition.lock()
        while !jobs.isEmpty || running { condition.wait() }
        condition.unlock()
    }

    /// Finishes the submitted groups, then ends the thread and returns.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !threadEnded { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                threadEnded = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            running = true
            condition.unlock()

            let report = apply(job)

            condition.lock()
            finished.append(report)
            lastFinishedIndex = max(lastFinishedIndex, report.lastIndex)
            let wakeDriver = report.error != nil || !report.configurationChanges.isEmpty || report.lastIndex >= wakeAtIndex
            if wakeDriver { wakeAtIndex = .max }
            condition.unlock()
            // Woken before the group counts as done, so that a driver that waited for the
            // worker to be idle has had its wake-up too.
            if wakeDriver { wake() }
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
    }

    private func apply(_ job: Job) -> Finished {
        let lastIndex = job.entries.last?.index ?? 0
        let changes = job.entries.filter { $0.kind == .configurationChange }
        if let failure {
            // The store could not write an earlier group: it applies nothing more, and these
            // writes' clients learn that their outcome is unknown.
            failAll(job.writers)
            return Finished(lastIndex: lastIndex, configurationChanges: [], error: failure)
        }
        let results: [CommandResult?]
        do {
            let committed = job.entries.map { CommittedEntry(index: $0.index, data: $0.kind == .normal ? $0.data : []) }
            results = try store.apply(committed)
        } catch {
            failure = error
            failAll(job.writers)
            return Finished(lastIndex: lastIndex, configurationChanges: [], error: error)
        }
        metrics.entriesApplied.increment(by: job.entries.count)
        var position = 0
        for waiter in job.writers {
            // Waiters come in log order, as the entries do.
            while position < job.entries.count && job.entries[position].index < waiter.index { position += 1 }
            guard position < job.entries.count, job.entries[position].index == waiter.index else { continue }
            let entry = job.entries[position]
            let outcome: WriteOutcome
            if waiter.term != entry.term {
                outcome = .failed(ErrorReply(code: .unavailable, message: "leadership changed before the entry committed; retry"))
            } else if let result = results[position] {
                outcome = .applied(index: entry.index, result: result)
            } else {
                // Applied before a restart or inside an installed snapshot: the result is
                // gone, the session remembers it.
                outcome = .failed(ErrorReply(code: .unavailable, message: "outcome unknown; retry with the same session"))
            }
            let completion = waiter.completion
            replies.add(on: waiter.loop) { completion(outcome) }
        }
        replies.deliver()
        return Finished(lastIndex: lastIndex, configurationChanges: changes, error: nil)
    }

    private func failAll(_ writers: [WriteWaiter]) {
        for waiter in writers { waiter.completion(.failed(.nodeStopped)) }
    }
}

extension ErrorReply {
    /// The answer of a node that stopped after a failed write or an entry it cannot apply.
    static let nodeStopped = ErrorReply(
        code: .unavailable, message: "the node stopped serving after a disk error or an entry of a newer version (see its log)"
    )
}
