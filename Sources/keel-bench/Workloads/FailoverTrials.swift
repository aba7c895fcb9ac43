import Synchronization

/// Failover measured the same way for any replicated system: writers write continuously; each
/// trial kills the leader with SIGKILL and times from the kill to the first acknowledged write
/// that was sent after the process was gone, then restarts the node and waits for it to catch
/// up. Fresh probe writes start every 5 ms after the kill as well, so that no writer's retry
/// backoff hides the moment the new leader starts acknowledging.
struct FailoverTrials: Sendable {
    var trials: Int
    /// Seconds of steady writing before each kill.
    var settle: Double
    var writers: Int
    /// The node that leads now.
    var leader: @Sendable () async throws -> Int
    /// SIGKILL the node and wait until its process is gone.
    var kill: @Sendable (Int) async throws -> Void
    var restart: @Sendable (Int) async throws -> Void
    /// Returns once every node is back and caught up.
    var waitUntilCaughtUp: @Sendable () async throws -> Void
    /// One write; true when it was acknowledged. `number` is distinct per write.
    var write: @Sendable (_ number: Int) async -> Bool

    struct NoAcknowledgement: Error, CustomStringConvertible {
        var trial: Int
        var description: String { "trial \(trial): no write acknowledged within 60 s of the kill" }
    }

    private final class TrialClock: Sendable {
        let exitedAt = Mutex<ContinuousClock.Instant?>(nil)
        let firstAcknowledgement = Mutex<ContinuousClock.Instant?>(nil)
        let stop = Atomic<Bool>(false)
        let writes = Atomic<Int>(0)

        func acknowledged(began: ContinuousClock.Instant, now: ContinuousClock.Instant) {
            guard let exited = exitedAt.withLock({ $0 }), began >= exited else { return }
            firstAcknowledgement.withLock { first in
                if first.map({ now < $0 }) ?? true { first = now }
            }
        }
    }

    /// Runs every trial and returns the time from each kill to the next acknowledged write.
    func run(label: String, progress: ProgressLine) async throws -> [Duration] {
        let clock = ContinuousClock()
        let trialClock = TrialClock()
        let write = self.write
        var times: [Duration] = []
        try await withThrowingTaskGroup(of: Void.self) { writerGroup in
            for _ in 0..<writers {
                writerGroup.addTask {
                    while !trialClock.stop.load(ordering: .relaxed) {
                        let number = trialClock.writes.wrappingAdd(1, ordering: .relaxed).newValue
                        let began = clock.now
                        if await write(number) { trialClock.acknowledged(began: began, now: clock.now) }
                    }
                }
            }
            do {
                for trial in 1...trials {
                    try await Task.sleep(for: .milliseconds(Int64(settle * 1000)))
                    let leader = try await self.leader()
                    progress.start { "\(label): trial \(trial)/\(trials), killed node \(leader)" }
                    trialClock.exitedAt.withLock { $0 = nil }
                    trialClock.firstAcknowledgement.withLock { $0 = nil }
                    let killed = clock.now
                    try await kill(leader)
                    trialClock.exitedAt.withLock { $0 = clock.now }
                    await withTaskGroup(of: Void.self) { probes in
                        while trialClock.firstAcknowledgement.withLock({ $0 }) == nil, clock.now - killed < .seconds(60) {
                            let number = trialClock.writes.wrappingAdd(1, ordering: .relaxed).newValue
                            probes.addTask {
                                let began = clock.now
                                if await write(number) { trialClock.acknowledged(began: began, now: clock.now) }
                            }
                            try? await Task.sleep(for: .milliseconds(5))
                        }
                        probes.cancelAll()
                    }
                    progress.finish()
                    guard let first = trialClock.firstAcknowledgement.withLock({ $0 }) else { throw NoAcknowledgement(trial: trial) }
                    times.append(first - killed)
                    try await restart(leader)
                    try await waitUntilCaughtUp()
                }
            } catch {
                trialClock.stop.store(true, ordering: .relaxed)
                writerGroup.cancelAll()
                throw error
            }
            trialClock.stop.store(true, ordering: .relaxed)
            try await writerGroup.waitForAll()
        }
        return times
    }

    /// The report of a run's times.
    static func report(workload: String, times: [Duration], settings: [String: String], loadBefore: Double) -> WorkloadReport {
        var histogram = LatencyHistogram()
        for time in times { histogram.record(time) }
        var settings = settings
        settings["times ms"] = times.map { LatencySummary.format(LatencyHistogram.seconds($0) * 1000) }.joined(separator: " ")
        return WorkloadReport(
            workload: workload, settings: settings, requests: times.count, operations: times.count,
            operationName: "trials", errors: 0, seconds: 0, latency: histogram.summary, loadAverageBefore: loadBefore
        )
    }
}
