import ArgumentParser
import Foundation

/// The load shape every cluster workload shares.
struct LoadOptions: ParsableArguments {
    @Option(help: "Client objects (each a KeelClient with its own connections); requests are spread over them.")
    var connections = 1

    @Option(help: "Requests in flight at once (each a task that sends its next request when the last is answered).")
    var concurrency = 64

    @Option(help: "Measured requests in all (default: run for --duration).")
    var requests: Int?

    @Option(help: "Seconds of measured load when --requests is not given.")
    var duration: Double = 10

    @Option(help: "Seconds of unmeasured load first (connections opened, caches warm).")
    var warmup: Double = 1

    @Option(help: "Distinct keys (or sets) the workload draws from.")
    var keys = 100_000

    @Option(help: "Bytes per key.")
    var keySize = 16

    @Option(help: "Bytes per value.")
    var valueSize = 100

    @Option(help: "How keys are drawn: uniform or zipfian.")
    var distribution: KeyDistribution = .uniform

    @Option(help: "Skew of the zipfian distribution.")
    var zipfTheta = 0.99

    @Option(help: "Seed of the per-worker generators.")
    var seed: UInt64 = 1

    @Option(help: "Seconds a request may take, retries included, before it counts as an error.")
    var timeout: Double = 10

    @Option(help: "Also write the result as JSON to this file ('-' prints JSON instead of the table).")
    var json: String?

    func validate() throws {
        guard connections >= 1, concurrency >= 1 else { throw ValidationError("--connections and --concurrency must be positive") }
        guard (requests ?? 1) >= 1, duration > 0, warmup >= 0 else { throw ValidationError("--requests and --duration must be positive") }
        guard keys >= 1, keySize >= 1, valueSize >= 0 else { throw ValidationError("--keys and --key-size must be positive") }
        guard zipfTheta > 0, zipfTheta < 1 else { throw ValidationError("--zipf-theta must lie between 0 and 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    /// The key chooser over `count` keys (default `--keys`).
    func chooser(count: Int? = nil) -> KeyChooser {
        KeyChooser(count: count ?? keys, distribution: distribution, theta: zipfTheta)
    }

    /// Key `index` as `--key-size` bytes: a prefix and the zero-padded index, cut or padded.
    func key(_ index: Int, prefix: String = "k") -> [UInt8] {
        Self.key(index, prefix: prefix, size: keySize)
    }

    static func key(_ index: Int, prefix: String, size: Int) -> [UInt8] {
        let digits = String(index)
        let padding = max(0, size - prefix.utf8.count - digits.utf8.count)
        var bytes = Array(prefix.utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: padding) + Array(digits.utf8)
        // The index must stay distinct: never cut the digits, only the prefix.
        if bytes.count > size { bytes = Array(bytes.suffix(max(size, digits.utf8.count))) }
        return bytes
    }

    /// Common settings of a report.
    var settings: [String: String] {
        var settings = [
            "connections": "\(connections)", "concurrency": "\(concurrency)", "keys": "\(keys)",
            "distribution": distribution == .zipfian ? "zipfian(\(zipfTheta))" : "uniform",
        ]
        if let requests { settings["requests"] = "\(requests)" } else { settings["duration"] = "\(duration)s" }
        return settings
    }

    /// Prints the report as a table (or JSON with `--json -`) and writes `--json FILE`.
    func emit(_ report: WorkloadReport) throws {
        if json == "-" {
            print(report.jsonText)
            return
        }
        print(report.table)
        if let json {
            try Data((report.jsonText + "\n").utf8).write(to: URL(fileURLWithPath: json))
        }
    }
}
