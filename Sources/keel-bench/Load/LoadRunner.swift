import Foundation
import KeelClient
import Synchronization

/// Runs one request loop per in-flight slot against a set of clients: an unmeasured warm-up,
/// then either `--requests` requests or `--duration` seconds, recording each request's latency
/// in a per-task histogram that are merged at the end.
struct LoadRunner {
    let options: LoadOptions
    let clients: [KeelClient]
    /// The nodes' metrics endpoints, when known: the run then reports the servers' CPU per
    /// operation (``CPUCost``) next to this program's.
    var metricsAddresses: [String] = []
    /// The progress display is quiet when JSON is asked for.
    var showsProgress: Bool { options.json == nil }

    /// One request. Returns how many operations it counts for (set inserts of a fanout, 1 for
    /// most requests).
    typealias Request = @Sendable (KeelClient, inout WorkerContext) async throws -> Int

    /// Shared between the loops and the clock.
    private final class RunState: Sendable {
        let measuring = Atomic<Bool>(false)
        let stop = Atomic<Bool>(false)
        /// Requests still to start in `--requests` mode.
        let remaining = Atomic<Int>(Int.max)
        let completed = Atomic<Int>(0)
        let errors = Atomic<Int>(0)
        let firstError = Mutex<String?>(nil)
    }

    private struct WorkerResult: Sendable {
        var histogram = LatencyHistogram()
        var requests = 0
        var operations = 0
    }

    /// The measured figures, before they become a report.
    struct Measured {
        var requests: Int
        var operations: Int
        var errors: Int
        var firstError: String?
        var seconds: Double
        var histogram: LatencyHistogram
        /// CPU counters when measuring started and after the last request.
        var cpuAtStart: CPUCost.Sample
        var cpuAtEnd: CPUCost.Sample
    }

    func run(label: String, request: @escaping Request) async throws -> Measured {
        let state = RunState()
        let clock = ContinuousClock()
        let clients = self.clients
        let seed = options.seed
        let progress = ProgressLine(enabled: showsProgress)
        let started = clock.now
        progress.start {
            let done = state.completed.load(ordering: .relaxed)
            let phase = state.measuring.load(ordering: .relaxed) ? "" : " (warm-up)"
            let elapsed = LatencyHistogram.seconds(clock.now - started)
            return "\(label)\(phase): \(done) requests, \(WorkloadReport.grouped(Double(done) / max(elapsed, 0.001)))/s, errors \(state.errors.load(ordering: .relaxed))"
        }
        defer { progress.finish() }

        return try await withThrowingTaskGroup(of: WorkerResult.self) { group in
            for worker in 0..<options.concurrency {
                group.addTask {
                    var context = WorkerContext(worker: worker, seed: seed)
                    var result = WorkerResult()
                    let client = clients[worker % clients.count]
                    while !state.stop.load(ordering: .relaxed) {
                        let measured = state.measuring.load(ordering: .acquiring)
                        if measured && state.remaining.wrappingSubtract(1, ordering: .relaxed).oldValue <= 0 { break }
                        context.sequence += 1
                        let began = clock.now
                        do {
                            let operations = try await request(client, &context)
                            state.completed.wrappingAdd(1, ordering: .relaxed)
                            if measured {
                                result.histogram.record(clock.now - began)
                                result.requests += 1
                                result.operations += operations
                            }
                        } catch {
                            let errors = state.errors.wrappingAdd(1, ordering: .relaxed).newValue
                            if errors == 1 { state.firstError.withLock { $0 = "\(error)" } }
                            // A cluster that refuses everything would spin here: give up.
                            if errors >= 10_000 { state.stop.store(true, ordering: .relaxed) }
                        }
                    }
                    return result
                }
            }
            if options.warmup > 0 {
                try await Task.sleep(for: .milliseconds(Int64(options.warmup * 1000)))
            }
            if let requests = options.requests { state.remaining.store(requests, ordering: .relaxed) }
            let cpuAtStart = await CPUCost.sample(metricsAddresses)
            let measureStart = clock.now
            state.measuring.store(true, ordering: .releasing)
            if options.requests == nil {
                try await Task.sleep(for: .milliseconds(Int64(options.duration * 1000)))
                state.stop.store(true, ordering: .relaxed)
            }
            var total = WorkerResult()
            for try await result in group {
                total.histogram.add(result.histogram)
                total.requests += result.requests
                total.operations += result.operations
            }
            let seconds = LatencyHistogram.seconds(clock.now - measureStart)
            let cpuAtEnd = await CPUCost.sample(metricsAddresses)
            return Measured(
                requests: total.requests, operations: total.operations, errors: state.errors.load(ordering: .relaxed),
                firstError: state.firstError.withLock { $0 }, seconds: seconds,
                histogram: total.histogram, cpuAtStart: cpuAtStart, cpuAtEnd: cpuAtEnd
            )
        }
    }

    /// Runs the load and turns it into a report.
    func report(
        workload: String, settings: [String: String], operationName: String = "requests", request: @escaping Request
    ) async throws -> WorkloadReport {
        let loadBefore = MachineDescription.loadAverage()
        let measured = try await run(label: workload, request: request)
        var report = WorkloadReport(
            workload: workload, settings: options.settings.merging(settings) { _, workloadSetting in workloadSetting },
            requests: measured.requests, operations: measured.operations, operationName: operationName,
            errors: measured.errors, firstError: measured.firstError, seconds: measured.seconds,
            latency: measured.histogram.summary, loadAverageBefore: loadBefore
        )
        report.cpu = CPUCost(
            from: measured.cpuAtStart, to: measured.cpuAtEnd, operations: measured.operations, operationName: operationName
        )
        return report
    }
}
