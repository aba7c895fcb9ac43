import ArgumentParser
import KeelRaftSimulator

/// Runs many seeded simulations of a KeelRaft cluster under faults and reports each failure
/// with the command that replays it.
@main
struct KeelSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keel-sim",
        abstract: "Deterministic fault-injecting simulation of the KeelRaft core."
    )

    @Option(help: "Number of seeds to run.")
    var seeds: Int = 100

    @Option(help: "First seed; seeds run from here upwards.")
    var startSeed: UInt64 = 1

    @Option(help: "Ticks of the fault phase of each run.")
    var ticks: Int = 2000

    @Option(help: "Ticks the heal phase may take to recover.")
    var healTicks: Int = 600

    @Option(help: "Initial voters: 3 or 5; repeat the option to alternate sizes across seeds.")
    var nodes: [Int] = [3]

    @Flag(help: "Run without faults.")
    var noFaults = false

    @Flag(help: "Print statistics and the trace hash of every seed.")
    var verbose = false

    @Flag(help: "Print the event log of each run (use with one seed).")
    var events = false

    @Option(help: "Seeds simulated concurrently (default: one per core).")
    var jobs: Int?

    func validate() throws {
        guard seeds > 0 else { throw ValidationError("--seeds must be positive") }
        guard nodes.allSatisfy({ $0 == 3 || $0 == 5 }) else { throw ValidationError("--nodes must be 3 or 5") }
        guard ticks > 0, healTicks > 0 else { throw ValidationError("--ticks and --heal-ticks must be positive") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be positive") }
    }

    func run() async throws {
        let width = jobs ?? ProcessorCount.online
        let recordEvents = events
        let sizes = nodes.isEmpty ? [3] : nodes
        // The size follows from the seed, so a seed replays alone with the same options.
        let options = (startSeed..<startSeed + UInt64(seeds)).map {
            SimulationOptions(seed: $0, nodeCount: sizes[Int($0 % UInt64(sizes.count))],
                              faultTicks: ticks, healTicks: healTicks, faults: !noFaults)
        }
        var results: [SimulationResult] = []
        let slotCount = min(width, options.count)
        CrashReporter.install(slots: slotCount)
        await withTaskGroup(of: (slot: Int, result: SimulationResult).self) { group in
            var next = 0
            func start(_ slot: Int) {
                let runOptions = options[next]
                next += 1
                CrashReporter.setSlot(slot, seed: runOptions.seed)
                group.addTask { (slot, Self.simulate(runOptions, recordEvents: recordEvents)) }
            }
            for slot in 0..<slotCount { start(slot) }
            while let (slot, result) = await group.next() {
                results.append(result)
                CrashReporter.setSlot(slot, seed: nil)
                if next < options.count { start(slot) }
            }
        }
        results.sort { $0.seed < $1.seed }
        var failed = 0
        for result in results {
            if verbose {
                print("seed \(result.seed) \(result.passed ? "ok" : "FAILED") trace \(hex(result.traceHash)) \(result.statistics)")
            }
            guard let violation = result.violation else { continue }
            failed += 1
            print("seed \(result.seed) FAILED: \(violation)")
            let size = sizes[Int(result.seed % UInt64(sizes.count))]
            print("  replay: keel-sim --seeds 1 --start-seed \(result.seed) --ticks \(ticks) --heal-ticks \(healTicks) "
                  + "--nodes \(size)\(noFaults ? " --no-faults" : "") --events")
        }
        print("\(results.count - failed) passed, \(failed) failed")
        if failed > 0 { throw ExitCode.failure }
    }

    static func simulate(_ options: SimulationOptions, recordEvents: Bool) -> SimulationResult {
        var simulation = Simulation(options: options)
        simulation.eventLog.isEnabled = recordEvents
        let result = simulation.run()
        if recordEvents { print(simulation.eventLog.lines.joined(separator: "\n")) }
        return result
    }

    func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
