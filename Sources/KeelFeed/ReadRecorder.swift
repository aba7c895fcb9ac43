/// The timeline reads this process has yet to write to the `readers` set, and when it last
/// noted each user's read.
///
/// A read is noted at most once per interval per user. Noted reads are written by one
/// background writer at a time, many per sorted-set add, so a timeline page never waits for
/// a Raft commit of its own bookkeeping and a burst of readers costs a few writes, not one each.
actor ReadRecorder {
    private var lastNoted: [String: Int64] = [:]
    /// Forget everything past this many users rather than grow without bound; the cost is
    /// one extra noted read per user afterwards.
    private let capacity = 100_000
    private var pending: [String: Int64] = [:]
    private var writerRunning = false
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// Notes `user`'s read at `now` unless one was noted less than `interval` ago.
    /// - Returns: Whether the caller must start a writer (none runs, and something is pending).
    func note(_ user: String, now: Int64, interval: Int64) -> Bool {
        if let last = self.lastNoted[user], now - last < interval {
            return false
        }
        if self.lastNoted.count >= self.capacity {
            self.lastNoted.removeAll(keepingCapacity: true)
        }
        self.lastNoted[user] = now
        self.pending[user] = now
        guard !self.writerRunning else { return false }
        self.writerRunning = true
        return true
    }

    /// Hands the running writer up to `limit` pending reads.
    /// - Returns: The reads to write, or `nil` when none are left: the writer must stop then.
    func take(limit: Int) -> [(user: String, time: Int64)]? {
        guard !self.pending.isEmpty else {
            self.writerRunning = false
            let waiters = self.idleWaiters
            self.idleWaiters = []
            for waiter in waiters { waiter.resume() }
            return nil
        }
        var batch: [(user: String, time: Int64)] = []
        batch.reserveCapacity(min(limit, self.pending.count))
        for (user, time) in self.pending {
            guard batch.count < limit else { break }
            batch.append((user, time))
        }
        for read in batch { self.pending[read.user] = nil }
        return batch
    }

    /// Returns once every read noted so far has been handed to the writer and the writer has
    /// finished its writes.
    func waitUntilWritten() async {
        guard self.writerRunning else { return }
        await withCheckedContinuation { self.idleWaiters.append($0) }
    }
}
