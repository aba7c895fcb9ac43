import ArgumentParser

/// Options every workload shares.
struct BenchmarkOptions: ParsableArguments {
    @Option(help: "Commands per apply call (one group of committed entries).")
    var group = 10

    @Option(help: "Clients whose commands carry a session (client id and sequence); 0 sends none.")
    var clients = 64

    @Flag(help: "fsync RocksDB's write-ahead log on every apply call.")
    var sync = false

    @Option(help: "Directory for the temporary database (default: the system's temporary directory).")
    var directory: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws {
        guard group >= 1 else { throw ValidationError("--group must be at least 1") }
        guard clients >= 0 else { throw ValidationError("--clients must not be negative") }
    }
}
