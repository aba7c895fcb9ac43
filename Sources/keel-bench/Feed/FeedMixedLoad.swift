import Foundation
import KeelClient
import KeelFeed
import Synchronization

/// The measured phase of `keel-bench feed`: `concurrency` tasks, each sending its next request
/// when the last is answered (or, with a `rate`, at its next scheduled start: its share of
/// the rate), a `readFraction` of them timeline pages (readers drawn by
/// reading rate, a quarter of the reads continuing to the same reader's next page) and the rest
/// publishes (producers drawn by posting rate); beside them one task publishes as `target` at
/// `targetRate` a second. Unmeasured for `warmup` seconds, then measured for `duration`.
struct FeedMixedLoad {
    struct Settings {
        var concurrency: Int
        var readFraction: Double
        var page: Int
        /// Every this many publishes of a task is followed to its probe (0: none).
        var fanoutSample: Int
        var targetRate: Double
        /// Requests of the mix per second over all tasks; 0 sends each task's next request as
        /// soon as the last is answered.
        var rate: Double
        var warmup: Double
        var duration: Double
        var timeout: Double
        var seed: UInt64
    }

    /// What each kind of request measured.
    struct Measured: Sendable {
        var publish = LatencyHistogram()
        var fanoutDelay = LatencyHistogram()
        var timeline = LatencyHistogram()
        var mergedTimeline = LatencyHistogram()
        var targetPublish = LatencyHistogram()
        /// Timelines the measured publishes were pushed into.
        var pushedTimelines = 0
        var targetPushedTimelines = 0
        var publishErrors = 0
        var readErrors = 0
        /// Sampled publishes whose activity the probe did not see before the timeout.
        var fanoutMisses = 0
        var firstError: String?
        var seconds = 0.0
        /// CPU counters when measuring started and after the last request (``run``).
        var cpuAtStart: CPUCost.Sample?
        var cpuAtEnd: CPUCost.Sample?

        mutating func add(_ other: Measured) {
            publish.add(other.publish)
            fanoutDelay.add(other.fanoutDelay)
            timeline.add(other.timeline)
            mergedTimeline.add(other.mergedTimeline)
            targetPublish.add(other.targetPublish)
            pushedTimelines += other.pushedTimelines
            targetPushedTimelines += other.targetPushedTimelines
            publishErrors += other.publishErrors
            readErrors += other.readErrors
            fanoutMisses += other.fanoutMisses
            firstError = firstError ?? other.firstError
        }
    }

    private final class RunState: Sendable {
        let measuring = Atomic<Bool>(false)
        let stop = Atomic<Bool>(false)
        let publishes = Atomic<Int>(0)
        let pages = Atomic<Int>(0)
        let errors = Atomic<Int>(0)
    }

    let settings: Settings
    let population: FeedPopulation
    /// One per client; tasks share them round-robin.
    let feeds: [KeelFeed]
    /// The same clients with a clock a day and more behind (see ``probeFeed(client:configuration:)``).
    let probeFeeds: [KeelFeed]
    /// The nodes' metrics endpoints, when known: the servers' CPU over the measured phase.
    var metricsAddresses: [String] = []

    /// A feed for the probes' polling reads whose clock runs two recent-reader windows behind:
    /// a timeline read records its reader as a recent reader, which would move the probe to the
    /// front of later fanouts; recorded this far back, it stays behind every real follower.
    static func probeFeed(client: KeelClient, configuration: FeedConfiguration) throws -> KeelFeed {
        let lag = 2 * configuration.recentReaderWindowMilliseconds
        return try KeelFeed(client: client, configuration: configuration, now: { KeelFeed.wallClock() - lag })
    }

    func run(label: String, progress: ProgressLine) async throws -> Measured {
        let state = RunState()
        let clock = ContinuousClock()
        let started = clock.now
        progress.start {
            let phase = state.measuring.load(ordering: .relaxed) ? "" : " (warm-up)"
            let elapsed = max(LatencyHistogram.seconds(clock.now - started), 0.001)
            let publishes = state.publishes.load(ordering: .relaxed)
            let pages = state.pages.load(ordering: .relaxed)
            return "\(label)\(phase): \(publishes) publishes, \(pages) pages, \(WorkloadReport.grouped(Double(publishes + pages) / elapsed))/s, errors \(state.errors.load(ordering: .relaxed))"
        }
        defer { progress.finish() }
        return try await withThrowingTaskGroup(of: Measured.self) { group in
            for worker in 0..<settings.concurrency {
                group.addTask { await self.worker(worker, state: state) }
            }
            if population.hasTarget {
                group.addTask { await self.targetPublisher(state: state) }
            }
            try await Task.sleep(for: .milliseconds(Int64(settings.warmup * 1000)))
            let cpuAtStart = await CPUCost.sample(metricsAddresses)
            let measureStart = clock.now
            state.measuring.store(true, ordering: .releasing)
            try await Task.sleep(for: .milliseconds(Int64(settings.duration * 1000)))
            state.stop.store(true, ordering: .relaxed)
            var total = Measured()
            for try await measured in group { total.add(measured) }
            total.seconds = LatencyHistogram.seconds(clock.now - measureStart)
            total.cpuAtStart = cpuAtStart
            total.cpuAtEnd = await CPUCost.sample(metricsAddresses)
            return total
        }
    }

    private func note(_ error: any Error, into measured: inout Measured, state: RunState) {
        if measured.firstError == nil { measured.firstError = "\(error)" }
        // A cluster that refuses everything would spin here: give up.
        if state.errors.wrappingAdd(1, ordering: .relaxed).newValue >= 10_000 { state.stop.store(true, ordering: .relaxed) }
    }

    private func worker(_ index: Int, state: RunState) async -> Measured {
        var context = WorkerContext(worker: index, seed: settings.seed)
        var measured = Measured()
        let feed = feeds[index % feeds.count]
        let probeFeed = probeFeeds[index % probeFeeds.count]
        let clock = ContinuousClock()
        let readThreshold = UInt64(settings.readFraction * Double(1 << 32))
        var reader = 0
        var cursor: FeedCursor?
        var publishes = 0
        // With a rate, each task starts its requests on a fixed schedule, the tasks' starts
        // spread evenly, and latency counts from the scheduled start: an answer that comes late
        // is not hidden by the next request starting late too (coordinated omission).
        let interval: Duration? = settings.rate > 0 ? .nanoseconds(Int64(Double(settings.concurrency) / settings.rate * 1e9)) : nil
        var scheduled = clock.now + .nanoseconds(Int64(Double(index) / max(settings.rate, 1) * 1e9))
        while !state.stop.load(ordering: .relaxed) {
            var began = clock.now
            if let interval {
                while clock.now < scheduled && !state.stop.load(ordering: .relaxed) {
                    try? await Task.sleep(for: min(.milliseconds(50), scheduled - clock.now))
                }
                if state.stop.load(ordering: .relaxed) { break }
                began = scheduled
                scheduled += interval
            }
            let measuring = state.measuring.load(ordering: .acquiring)
            context.sequence += 1
            if context.random.next() >> 32 < readThreshold {
                if cursor == nil || context.uniform(4) != 0 {
                    reader = population.readers.next(using: &context.random)
                    cursor = nil
                }
                do {
                    let page = try await feed.timeline(FeedPopulation.user(reader), limit: settings.page, before: cursor)
                    state.pages.wrappingAdd(1, ordering: .relaxed)
                    if measuring {
                        measured.timeline.record(clock.now - began)
                        if population.mergedReaders.contains(reader) { measured.mergedTimeline.record(clock.now - began) }
                    }
                    cursor = page.nextCursor
                } catch {
                    cursor = nil
                    if measuring { measured.readErrors += 1 }
                    note(error, into: &measured, state: state)
                }
                continue
            }
            let producer = population.producer(population.posters.next(using: &context.random))
            let activity = Activity(
                actor: producer, verb: "post", object: "item:\(index):\(context.sequence)", time: KeelFeed.wallClock(),
                foreignID: "w\(index)-\(context.sequence)"
            )
            publishes += 1
            let sampled = settings.fanoutSample > 0 && publishes % settings.fanoutSample == 0
            do {
                async let seen = sampled
                    ? Self.waitUntilVisible(activity.id, to: FeedPopulation.probe(of: producer), on: probeFeed, timeout: settings.timeout)
                    : nil
                let result = try await feed.publish(activity)
                let publishEnded = clock.now
                state.publishes.wrappingAdd(1, ordering: .relaxed)
                if measuring {
                    measured.publish.record(publishEnded - began)
                    if case .pushed(let followers) = result.delivery { measured.pushedTimelines += followers }
                }
                if sampled {
                    if let visible = try await seen {
                        if measuring { measured.fanoutDelay.record(visible - began) }
                    } else if measuring {
                        measured.fanoutMisses += 1
                    }
                }
            } catch {
                if measuring { measured.publishErrors += 1 }
                note(error, into: &measured, state: state)
            }
        }
        return measured
    }

    /// Reads `probe`'s newest page back to back from now until it holds `id`; returns when the
    /// first read that saw it was answered, or nil after `timeout` seconds.
    private static func waitUntilVisible(_ id: ActivityID, to probe: String, on feed: KeelFeed, timeout: Double) async throws -> ContinuousClock.Instant? {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(timeout * 1000))
        while clock.now < deadline {
            let page = try await feed.timeline(probe, limit: 10)
            if page.activities.contains(where: { $0.id == id }) { return clock.now }
            try Task.checkCancellation()
        }
        return nil
    }

    /// Publishes as `target` (exactly `--target-followers` followers) at `targetRate` a
    /// second, one at a time, while the mix runs.
    private func targetPublisher(state: RunState) async -> Measured {
        var measured = Measured()
        let feed = feeds[0]
        let clock = ContinuousClock()
        let interval = Duration.milliseconds(Int64(1000 / settings.targetRate))
        var next = clock.now
        var sequence = 0
        while !state.stop.load(ordering: .relaxed) {
            let measuring = state.measuring.load(ordering: .acquiring)
            sequence += 1
            let activity = Activity(
                actor: FeedPopulation.targetProducer, verb: "post", object: "item:target:\(sequence)",
                time: KeelFeed.wallClock(), foreignID: "target-\(sequence)"
            )
            let began = clock.now
            do {
                let result = try await feed.publish(activity)
                state.publishes.wrappingAdd(1, ordering: .relaxed)
                if measuring {
                    measured.targetPublish.record(clock.now - began)
                    if case .pushed(let followers) = result.delivery { measured.targetPushedTimelines += followers }
                }
            } catch {
                if measuring { measured.publishErrors += 1 }
                note(error, into: &measured, state: state)
            }
            next = max(next + interval, clock.now)
            // Short sleeps so that the end of the run is not missed by a whole interval.
            while clock.now < next && !state.stop.load(ordering: .relaxed) {
                try? await Task.sleep(for: min(.milliseconds(50), next - clock.now))
            }
        }
        return measured
    }
}
