import ArgumentParser
import KeelClient

/// Fan-in on read: one page merged across `--merge-width` of `--keys` sets filled beforehand.
struct MergedRangeWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(
        commandName: "merged-range", abstract: "Pages merged across --merge-width sets of --set-size members."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    @Option(help: "Sets merged by each read.")
    var mergeWidth = 10

    @Option(help: "Members in each set.")
    var setSize = 1_000

    @Option(help: "Members per page.")
    var page: UInt32 = 30

    @Option(help: "beginning or cursor (see range).")
    var start: PageStart = .beginning

    @Option(help: "linearizable, lease or stale.")
    var consistency: ReadConsistencyArgument = .linearizable

    @Flag(inversion: .prefixedNo, help: "Fill the sets before measuring.")
    var preload = true

    func validate() throws {
        guard mergeWidth >= 1, mergeWidth <= load.keys, setSize >= 1, page >= 1 else {
            throw ValidationError("need 1 <= --merge-width <= --keys, and positive --set-size and --page")
        }
    }

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        let sets = (0..<load.keys).map { load.key($0, prefix: "merge:") }
        if preload { try await Preload.sortedSets(sets, size: setSize, client: clients[0]) }
        let chooser = load.chooser()
        let (page, setSize, start, mergeWidth) = (self.page, self.setSize, self.start, self.mergeWidth)
        let consistency = self.consistency.value
        let settings = [
            "sets": "\(load.keys)", "mergeWidth": "\(mergeWidth)", "setSize": "\(setSize)", "page": "\(page)",
            "start": start.rawValue, "consistency": self.consistency.rawValue,
        ]
        return try await LoadRunner(options: load, clients: clients, metricsAddresses: target.metricsAddresses).report(workload: "merged-range", settings: settings) { client, context in
            var chosen = Set<Int>()
            while chosen.count < mergeWidth { chosen.insert(context.next(chooser)) }
            let from = start.draw(setSize: setSize, context: &context)
            _ = try await client.zmerged(chosen.map { sets[$0] }, from: from, limit: page, consistency: consistency)
            return 1
        }
    }
}
