import ArgumentParser
import KeelClient

/// Counter increments of keys drawn from `--keys`.
struct IncrementWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(commandName: "incr", abstract: "Increments of counters.")

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        let chooser = load.chooser()
        return try await LoadRunner(options: load, clients: clients, metricsAddresses: target.metricsAddresses).report(workload: "incr", settings: [:]) { client, context in
            try await client.increment(load.key(context.next(chooser), prefix: "n"))
            return 1
        }
    }
}
