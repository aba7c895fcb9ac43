import ArgumentParser
import Foundation
import KeelClient

/// Add-to-many: one new member into `--sets-per-command` of `--keys` timelines per request
/// (one log entry each), every timeline trimmed to `--max-length`. Counts set inserts.
struct FanoutWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(
        commandName: "fanout", abstract: "add-to-many of one member into --sets-per-command timelines; counts set inserts."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    @Option(help: "Sets named by each add-to-many.")
    var setsPerCommand = 100

    @Option(help: "Each set is trimmed to this many members.")
    var maxLength: UInt64 = 3_600

    @Flag(help: "Entry-keyed timelines (add-entry-to-many, no member index) instead of member-keyed ones (add-to-many).")
    var entryKeyed = false

    func validate() throws {
        guard setsPerCommand >= 1, setsPerCommand <= load.keys, maxLength >= 1 else {
            throw ValidationError("need 1 <= --sets-per-command <= --keys and --max-length >= 1")
        }
    }

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        let chooser = load.chooser()
        let setsPerCommand = self.setsPerCommand
        let maxLength = self.maxLength
        let entryKeyed = self.entryKeyed
        var settings = ["sets": "\(load.keys)", "setsPerCommand": "\(setsPerCommand)", "maxLength": "\(maxLength)"]
        if entryKeyed { settings["setKind"] = "entry-keyed" }
        return try await LoadRunner(options: load, clients: clients, metricsAddresses: target.metricsAddresses).report(
            workload: "fanout", settings: settings, operationName: "set inserts"
        ) { client, context in
            // Distinct sets: draw until enough (cheap while setsPerCommand is well below --keys).
            var chosen = Set<Int>()
            while chosen.count < setsPerCommand { chosen.insert(context.next(chooser)) }
            // Entry-keyed timelines get their own keys: a set keeps the kind it was made with.
            let sets = chosen.map { load.key($0, prefix: entryKeyed ? "entry-timeline:" : "timeline:") }
            let member = Array("post:\(context.worker):\(context.sequence)".utf8)
            let score = (Date().timeIntervalSince1970 * 1000).rounded()
            let changes = entryKeyed
                ? try await client.zaddEntryToMany(sets, member: member, score: score, maxLength: maxLength)
                : try await client.zaddToMany(sets, member: member, score: score, maxLength: maxLength)
            return Int(changes.added)
        }
    }
}
