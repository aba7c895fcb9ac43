import Foundation
import KeelRaft

/// The thread that writes and fsyncs the Raft log for the driver, one `Ready`'s batch at a
/// time (etcd's asynchronous storage writes, with one write in flight).
///
/// Used with `--async-log-writes`. While the disk works the driver keeps stepping what
/// arrives: a follower answers its leader's heartbeats, a leader counts acknowledgements and
/// confirms ReadIndex rounds, and both hand out what `RaftNode.outputWhilePersisting()`
/// allows. A driver that fsyncs itself drains nothing meanwhile, so every fsync slower than
/// usual (3 - 5 % take over 5 ms here) holds up every read round that needs this node.
/// Votes, acknowledgements and applying still wait for the write: the driver sends and
/// applies them once it is published. The hand-off costs thread switches (`server.md`).
final class LogWriter: @unchecked Sendable {
    // Unchecked Sendable: `job`, `outcome`, `stopping` and `threadEnded` are only touched
    // with `condition` locked.

    /// How one write ended: its fsync time, or the error that left nothing of it durable.
    typealias Outcome = Result<UInt64, any Error>

    private let storage: RocksDBLogStorage
    private let done: @Sendable () -> Void
    private let condition = NSCondition()
    private var job: RocksDBLogStorage.PendingWrite?
    private var outcome: Outcome?
    private var stopping = false
    private var threadEnded = false

    /// - Parameter done: called from the writer thread after each write, so that the driver
    ///   looks at ``takeOutcome()``.
    init(storage: RocksDBLogStorage, done: @escaping @Sendable () -> Void) {
        self.storage = storage
        self.done = done
    }

    func start() {
        NamedThread.start("keel-log-writer") { [self] in self.run() }
    }

    /// Starts writing `write`; the previous write's outcome must have been taken.
    func submit(_ write: RocksDBLogStorage.PendingWrite) {
        condition.lock()
        precondition(job == nil && outcome == nil, "one log write at a time")
        job = write
        condition.broadcast()
        condition.unlock()
    }

    /// The outcome of the submitted write once it ended, else nil.
    func takeOutcome() -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        let taken = outcome
        outcome = nil
        return taken
    }

    /// Blocks until the submitted write ended and returns its outcome (nil if none was
    /// submitted or its outcome was taken).
    func waitForOutcome() -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        while job != nil { condition.wait() }
        let taken = outcome
        outcome = nil
        return taken
    }

    /// Finishes the submitted write, then ends the thread and returns.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !threadEnded { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while job == nil && !stopping { condition.wait() }
            guard let write = job else { break }
            condition.unlock()
            let start = DispatchTime.now().uptimeNanoseconds
            let result: Outcome
            do {
                try storage.write(write)
                result = .success(DispatchTime.now().uptimeNanoseconds - start)
            } catch {
                result = .failure(error)
            }
            condition.lock()
            job = nil
            outcome = result
            condition.broadcast()
            condition.unlock()
            done()
            condition.lock()
        }
        threadEnded = true
        condition.broadcast()
        condition.unlock()
    }
}
