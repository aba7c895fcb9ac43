import ArgumentParser

/// Feed load against a Keel cluster through KeelFeed: publish latency to many followers and
/// timeline page latency with pulled producers merged in. Prints figures, never asserts;
/// docs/benchmarks.md records them.
@main
struct KeelFeedBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-feed-bench",
        abstract: "Feed load against a Keel cluster (a local 3-node cluster unless --endpoints is given).",
        subcommands: [PublishBenchmark.self, TimelineBenchmark.self]
    )
}
