/// The ends of publishes that run after the publish has returned: confirming that every
/// chunk acknowledged at its commit was applied (writing a failed one again), then deleting
/// the fanout record.
///
/// A publish returns once every follower's insert is committed, so reads see the activity;
/// the rest is bookkeeping (a record left behind only makes the fanout worker repeat
/// idempotent work) and does not hold the caller. It is tracked here so that a publish of the
/// same activity can wait for it, and so that ``KeelFeed/flushBackgroundWrites()`` can.
actor RecordDeletions {
    private var running: [[UInt8]: (token: UInt64, task: Task<Void, Never>)] = [:]
    private var nextToken: UInt64 = 0

    /// Runs `deletion` of the record under `key` in the background.
    func start(_ key: [UInt8], _ deletion: @escaping @Sendable () async -> Void) {
        let token = self.nextToken
        self.nextToken += 1
        let task = Task {
            await deletion()
            self.finished(key, token: token)
        }
        self.running[key] = (token, task)
    }

    /// Returns once the deletion of the record under `key` started from this process, if
    /// any, has finished.
    func wait(for key: [UInt8]) async {
        await self.running[key]?.task.value
    }

    /// Returns once every deletion started so far has finished.
    func waitForAll() async {
        for (_, deletion) in self.running {
            await deletion.task.value
        }
    }

    private func finished(_ key: [UInt8], token: UInt64) {
        if self.running[key]?.token == token {
            self.running[key] = nil
        }
    }
}
