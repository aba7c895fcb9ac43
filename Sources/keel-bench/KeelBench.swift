import ArgumentParser

/// Keel's benchmark program. Workloads are subcommands; they print figures, never assert.
@main
struct KeelBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-bench",
        abstract: "Keel benchmarks.",
        subcommands: [RaftBenchmark.self]
    )
}
