import ArgumentParser
import KeelClient
import KeelFeed

/// How `keelctl feed ...` sees the feed system: the namespace and the settings that decide
/// what a write does. They must match the service that owns the feeds.
struct FeedOptions: ParsableArguments {
    @Option(help: "Key namespace of the feed system (KeelFeed's FeedConfiguration.namespace).")
    var namespace = "feed"

    @Option(
        name: .customLong("pull-threshold"),
        help: "Producers with more followers than this are merged at read time instead of fanned out."
    )
    var pullThreshold = FeedConfiguration().pullThreshold

    @Option(help: "linearizable (default), lease or stale reads of feed pages.")
    var consistency: KeyValueCommand.Consistency = .linearizable

    func validate() throws {
        guard !namespace.isEmpty else { throw ValidationError("--namespace must not be empty") }
        guard pullThreshold >= 0 else { throw ValidationError("--pull-threshold must not be negative") }
    }

    /// A feed system over the command's client.
    func feed(on cluster: ClusterConnection) throws -> KeelFeed {
        var configuration = FeedConfiguration()
        configuration.namespace = namespace
        configuration.pullThreshold = pullThreshold
        configuration.readConsistency = consistency.value
        // One command reads a page once: caching activities in this process buys nothing.
        configuration.activityCacheCapacity = 0
        return try KeelFeed(client: cluster.client, configuration: configuration)
    }
}
