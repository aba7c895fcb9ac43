import ArgumentParser
import KeelClient

/// Time from kill -9 of the leader to the next acknowledged write, over `--trials` (see
/// ``FailoverTrials``). Needs `--local`: this program must own the processes it kills.
struct FailoverWorkload: ClusterWorkload {
    static let configuration = CommandConfiguration(
        commandName: "failover", abstract: "Time from kill -9 of the leader to the next acknowledged write (needs --local)."
    )

    @OptionGroup var cluster: ClusterOptions
    @OptionGroup var load: LoadOptions

    @Option(help: "Leader kills.")
    var trials = 5

    @Option(help: "Seconds of steady writing before each kill.")
    var settle: Double = 2

    func validate() throws {
        guard trials >= 1, settle >= 0 else { throw ValidationError("--trials must be positive") }
    }

    func measure(on target: BenchTarget) async throws -> WorkloadReport {
        guard let local = target.local else { throw ValidationError("failover kills processes: run it with --local") }
        let clients = try target.makeClients(load.connections, concurrency: load.concurrency, timeout: load.timeout)
        let load = self.load
        let value = [UInt8](repeating: UInt8(ascii: "f"), count: load.valueSize)
        let loadBefore = MachineDescription.loadAverage()
        let trials = FailoverTrials(
            trials: trials, settle: settle, writers: load.concurrency,
            leader: { Int(try await local.leader()) },
            kill: { try await local.kill(UInt64($0)) },
            restart: { try await local.restart(UInt64($0)) },
            waitUntilCaughtUp: { try await local.waitUntilCaughtUp() },
            write: { number in
                (try? await clients[number % clients.count].put(load.key(number % 10_000, prefix: "failover:"), value: value)) != nil
            }
        )
        let times = try await trials.run(label: "failover", progress: ProgressLine(enabled: load.json == nil))
        return FailoverTrials.report(
            workload: "failover", times: times, settings: ["trials": "\(self.trials)", "writers": "\(load.concurrency)"],
            loadBefore: loadBefore
        )
    }
}
