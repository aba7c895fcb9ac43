import Foundation

/// The CPU time a run's measured phase took: the servers' (`process_cpu_seconds_total` of every
/// node, summed) and this program's, and what that is per counted operation.
///
/// On this shared machine throughput moves with everything else running, while the CPU an
/// operation costs moves much less; and it tells how far a throughput target is from what the
/// cores allow (two cores at 100 us per operation: at most 20,000 per second).
struct CPUCost: Codable, Sendable {
    /// CPU-seconds of every node, or `nil` when the servers' metrics were not read (a cluster
    /// given by `--endpoints`, whose metrics addresses keel-bench does not know).
    var serverSeconds: Double?
    var clientSeconds: Double
    /// The wall-clock time the two samples span.
    var seconds: Double
    var operations: Int
    var operationName: String

    /// The counters at one moment.
    struct Sample: Sendable {
        var server: Double?
        var client: Double
        var taken: ContinuousClock.Instant
    }

    /// Samples this process's CPU time and, when `metricsAddresses` is not empty, the sum of
    /// the nodes' `process_cpu_seconds_total` (`nil` if any node could not be read).
    static func sample(_ metricsAddresses: [String]) async -> Sample {
        var server: Double?
        if !metricsAddresses.isEmpty, let texts = try? await MetricsText.fetch(metricsAddresses) {
            let seconds = texts.compactMap { MetricsText.sample("process_cpu_seconds_total", in: $0) }
            if seconds.count == texts.count { server = seconds.reduce(0, +) }
        }
        return Sample(server: server, client: ProcessCPUTime.seconds, taken: ContinuousClock.now)
    }

    init(from start: Sample, to end: Sample, operations: Int, operationName: String) {
        if let before = start.server, let after = end.server { serverSeconds = after - before }
        clientSeconds = end.client - start.client
        seconds = LatencyHistogram.seconds(end.taken - start.taken)
        self.operations = operations
        self.operationName = operationName
    }

    var serverMicrosecondsPerOperation: Double? {
        guard let serverSeconds, operations > 0 else { return nil }
        return serverSeconds / Double(operations) * 1e6
    }

    var clientMicrosecondsPerOperation: Double? {
        operations > 0 ? clientSeconds / Double(operations) * 1e6 : nil
    }

    /// "CPU per put: servers 87.1 us (1.36 cores), keel-bench 16.6 us (0.26 cores)".
    var summary: String {
        func part(_ who: String, _ perOperation: Double?, _ total: Double?) -> String? {
            guard let perOperation, let total, seconds > 0 else { return nil }
            return "\(who) \(String(format: "%.1f", perOperation)) us (\(String(format: "%.2f", total / seconds)) cores)"
        }
        let parts = [
            part("servers", serverMicrosecondsPerOperation, serverSeconds),
            part("keel-bench", clientMicrosecondsPerOperation, clientSeconds),
        ].compactMap { $0 }
        return "CPU per \(Self.singular(operationName)): " + (parts.isEmpty ? "-" : parts.joined(separator: ", "))
    }

    /// The cell of the suite's table: "87.1 / 16.6 us".
    var cell: String {
        let server = serverMicrosecondsPerOperation.map { String(format: "%.1f", $0) } ?? "-"
        let client = clientMicrosecondsPerOperation.map { String(format: "%.1f", $0) } ?? "-"
        return "\(server) / \(client) us"
    }

    /// "set inserts" -> "set insert", "requests" -> "request".
    static func singular(_ plural: String) -> String {
        plural.hasSuffix("s") ? String(plural.dropLast()) : plural
    }
}
