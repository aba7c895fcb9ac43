import ArgumentParser
import Foundation
import KeelClient
import Synchronization

/// Add-to-many throughput: concurrent writers, each sending fanouts of one member into
/// `--sets-per-command` sets, for `--seconds`.
struct FanoutBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Set inserts per second through add-to-many (one log entry per command)."
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Sets named by each add-to-many.")
    var setsPerCommand: Int = 100

    @Option(help: "Distinct sets the commands spread over (timeline:0 ...).")
    var sets: Int = 10_000

    @Option(help: "Concurrent writers (each waits for its command before sending the next).")
    var concurrency: Int = 64

    @Option(help: "Each set is trimmed to this many members.")
    var maxLength: UInt64 = 3_600

    @Option(help: "Seconds of load after a 2-second warm-up.")
    var seconds: Int = 20

    func validate() throws {
        guard setsPerCommand > 0, sets >= setsPerCommand, concurrency > 0, seconds > 0, maxLength > 0 else {
            throw ValidationError("counts must be positive, and --sets at least --sets-per-command")
        }
    }

    private final class Progress: Sendable {
        let commands = Atomic<Int>(0)
        let inserts = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let measuring = Atomic<Bool>(false)
        let stop = Atomic<Bool>(false)
        let latencies = Mutex<[Duration]>([])
    }

    func run() async throws {
        let (client, local) = try await cluster.connect(maximumConcurrentWrites: concurrency)
        defer { local?.shutdown() }
        let setKeys = (0..<sets).map { Array("timeline:\($0)".utf8) }
        let progress = Progress()
        let clock = ContinuousClock()
        let setsPerCommand = self.setsPerCommand
        let maxLength = self.maxLength

        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<concurrency {
                group.addTask {
                    var generator = SystemRandomNumberGenerator()
                    var sequence = 0
                    while !progress.stop.load(ordering: .relaxed) {
                        sequence += 1
                        let first = Int.random(in: 0..<setKeys.count, using: &generator)
                        let targets = (0..<setsPerCommand).map { setKeys[(first + $0 * 97) % setKeys.count] }
                        let member = Array("post:\(writer):\(sequence)".utf8)
                        let score = Date().timeIntervalSince1970 * 1000
                        let start = clock.now
                        do {
                            let changes = try await client.zaddToMany(targets, member: member, score: score, maxLength: maxLength)
                            if progress.measuring.load(ordering: .relaxed) {
                                let elapsed = clock.now - start
                                progress.commands.add(1, ordering: .relaxed)
                                progress.inserts.add(Int(changes.added), ordering: .relaxed)
                                progress.latencies.withLock { $0.append(elapsed) }
                            }
                        } catch {
                            progress.failures.add(1, ordering: .relaxed)
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(2))
            progress.measuring.store(true, ordering: .relaxed)
            let start = clock.now
            try await Task.sleep(for: .seconds(seconds))
            progress.measuring.store(false, ordering: .relaxed)
            let elapsed = clock.now - start
            progress.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()

            let inserts = progress.inserts.load(ordering: .relaxed)
            let commands = progress.commands.load(ordering: .relaxed)
            let rate = Double(inserts) / secondsOf(elapsed)
            print("fanout: \(concurrency) writers, \(setsPerCommand) sets per command over \(sets) sets, trimmed to \(maxLength)")
            print("  \(commands) commands, \(inserts) set inserts in \(String(format: "%.1f", secondsOf(elapsed))) s")
            print("  \(Int(rate)) set inserts/s, \(Int(Double(commands) / secondsOf(elapsed))) commands/s, failures \(progress.failures.load(ordering: .relaxed))")
            print("  command latency (client): \(LatencySummary(progress.latencies.withLock { $0 }).line)")
        }
        await client.shutdown()
    }
}

