import ArgumentParser
import KeelClient

/// Compare-and-set chains: each in-flight slot owns its own keys and replaces the value it last
/// wrote with the next one, so every request is expected to succeed.
struct CompareAndSetWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(
        commandName: "cas", abstract: "Compare-and-set of keys each task owns, expecting the value it wrote last."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        // Task w owns keys w, w + concurrency, w + 2 * concurrency, ...
        let perWorker = max(1, load.keys / load.concurrency)
        let chooser = load.chooser(count: perWorker)
        let valueSize = max(8, load.valueSize)
        let owned = OwnedValues()
        return try await LoadRunner(options: load, clients: clients, metricsAddresses: target.metricsAddresses).report(
            workload: "cas", settings: ["valueSize": "\(valueSize)", "keysPerTask": "\(perWorker)"]
        ) { client, context in
            let slot = context.next(chooser)
            let key = load.key(context.worker + slot * load.concurrency, prefix: "cas")
            let previous = owned.value(worker: context.worker, slot: slot)
            let next = OwnedValues.encode(context.sequence, size: valueSize)
            do {
                try await client.compareAndSet(
                    key, expected: previous.map { .value($0) } ?? .absent, replacement: .value(next)
                )
            } catch KeelError.conditionFailed {
                // Another run left a value there: learn it and count the miss as an error.
                let current = try await client.get(key)
                owned.set(current, worker: context.worker, slot: slot)
                throw KeelError.conditionFailed(message: "stale expectation for \(key)")
            }
            owned.set(next, worker: context.worker, slot: slot)
            return 1
        }
    }
}
