import ArgumentParser
import RocksDB

/// Options every `keel-bench store` workload shares.
struct StoreBenchmarkOptions: ParsableArguments {
    @Option(help: "Commands per apply call (one group of committed entries).")
    var group = 10

    @Option(help: "Clients whose commands carry a session (client id and sequence); 0 sends none.")
    var clients = 64

    @Flag(help: "fsync RocksDB's write-ahead log on every apply call.")
    var sync = false

    @Option(help: "Directory for the temporary database (default: the system's temporary directory).")
    var directory: String?

    @Option(help: "Memtable Bloom filter size as a fraction of the write buffer (0 builds none; default: the wrapper's default).")
    var memtableBloomRatio: Double?

    @Option(help: "Memtable size in MiB (default: the wrapper's default; keel-server uses 16).")
    var writeBufferMegabytes: Int?

    @Flag(help: "Print RocksDB figures of the data column family too.")
    var verbose = false

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    /// The database options the run uses: the wrapper's defaults, changed only where asked.
    var databaseOptions: Database.Options {
        var options = Database.Options()
        if let memtableBloomRatio {
            options.memtableBloomSizeRatio = memtableBloomRatio
        }
        if let writeBufferMegabytes {
            options.writeBufferSize = writeBufferMegabytes << 20
        }
        return options
    }

    func validate() throws {
        guard group >= 1 else { throw ValidationError("--group must be at least 1") }
        guard clients >= 0 else { throw ValidationError("--clients must not be negative") }
    }
}
