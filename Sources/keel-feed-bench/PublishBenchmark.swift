import ArgumentParser
import KeelClient
import KeelFeed

/// Publish latency: one producer with N followers publishes one activity at a time; each
/// publish returns once the activity is stored, in the user feed and in every timeline.
struct PublishBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Publish latency to a producer's followers (fanout on write)."
    )

    @OptionGroup var target: BenchTarget

    @Option(help: "Followers of the publishing producer.")
    var followers: Int = 1_000

    @Option(help: "Publishes measured (after 20 unmeasured).")
    var publishes: Int = 500

    @Option(help: "Background tasks of mixed social-model load (0 for none).")
    var background: Int = 0

    @Option(help: "Users of the background load.")
    var socialUsers: Int = 1_000

    func run() async throws {
        let (client, cluster) = try self.target.connect()
        defer { cluster?.shutdown() }
        var configuration = FeedConfiguration()
        configuration.namespace = self.target.feedNamespace
        let feed = try KeelFeed(client: client, configuration: configuration)
        try await feed.followMany((0..<self.followers).map { FollowRequest(follower: "fan-\($0)", followee: "producer") })
        let load = MixedLoad(feed: feed, users: self.socialUsers, concurrency: self.background)
        if self.background > 0 {
            try await load.prepare()
        }
        let loadTask = Task { self.background > 0 ? await load.run() : 0 }
        let clock = ContinuousClock()
        var durations: [Duration] = []
        let started = clock.now
        for index in 0..<(self.publishes + 20) {
            let activity = Activity(actor: "producer", verb: "post", object: "photo:\(index)", time: KeelFeed.wallClock())
            let begin = clock.now
            let result = try await feed.publish(activity)
            if index >= 20 {
                durations.append(clock.now - begin)
            }
            guard result.delivery == .pushed(followers: self.followers) else {
                throw ValidationError("expected a push to \(self.followers) followers, got \(result.delivery)")
            }
        }
        let elapsed = clock.now - started
        loadTask.cancel()
        let backgroundOperations = await loadTask.value
        print("publish to \(self.followers) followers: \(Percentiles(durations).summary)")
        if self.background > 0 {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("background: \(self.background) tasks, \(Int(Double(backgroundOperations) / seconds)) operations/s (90% timeline reads)")
        }
        await client.shutdown()
    }
}
