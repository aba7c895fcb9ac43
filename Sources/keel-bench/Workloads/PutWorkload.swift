import ArgumentParser
import KeelClient

/// Puts of `--value-size` bytes under keys drawn from `--keys`.
struct PutWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(commandName: "put", abstract: "Puts of --value-size bytes.")

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        let chooser = load.chooser()
        let value = [UInt8](repeating: UInt8(ascii: "v"), count: load.valueSize)
        return try await LoadRunner(options: load, clients: clients, metricsAddresses: target.metricsAddresses).report(
            workload: "put", settings: ["keySize": "\(load.keySize)", "valueSize": "\(load.valueSize)"]
        ) { client, context in
            try await client.put(load.key(context.next(chooser)), value: value)
            return 1
        }
    }
}
