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
        // Readers are the large producers' only followers here: a threshold below their count
        // makes those producers pulled, as 10,000+ followers would.
        configuration.pullThreshold = self.readers - 1
        let feed = try KeelFeed(client: client, configuration: configuration)
        let producers = (0..<self.pulled).map { "large-\($0)" } + (0..<self.pushed).map { "small-\($0)" }
        try await feed.followMany(
            (0..<self.readers).flatMap { reader in producers.map { FollowRequest(follower: "reader-\(reader)", followee: $0) } }
        )
        let base = KeelFeed.wallClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, producer) in producers.enumerated() {
                group.addTask {
                    for number in 0..<self.activities {
                        let time = base - Int64((number * producers.count + index) * 1_000)
                        try await feed.publish(Activity(actor: producer, verb: "post", object: "item:\(number)", time: time))
                    }
                }
            }
            try await group.waitForAll()
        }
        let load = MixedLoad(feed: feed, users: self.socialUsers, concurrency: self.background)
        if self.background > 0 {
            try await load.prepare()
        }
        let loadTask = Task { self.background > 0 ? await load.run() : 0 }
        for consistency in [ReadConsistency.linearizable, .lease] {
            var readConfiguration = configuration
            readConfiguration.readConsistency = consistency
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
            print("timeline \(consistency), \(self.pageSize) per page, \(self.pulled) pulled + \(self.pushed) pushed producers:")
            print("  all pages:   \(Percentiles(first + later).summary)")
            print("  first pages: \(Percentiles(first).summary)")
            print("  next pages:  \(Percentiles(later).summary)")
        }
        loadTask.cancel()
        _ = await loadTask.value
        await client.shutdown()
    }
}
