import ArgumentParser

/// `keel-bench store`: KeelStore's apply path and queries in process, without Raft or the
/// network.
///
/// Every figure counts only the time spent inside `KeelStore.apply` (or the query); building and
/// encoding the commands happens outside the clock. Run it under `valgrind --tool=callgrind
/// --toggle-collect='*measuredApply*'` to count the instructions of the measured phase alone.
struct StoreBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Micro-benchmarks of KeelStore's apply path and range query, in process.",
        subcommands: [StoreFanoutBenchmark.self, StorePutBenchmark.self, StoreRangeBenchmark.self]
    )
}
