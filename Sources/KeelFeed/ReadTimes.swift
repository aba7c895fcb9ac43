/// When this process last recorded each user's timeline read, so that a read is written to
/// the `readers` set at most once per interval instead of on every page.
actor ReadTimes {
    private var lastRecorded: [String: Int64] = [:]
    /// Forget everything past this many users rather than grow without bound; the cost is
    /// one extra write per user afterwards.
    private let capacity = 100_000

    /// Whether `user`'s read at `now` should be recorded; if so, notes it as recorded.
    func shouldRecord(_ user: String, now: Int64, interval: Int64) -> Bool {
        if let last = self.lastRecorded[user], now - last < interval {
            return false
        }
        if self.lastRecorded.count >= self.capacity {
            self.lastRecorded.removeAll(keepingCapacity: true)
        }
        self.lastRecorded[user] = now
        return true
    }
}
