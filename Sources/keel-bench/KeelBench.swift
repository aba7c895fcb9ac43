import ArgumentParser

/// Keel's benchmark program. Workloads are subcommands; they print figures, never assert.
@main
struct KeelBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-bench",
        abstract: "Keel benchmarks: load against a cluster, in-process micro-benchmarks, the standard suite and the comparison with etcd and Redis.",
        subcommands: [
            PutWorkload.self, GetWorkload.self, CompareAndSetWorkload.self, IncrementWorkload.self,
            SortedSetAddWorkload.self, FanoutWorkload.self, RangeWorkload.self, MergedRangeWorkload.self, FeedWorkload.self,
            FailoverWorkload.self, FsyncProbe.self, RaftBenchmark.self, StoreBenchmark.self, SuiteCommand.self, CompareCommand.self,
        ]
    )
}
