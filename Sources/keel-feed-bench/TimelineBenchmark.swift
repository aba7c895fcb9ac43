import ArgumentParser
import KeelClient
import KeelFeed

/// Timeline page latency: readers follow pushed producers and large pulled ones, so every
/// page is a merged range over the timeline and the pulled producers' user feeds, then the
/// activities' gets.
struct TimelineBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "timeline",
        abstract: "Timeline page latency with pulled producers merged at read time."
    )

    @OptionGroup var target: BenchTarget

    @Option(help: "Large (pulled) producers every reader follows.")
    var pulled: Int = 5

    @Option(help: "Pushed producers every reader follows.")
    var pushed: Int = 20

    @Option(help: "Activities each producer publishes.")
    var activities: Int = 100

    @Option(help: "Readers.")
    var readers: Int = 200

    @Option(help: "Activities per page.")
    var pageSize: Int = 30

    @Option(help: "Pages measured per consistency.")
    var pages: Int = 2_000

    @Option(help: "Background tasks of mixed social-model load (0 for none).")
    var background: Int = 0

    @Option(help: "Users of the background load.")
    var socialUsers: Int = 1_000

    func run() async throws {
        let (client, cluster) = try self.target.connect()
        defer { cluster?.shutdown() }
        var configuration = FeedConfiguration()
        configuration.namespace = self.target.feedNamespace
        // Every reader follows every producer; one extra follower of each large producer puts
        // it above a threshold of `readers`, so it is pulled as one with 10,000+ followers
        // would be, while the others stay pushed.
        configuration.pullThreshold = self.readers
        let feed = try KeelFeed(client: client, configuration: configuration)
        let producers = (0..<self.pulled).map { "large-\($0)" } + (0..<self.pushed).map { "small-\($0)" }
        try await feed.followMany(
            (0..<self.readers).flatMap { reader in producers.map { FollowRequest(follower: "reader-\(reader)", followee: $0) } }
                + producers.prefix(self.pulled).map { FollowRequest(follower: "extra-fan", followee: $0) }
        )
        let base = KeelFeed.wallClock()
        let pulledPublishes = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, producer) in producers.enumerated() {
                group.addTask {
                    var pulled = 0
                    for number in 0..<self.activities {
                        let time = base - Int64((number * producers.count + index) * 1_000)
                        let result = try await feed.publish(Activity(actor: producer, verb: "post", object: "item:\(number)", time: time))
                        if result.delivery == .pulled { pulled += 1 }
                    }
                    return pulled
                }
            }
            return try await group.reduce(0, +)
        }
        guard pulledPublishes == self.pulled * self.activities else {
            throw ValidationError("\(pulledPublishes) publishes were pulled, expected \(self.pulled * self.activities)")
        }
        let load = MixedLoad(feed: feed, users: self.socialUsers, concurrency: self.background)
        if self.background > 0 {
            try await load.prepare()
        }
        let loadTask = Task { self.background > 0 ? await load.run() : 0 }
        for (consistency, cache) in [(ReadConsistency.linearizable, 0), (.linearizable, 10_000), (.lease, 0), (.lease, 10_000)] {
            var readConfiguration = configuration
            readConfiguration.readConsistency = consistency
            readConfiguration.activityCacheCapacity = cache
            let reader = try KeelFeed(client: client, configuration: readConfiguration)
            let clock = ContinuousClock()
            var first: [Duration] = []
            var later: [Duration] = []
            var cursor: FeedCursor? = nil
            var user = "reader-0"
            for index in 0..<(self.pages + 50) {
                if cursor == nil || index % 4 == 0 {
                    user = "reader-\(Int.random(in: 0..<self.readers))"
                    cursor = nil
                }
                let begin = clock.now
                let page = try await reader.timeline(user, limit: self.pageSize, before: cursor)
                let duration = clock.now - begin
                guard page.activities.count == self.pageSize else {
                    throw ValidationError("a page held \(page.activities.count) activities")
                }
                if index >= 50 {
                    if cursor == nil { first.append(duration) } else { later.append(duration) }
                }
                cursor = page.nextCursor
            }
            print("timeline \(consistency), activity cache \(cache), \(self.pageSize) per page, \(self.pulled) pulled + \(self.pushed) pushed producers:")
            print("  all pages:   \(Percentiles(first + later).summary)")
            print("  first pages: \(Percentiles(first).summary)")
            print("  next pages:  \(Percentiles(later).summary)")
        }
        try await self.breakdown(client: client, namespace: configuration.namespace, producers: producers)
        loadTask.cancel()
        _ = await loadTask.value
        await client.shutdown()
    }

    /// The parts of a page read timed alone (linearizable): the pulled-producer list, the
    /// merged range, the activity gets sent all at once, and the same keys in one multi-get.
    private func breakdown(client: KeelClient, namespace: String, producers: [String]) async throws {
        let clock = ContinuousClock()
        var pulls: [Duration] = []
        var merged: [Duration] = []
        var gets: [Duration] = []
        var multiGets: [Duration] = []
        for _ in 0..<500 {
            let reader = "reader-\(Int.random(in: 0..<self.readers))"
            var begin = clock.now
            let pulled = try await client.zrange(Array("\(namespace):pulls:\(reader)".utf8), limit: 999)
            pulls.append(clock.now - begin)
            let sets = [Array("\(namespace):timeline:\(reader)".utf8)]
                + pulled.members.map { Array("\(namespace):user:".utf8) + $0.member }
            begin = clock.now
            let page = try await client.zmerged(sets, limit: UInt32(self.pageSize + 1))
            merged.append(clock.now - begin)
            let keys = page.members.prefix(self.pageSize).map { member -> [UInt8] in
                // <time>:<n>:<actor><foreign id> -> activity:<time>:<foreign id>
                let text = String(decoding: member.member, as: UTF8.self)
                let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                let actorBytes = Int(parts[1])!
                let foreignID = String(decoding: Array(parts[2].utf8).dropFirst(actorBytes), as: UTF8.self)
                return Array("\(namespace):activity:\(parts[0]):\(foreignID)".utf8)
            }
            begin = clock.now
            let found = try await withThrowingTaskGroup(of: Bool.self) { group in
                for key in keys {
                    group.addTask { try await client.get(key) != nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            gets.append(clock.now - begin)
            guard found == self.pageSize else { throw ValidationError("resolved \(found) of \(self.pageSize)") }
            begin = clock.now
            let values = try await client.getMany(keys)
            multiGets.append(clock.now - begin)
            guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("a multi-get missed an activity") }
        }
        print("parts of a page, linearizable, one at a time:")
        print("  pulled producers (zrange): \(Percentiles(pulls).summary)")
        print("  merged range (zmerged of \(producers.count - self.pushed + 1) sets): \(Percentiles(merged).summary)")
        print("  \(self.pageSize) gets at once: \(Percentiles(gets).summary)")
        print("  one multi-get of \(self.pageSize) keys: \(Percentiles(multiGets).summary)")
    }
}
