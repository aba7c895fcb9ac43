/// Deletions of finished fanout records that run after their publish has returned.
///
/// A publish returns once every follower has the activity; deleting its record is
/// bookkeeping (a record left behind only makes the fanout worker repeat idempotent work),
/// so it does not hold the caller for one more Raft commit. The deletions are tracked here
/// so that a publish of the same activity can wait for them, and so that
/// ``KeelFeed/flushBackgroundWrites()`` can.
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
