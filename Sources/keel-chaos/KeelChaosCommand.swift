import ArgumentParser
import Foundation
import KeelChaos
import KeelTestKit

/// `keel-chaos`: a fault-injection run against real keel-server processes with a
/// linearizability check of the recorded history (docs/testing.md, "The chaos run").
@main
struct KeelChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-chaos",
        abstract: "Run keel-server nodes under faults with concurrent clients and check the history for linearizability.",
        discussion: """
            Exit status: 0 passed, 1 a violation was found (the history file is kept, and the \
            nodes' data and logs), 2 the checker could not decide, 3 the run could not be carried out.
            """
    )

    @Option(help: "Seconds of workload and faults.")
    var duration: Int = 60

    @Option(help: "Random seed of the fault schedule and the clients' operations (default: random, printed).")
    var seed: UInt64?

    @Option(help: "Concurrent clients, each with its own KeelClient.")
    var clients: Int = 5

    @Option(help: "Initial cluster size: 3 or 5.")
    var nodes: Int = 3

    @Option(help: "Fault mix, comma separated: kill,pause,partition,transfer,membership; 'none' for no faults.")
    var faults: String = FaultKind.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "History file to write (JSON lines).")
    var history: String = ".chaos/history.jsonl"

    @Option(help: "Keys the clients contend on (registers, counters and sorted sets in turn).")
    var keys: Int = 6

    @Option(help: "Per-operation client deadline in milliseconds, retries included.")
    var timeoutMs: Int = 2_000

    @Option(help: "Each client waits up to this many milliseconds before each operation.")
    var thinkMs: Int = 10

    @Option(help: "The keel-server executable (default: next to keel-chaos, or $KEEL_SERVER_BINARY).")
    var server: String?

    @Flag(help: "Start the nodes with --async-log-writes (the log writer thread).")
    var asyncLogWrites = false

    func validate() throws {
        guard nodes == 3 || nodes == 5 else { throw ValidationError("--nodes must be 3 or 5") }
        guard duration > 0, clients > 0, keys > 0, timeoutMs > 0, thinkMs >= 0 else {
            throw ValidationError("--duration, --clients, --keys and --timeout-ms must be positive, --think-ms not negative")
        }
        _ = try faultKinds()
    }

    private func faultKinds() throws -> Set<FaultKind> {
        if faults == "none" || faults.isEmpty { return [] }
        var kinds: Set<FaultKind> = []
        for name in faults.split(separator: ",") {
            guard let kind = FaultKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown fault \"\(name)\"; choose from \(FaultKind.allCases.map(\.rawValue).joined(separator: ","))")
            }
            kinds.insert(kind)
        }
        return kinds
    }

    func run() async throws {
        if let server { setenv("KEEL_SERVER_BINARY", server, 1) }
        let seed = self.seed ?? UInt64.random(in: 1...UInt64(UInt32.max))
        var configuration = ChaosConfiguration(
            duration: .seconds(duration), seed: seed, clients: clients, nodes: nodes, faults: try faultKinds(), keys: keys,
            historyPath: URL(fileURLWithPath: history).path
        )
        configuration.operationTimeout = .milliseconds(timeoutMs)
        configuration.thinkTime = .milliseconds(thinkMs)
        if asyncLogWrites { configuration.serverArguments.append("--async-log-writes") }
        print("keel-chaos --seed \(seed) --duration \(duration) --clients \(clients) --nodes \(nodes) --faults \(faults) --keys \(keys) --history \(configuration.historyPath)\(asyncLogWrites ? " --async-log-writes" : "")")
        // Ctrl-C and SIGTERM: kill the nodes before leaving (exit handlers do not run on signals).
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                ProcessRegistry.killAll()
                Foundation.exit(130)
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let summary: ChaosSummary
        do {
            summary = try await ChaosRun(configuration: configuration).run()
        } catch {
            print("keel-chaos: the run could not be carried out: \(error)")
            throw ExitCode(3)
        }
        print(summary)
        if summary.exitStatus != 0 { throw ExitCode(summary.exitStatus) }
    }
}
