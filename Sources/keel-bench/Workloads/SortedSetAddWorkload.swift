import ArgumentParser
import Foundation
import KeelClient

/// One member per request into one of `--keys` sets, like `redis-benchmark -t zadd -r N`
/// (one set, random member and score) with `--keys 1 --member-space N --random-score`.
struct SortedSetAddWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(
        commandName: "zadd", abstract: "Adds of one member to a sorted set drawn from --keys sets."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    @Option(help: "Members are drawn from this many names (0: every member new, named by task and sequence).")
    var memberSpace = 0

    @Flag(help: "Random scores instead of the current time in milliseconds.")
    var randomScore = false

    @Option(help: "Trim each set to this many members (the highest scores).")
    var maxLength: UInt64?

    func validate() throws {
        guard memberSpace >= 0, (maxLength ?? 1) >= 1 else { throw ValidationError("--member-space >= 0, --max-length >= 1") }
    }

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        let chooser = load.chooser()
        let memberSpace = self.memberSpace
        let randomScore = self.randomScore
        let maxLength = self.maxLength
        var settings = ["sets": "\(load.keys)", "memberSpace": memberSpace == 0 ? "unique" : "\(memberSpace)"]
        if let maxLength { settings["maxLength"] = "\(maxLength)" }
        return try await LoadRunner(options: load, clients: clients, metricsAddresses: target.metricsAddresses).report(workload: "zadd", settings: settings) { client, context in
            let set = load.key(context.next(chooser), prefix: "zset:")
            let member = memberSpace == 0
                ? Array("m:\(context.worker):\(context.sequence)".utf8) : Array("element:\(context.uniform(memberSpace))".utf8)
            let score = randomScore ? Double(context.uniform(1 << 30)) : (Date().timeIntervalSince1970 * 1000).rounded()
            try await client.zadd(set, member: member, score: score, maxLength: maxLength)
            return 1
        }
    }
}
