import KeelClient

// The fanout worker: finishes the fanouts whose publisher (or remover) died.
extension KeelFeed {
    /// Runs every fanout record that started before `startedBefore` again from its start:
    /// publishes, removals and switches of producers to pull. Safe to run while publishers
    /// are live and from several processes: each step is idempotent (a member added twice
    /// with the same score is there once; removing an absent member changes nothing), and a
    /// record is deleted only by compare-and-set on its exact bytes.
    /// - Parameter startedBefore: Only records that started before this time (ms since the
    ///   epoch) are taken over; by default now minus
    ///   ``FeedConfiguration/fanoutTakeoverMilliseconds``.
    /// - Returns: How many records were run.
    /// - Throws: `KeelError` (records not yet run are left for the next call).
    @discardableResult
    public func resumeUnfinishedFanouts(startedBefore: Int64? = nil) async throws -> Int {
        let cutoff = startedBefore ?? (self.now() - self.configuration.fanoutTakeoverMilliseconds)
        var resumed = 0
        var startAfter: [UInt8]? = nil
        repeat {
            let page = try await self.client.scan(prefix: self.keys.fanoutPrefix, startAfter: startAfter, limit: 100)
            for entry in page.entries {
                guard let record = try? FanoutRecord(decoding: entry.value) else { continue }
                guard record.startedAt < cutoff else { continue }
                do {
                    try await self.run(record, bytes: entry.value)
                } catch is FeedError {
                    // A publish whose id another activity took meanwhile: run() dropped it.
                }
                resumed += 1
            }
            startAfter = page.nextStartAfter
        } while startAfter != nil
        return resumed
    }

    /// Calls ``resumeUnfinishedFanouts(startedBefore:)`` every `interval` until the task is
    /// cancelled. A failed round (the cluster unreachable, say) is reported to `onError` and
    /// the next round tries again.
    /// - Parameters:
    ///   - interval: The pause between rounds.
    ///   - onError: Told about each failed round.
    public func runFanoutWorker(
        interval: Duration = .seconds(5),
        onError: @Sendable (any Error) -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            do {
                try await self.resumeUnfinishedFanouts()
            } catch is CancellationError {
                return
            } catch {
                onError(error)
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
