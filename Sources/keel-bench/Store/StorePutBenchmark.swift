import ArgumentParser
import KeelStore

/// Key-value puts over a uniform key space.
struct StorePutBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "put of --value-size byte values under keys drawn uniformly from --keys keys."
    )

    @OptionGroup var options: StoreBenchmarkOptions

    @Option(help: "Distinct keys.")
    var keys = 100_000

    @Option(help: "Bytes per value.")
    var valueSize = 100

    @Option(help: "Commands measured.")
    var commands = 200_000

    @Option(help: "Seed of the key generator.")
    var seed: UInt64 = 1

    func validate() throws {
        guard keys >= 1, commands >= 0, valueSize >= 0 else { throw ValidationError("need --keys >= 1, --commands >= 0, --value-size >= 0") }
    }

    func run() throws {
        let bench = try BenchmarkStore(options: options)
        defer { bench.close() }
        var generator = SplitMix64(seed: seed)
        let value = [UInt8](repeating: 0x61, count: valueSize)
        var groups: [[CommittedEntry]] = []
        var done = 0
        while done < commands {
            let size = min(options.group, commands - done)
            let puts = (0..<size).map { _ in
                Command.put(key: Array("key:\(String(generator.next() % UInt64(keys)).leftPadded(12))".utf8), value: value)
            }
            groups.append(bench.entries(puts))
            done += size
        }
        let elapsed = try bench.measuredApply(groups)
        let settings: [String: Any] = [
            "workload": "put", "keys": keys, "valueSize": valueSize, "group": options.group,
            "clients": options.clients, "sync": options.sync,
        ]
        PhaseReport.print([PhaseReport(name: "put", operations: commands, commands: commands, elapsed: elapsed)], settings: settings, json: options.json)
    }
}
