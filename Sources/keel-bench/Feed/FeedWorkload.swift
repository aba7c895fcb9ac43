import ArgumentParser
import Foundation
import KeelClient
import KeelFeed
import Synchronization

/// The social model of WORKLOADS.md through KeelFeed: a generated follower graph, a prefill of
/// publishes, then publishes and timeline pages mixed. Reports publish latency, fanout delay,
/// timeline page latency, and issue 7's two targets: publishes of a producer with exactly
/// `--target-followers` followers and pages that merge `--large-producers` pulled producers,
/// both under the mix.
struct FeedWorkload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed",
        abstract: "The social model through KeelFeed: publish latency, fanout delay, timeline pages (several rows).",
        discussion: """
        Phases: the follow graph (followMany, no backfill), one publish per large producer (which \
        switches it to pull), --prefill publishes, --warmup seconds of the mix, then --duration \
        seconds measured. Fanout delay: for every --fanout-sample-th publish of a task, the time \
        from the start of the publish until a timeline read of the producer's probe follower \
        (followed last, so last in the fanout order) returns the activity.
        """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Users of the generated graph.")
    var users = 2_000

    @Option(help: "Follower distribution: social (WORKLOADS.md's buckets) or zipf.")
    var followers: FollowerDistribution = .social

    @Option(help: "No user of the graph has more followers than this.")
    var maxFollowers = 1_000

    @Option(help: "Exponent of the zipf distribution (followers of rank r: max-followers / r^exponent).")
    var zipfExponent = 1.0

    @Option(help: "Producers with more followers than this are pulled at read time (KeelFeed's pullThreshold).")
    var pullThreshold = 1_200

    @Option(help: "Each timeline keeps this many activities.")
    var timelineMaxLength: UInt64 = 3_600

    @Option(help: "Activities per timeline page.")
    var page = 30

    @Option(help: "Consistency of every feed read (KeelFeed's readConsistency): linearizable, lease or stale.")
    var readConsistency: ReadConsistencyArgument = .linearizable

    @Option(help: "Fraction of the mix's requests that are timeline pages (the rest are publishes).")
    var readFraction = 0.9

    @Option(help: "Large producers with --large-followers followers each (above --pull-threshold, so pulled).")
    var largeProducers = 5

    @Option(help: "Followers of each large producer.")
    var largeFollowers = 1_500

    @Option(help: "Followers of the producer `target`, whose publishes are a row of their own (0: no target).")
    var targetFollowers = 1_000

    @Option(help: "Publishes of `target` per second, one at a time, beside the mix.")
    var targetRate = 2.0

    @Option(help: "Timelines per fanout command (KeelFeed's fanoutChunkSize).")
    var fanoutChunkSize = FeedConfiguration().fanoutChunkSize

    @Option(help: "Fanout commands in flight per publish (KeelFeed's fanoutChunksInFlight).")
    var fanoutChunksInFlight = FeedConfiguration().fanoutChunksInFlight

    @Option(help: "Publishes before the warm-up, producers drawn by posting rate, so timelines hold pages.")
    var prefill = 500

    @Option(help: "Every this many publishes of a task, the fanout delay is measured (0: never).")
    var fanoutSample = 10

    @Option(help: "Client objects (each a KeelClient with its own connections).")
    var connections = 1

    @Option(help: "Requests of the mix in flight at once (0: no mix, only the target's publishes).")
    var concurrency = 8

    @Option(help: "Requests of the mix per second, spread over the --concurrency tasks, latency counted from each request's scheduled start (0: each task sends its next request when the last is answered).")
    var rate: Double = 0

    @Option(help: "Seconds measured.")
    var duration: Double = 10

    @Option(help: "Seconds of the mix unmeasured first.")
    var warmup: Double = 2

    @Option(help: "Seed of the graph and of the per-task generators.")
    var seed: UInt64 = 1

    @Option(help: "Seconds a request may take before it counts as an error (and a fanout as missed).")
    var timeout: Double = 10

    @Option(help: "Also write the reports as a JSON array to this file ('-' prints JSON instead of the tables).")
    var json: String?

    func validate() throws {
        guard users >= 2 else { throw ValidationError("--users must be at least 2") }
        guard maxFollowers >= 1, zipfExponent > 0 else { throw ValidationError("--max-followers and --zipf-exponent must be positive") }
        guard pullThreshold >= 0, timelineMaxLength >= 1 else { throw ValidationError("--pull-threshold must not be negative, --timeline-max-length must be positive") }
        guard (1...FeedLimits.maximumPageSize).contains(page) else { throw ValidationError("--page must lie in 1 ... \(FeedLimits.maximumPageSize)") }
        guard (0...1).contains(readFraction) else { throw ValidationError("--read-fraction must lie in 0 ... 1") }
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must not be negative") }
        guard rate == 0 || concurrency > 0 else { throw ValidationError("--rate needs --concurrency above 0") }
        guard largeProducers >= 0, largeProducers <= FeedLimits.maximumPulledProducers else {
            throw ValidationError("--large-producers must lie in 0 ... \(FeedLimits.maximumPulledProducers)")
        }
        if largeProducers > 0 {
            guard largeFollowers > pullThreshold, largeFollowers <= users else {
                throw ValidationError("--large-followers must be above --pull-threshold (to be pulled) and at most --users")
            }
        }
        guard targetFollowers >= 0, targetFollowers <= pullThreshold, targetFollowers <= users else {
            throw ValidationError("--target-followers must lie in 0 ... --pull-threshold (to be pushed) and at most --users")
        }
        guard targetRate > 0, prefill >= 0, fanoutSample >= 0 else {
            throw ValidationError("--target-rate must be positive, --prefill and --fanout-sample not negative")
        }
        guard connections >= 1, duration > 0, warmup >= 0, timeout > 0 else {
            throw ValidationError("--connections, --duration and --timeout must be positive")
        }
        guard concurrency >= 1 || (concurrency == 0 && targetFollowers > 0) else {
            throw ValidationError("--concurrency must be positive (0, no mix, only with --target-followers)")
        }
    }

    /// What each row of a report measures, for the suite's table.
    static let purposes = [
        "feed publish": "feed: publishes in the social mix",
        "feed fanout delay": "feed: publish start to the last follower's timeline (sampled)",
        "feed timeline": "feed: timeline pages in the social mix",
        "feed publish target": "feed: publish to 1,000 followers under the mix",
        "feed timeline merged": "feed: pages merging 5 pulled producers under the mix",
    ]

    mutating func run() async throws {
        let target = try await cluster.target()
        var reports: [WorkloadReport]
        do {
            reports = try await measure(on: target)
        } catch {
            await target.shutdown()
            throw error
        }
        await target.shutdown()
        let command = CommandLine.arguments.dropFirst().joined(separator: " ")
        for index in reports.indices { reports[index].command = command }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let jsonText = String(decoding: try encoder.encode(reports), as: UTF8.self)
        if json == "-" {
            print(jsonText)
            return
        }
        print(reports.map(\.table).joined(separator: "\n\n"))
        if let json { try Data((jsonText + "\n").utf8).write(to: URL(fileURLWithPath: json)) }
    }

    /// Parses `arguments` (after `feed`) and measures on `target`, for the suite; every report's
    /// command is `feed` and these arguments.
    static func measure(_ arguments: [String], on target: BenchTarget, quiet: Bool) async throws -> [WorkloadReport] {
        let extra = ["--endpoints", target.endpoints.joined(separator: ","), "--cluster-id", target.clusterID]
        let workload = try parse(arguments + extra + (quiet ? ["--json", "/dev/null"] : []))
        return try await workload.measure(on: target).map { report in
            var report = report
            report.command = (["feed"] + arguments).joined(separator: " ")
            return report
        }
    }

    /// Builds the population in a fresh namespace, runs the mix and reports its rows.
    func measure(on target: BenchTarget) async throws -> [WorkloadReport] {
        let progress = ProgressLine(enabled: json == nil)
        let clients = try target.makeClients(connections, concurrency: max(1, concurrency) * 4, timeout: timeout)
        var configuration = FeedConfiguration()
        configuration.namespace = "bench\(UInt32.random(in: 0...UInt32.max))"
        configuration.pullThreshold = pullThreshold
        configuration.timelineMaxLength = timelineMaxLength
        configuration.readConsistency = readConsistency.value
        configuration.fanoutChunkSize = fanoutChunkSize
        configuration.fanoutChunksInFlight = fanoutChunksInFlight
        let feeds = try clients.map { try KeelFeed(client: $0, configuration: configuration) }
        let probeFeeds = try clients.map { try FeedMixedLoad.probeFeed(client: $0, configuration: configuration) }
        let population = FeedPopulation(
            users: users, distribution: followers, maxFollowers: maxFollowers, exponent: zipfExponent,
            largeProducers: largeProducers, largeFollowers: largeFollowers, targetFollowers: targetFollowers, seed: seed
        )
        try await prepare(population, feed: feeds[0], progress: progress)

        let loadBefore = MachineDescription.loadAverage()
        let load = FeedMixedLoad(
            settings: .init(
                concurrency: concurrency, readFraction: readFraction, page: page, fanoutSample: fanoutSample,
                targetRate: targetRate, rate: rate, warmup: warmup, duration: duration, timeout: timeout, seed: seed
            ),
            population: population, feeds: feeds, probeFeeds: probeFeeds, metricsAddresses: target.metricsAddresses
        )
        // The servers' side of the mix's reads (pages and the publishes' own reads, warm-up
        // included): sorted-set reads from arrival to answer, and where linearizable reads
        // waited (the driver's inbox, the ReadIndex round, the apply of entries that touch
        // their data). Known for --local nodes and with --metrics-endpoints.
        let metrics = target.metricsAddresses
        let families: [(ServerLatency.Family, [String])] = [(.clientRequests, ["zset_read"]), (.readWaits, ["queue", "confirm", "apply"])]
        let textsBefore = metrics.isEmpty ? nil : try await MetricsText.fetch(metrics)
        let measured = try await load.run(label: "feed", progress: progress)
        var serverSide: [ServerLatency] = []
        if let textsBefore {
            let textsAfter = try await MetricsText.fetch(metrics)
            for (family, series) in families {
                let before = ServerLatency.sum(textsBefore, family)
                let after = ServerLatency.sum(textsAfter, family)
                serverSide += series.compactMap { ServerLatency($0, of: family, before: before, after: after) }
            }
        }
        // Fanout records are deleted after their publish returns: finish before the clients stop.
        for feed in feeds + probeFeeds {
            await feed.flushBackgroundWrites()
        }
        var rows = reports(measured, population: population, loadBefore: loadBefore)
        if let timeline = rows.firstIndex(where: { $0.workload == "feed timeline" }) {
            rows[timeline].serverLatencies = serverSide
            // How busy the cores were while the pages were read: the whole mix's CPU, per
            // request of the mix (publishes, pages and the target's publishes alike).
            if let start = measured.cpuAtStart, let end = measured.cpuAtEnd {
                let requests = rows.filter { $0.seconds > 0 }.reduce(0) { $0 + $1.requests }
                rows[timeline].cpu = CPUCost(from: start, to: end, operations: requests, operationName: "mix requests")
            }
        }
        return rows
    }

    private var settings: [String: String] {
        var settings = [
            "users": "\(users)", "followers": followers == .zipf ? "zipf(\(zipfExponent))" : "social",
            "maxFollowers": "\(maxFollowers)", "pullThreshold": "\(pullThreshold)", "page": "\(page)",
            "readFraction": "\(readFraction)", "concurrency": "\(concurrency)", "connections": "\(connections)",
            "duration": "\(duration)s", "seed": "\(seed)",
        ]
        if largeProducers > 0 { settings["large"] = "\(largeProducers)x\(largeFollowers)" }
        if readConsistency != .linearizable { settings["readConsistency"] = readConsistency.rawValue }
        if rate > 0 { settings["rate"] = "\(rate)/s" }
        let defaults = FeedConfiguration()
        if fanoutChunkSize != defaults.fanoutChunkSize || fanoutChunksInFlight != defaults.fanoutChunksInFlight {
            settings["fanoutChunks"] = "\(fanoutChunkSize)x\(fanoutChunksInFlight)"
        }
        return settings
    }

    private func reports(_ measured: FeedMixedLoad.Measured, population: FeedPopulation, loadBefore: Double) -> [WorkloadReport] {
        let seconds = measured.seconds
        func row(_ workload: String, _ histogram: LatencyHistogram, operations: Int? = nil, operationName: String = "requests",
                 errors: Int, extra: [String: String] = [:], timed: Bool = true) -> WorkloadReport {
            WorkloadReport(
                workload: workload, settings: settings.merging(extra) { $1 }, requests: Int(histogram.count),
                operations: operations ?? Int(histogram.count), operationName: operationName, errors: errors,
                firstError: errors > 0 ? measured.firstError : nil, seconds: timed ? seconds : 0,
                latency: histogram.summary, loadAverageBefore: loadBefore
            )
        }
        var rows = [
            row("feed publish", measured.publish, operations: measured.pushedTimelines, operationName: "timeline inserts",
                errors: measured.publishErrors, extra: ["edges": "\(population.edges)"]),
            row("feed fanout delay", measured.fanoutDelay, operationName: "samples", errors: measured.fanoutMisses,
                extra: ["sample": "1/\(fanoutSample)"], timed: false),
            row("feed timeline", measured.timeline, operationName: "pages", errors: measured.readErrors),
        ]
        if targetFollowers > 0 {
            rows.append(row("feed publish target", measured.targetPublish, operations: measured.targetPushedTimelines,
                            operationName: "timeline inserts", errors: 0,
                            extra: ["targetFollowers": "\(targetFollowers)", "targetRate": "\(targetRate)/s"]))
        }
        if largeProducers > 0 {
            rows.append(row("feed timeline merged", measured.mergedTimeline, operationName: "pages", errors: 0,
                            extra: ["mergedReaders": "\(population.mergedReaders.count)"]))
        }
        return rows
    }

    /// What the progress line shows while the population is built.
    private final class PrepareState: Sendable {
        let phase = Mutex("")
        let done = Atomic<Int>(0)
    }

    /// The follow graph, the switch of the large producers to pull, and the prefill.
    private func prepare(_ population: FeedPopulation, feed: KeelFeed, progress: ProgressLine) async throws {
        let clock = ContinuousClock()
        let state = PrepareState()
        state.phase.withLock { $0 = "feed: follow graph, \(population.edges) follows" }
        progress.start { state.phase.withLock { $0 } }
        defer { progress.finish() }
        let started = clock.now
        let groups = population.followGroups
        let tasks = max(1, concurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    for index in stride(from: task, to: groups.count, by: tasks) {
                        try await feed.followMany(groups[index], backfill: 0)
                    }
                }
            }
            try await group.waitForAll()
        }
        // Probes follow strictly later, so each is its producer's last follower.
        try await Task.sleep(for: .milliseconds(2))
        try await feed.followMany(population.probeFollows, backfill: 0)
        let graphSeconds = LatencyHistogram.seconds(clock.now - started)

        for large in 0..<largeProducers {
            let result = try await feed.publish(Activity(
                actor: FeedPopulation.large(large), verb: "post", object: "item:first", time: KeelFeed.wallClock(), foreignID: "first-\(large)"
            ))
            guard result.delivery == .pulled else {
                throw ValidationError("large producer \(large) was not pulled (\(result.delivery)); check --pull-threshold")
            }
        }

        let prefill = self.prefill
        state.phase.withLock { $0 = "feed: prefill, 0 of \(prefill) publishes" }
        let seed = self.seed
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var random = SplitMix64(seed: seed &+ 0xF111 &+ UInt64(task))
                    for index in stride(from: task, to: prefill, by: tasks) {
                        let producer = population.producer(population.posters.next(using: &random))
                        try await feed.publish(Activity(
                            actor: producer, verb: "post", object: "item:prefill:\(index)", time: KeelFeed.wallClock(),
                            foreignID: "prefill-\(index)"
                        ))
                        let count = state.done.wrappingAdd(1, ordering: .relaxed).newValue
                        state.phase.withLock { $0 = "feed: prefill, \(count) of \(prefill) publishes" }
                    }
                }
            }
            try await group.waitForAll()
        }
        if json == nil {
            let prefillSeconds = LatencyHistogram.seconds(clock.now - started) - graphSeconds
            let text = "feed: \(population.edges) follows in \(String(format: "%.1f", graphSeconds)) s, "
                + "\(prefill) prefill publishes in \(String(format: "%.1f", prefillSeconds)) s\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }
}
