import ArgumentParser

/// Load against a Keel cluster through KeelClient: sorted-set fanout throughput and page-read
/// latency. Prints figures, never asserts; docs/benchmarks.md records them.
@main
struct KeelZsetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-zset-bench",
        abstract: "Sorted-set load against a Keel cluster (a local 3-node cluster unless --endpoints is given).",
        subcommands: [FanoutBenchmark.self, PageReadBenchmark.self]
    )
}
