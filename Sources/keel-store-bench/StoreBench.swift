import ArgumentParser

/// `keel-store-bench`: measures KeelStore's apply path in-process, without Raft or the network.
///
/// Every figure counts only the time spent inside `KeelStore.apply`; building and encoding the
/// commands happens outside the clock. Run it under `valgrind --tool=callgrind
/// --toggle-collect='*measuredApply*'` to count the instructions of the measured phase alone.
@main
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-store-bench",
        abstract: "Micro-benchmarks of KeelStore's apply path.",
        subcommands: [FanoutBenchmark.self, PutBenchmark.self]
    )
}
