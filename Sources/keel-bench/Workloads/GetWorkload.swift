import ArgumentParser
import KeelClient

/// Gets of keys written beforehand, at one consistency level.
struct GetWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Gets of --keys keys written first (--value-size bytes each)."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    @Option(help: "linearizable (leader, ReadIndex), lease (leader, no round) or stale (any node).")
    var consistency: ReadConsistencyArgument = .linearizable

    @Flag(inversion: .prefixedNo, help: "Write the keys before measuring.")
    var preload = true

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        if preload { try await Preload.keys(load.keys, options: load, client: clients[0]) }
        let load = self.load
        let chooser = load.chooser()
        let consistency = self.consistency.value
        return try await LoadRunner(options: load, clients: clients, metricsAddresses: target.metricsAddresses).report(
            workload: "get", settings: ["consistency": "\(self.consistency.rawValue)", "valueSize": "\(load.valueSize)"]
        ) { client, context in
            _ = try await client.get(load.key(context.next(chooser)), consistency: consistency)
            return 1
        }
    }
}

/// `--consistency` on the command line.
enum ReadConsistencyArgument: String, ExpressibleByArgument, CaseIterable, Sendable {
    case linearizable, lease, stale

    var value: ReadConsistency {
        switch self {
        case .linearizable: .linearizable
        case .lease: .lease
        case .stale: .stale
        }
    }
}
