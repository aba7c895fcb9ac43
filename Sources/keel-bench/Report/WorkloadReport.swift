import Foundation

/// What one workload run measured: throughput, latency percentiles and the conditions.
struct WorkloadReport: Codable, Sendable {
    /// The subcommand (`put`, `fanout`, ...).
    var workload: String
    /// The arguments that reproduce the run, after `keel-bench`.
    var command: String
    var settings: [String: String]
    /// Requests that succeeded in the measured phase.
    var requests: Int
    /// What the workload counts (puts, set inserts, pages); equal to `requests` for most.
    var operations: Int
    var operationName: String
    var errors: Int
    /// The first error seen, for the report when there were errors.
    var firstError: String?
    var seconds: Double
    var requestsPerSecond: Double
    var operationsPerSecond: Double
    var latency: LatencySummary
    /// The machine's load average when the run started and ended (1 minute).
    var loadAverageBefore: Double
    var loadAverageAfter: Double
    /// The servers' own latencies for the run, where the workload scraped them.
    var serverLatencies: [ServerLatency] = []
    /// The CPU the measured phase took, where the workload measured it.
    var cpu: CPUCost?

    init(
        workload: String, command: String = "", settings: [String: String], requests: Int, operations: Int,
        operationName: String, errors: Int, firstError: String? = nil, seconds: Double, latency: LatencySummary,
        loadAverageBefore: Double = MachineDescription.loadAverage(), loadAverageAfter: Double = MachineDescription.loadAverage()
    ) {
        self.workload = workload
        self.command = command
        self.settings = settings
        self.requests = requests
        self.operations = operations
        self.operationName = operationName
        self.errors = errors
        self.firstError = firstError
        self.seconds = seconds
        requestsPerSecond = seconds > 0 ? Double(requests) / seconds : 0
        operationsPerSecond = seconds > 0 ? Double(operations) / seconds : 0
        self.latency = latency
        self.loadAverageBefore = loadAverageBefore
        self.loadAverageAfter = loadAverageAfter
    }

    /// Throughput as a cell: requests per second, and the counted operations when they differ.
    var throughputCell: String {
        guard seconds > 0 else { return "-" }
        let requestsCell = "\(Self.grouped(requestsPerSecond)) req/s"
        guard operationName != "requests", operations != requests else { return requestsCell }
        return "\(Self.grouped(operationsPerSecond)) \(operationName)/s (\(requestsCell))"
    }

    /// An aligned table for people.
    var table: String {
        var lines = ["\(workload): \(settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"]
        let titles = ["throughput"] + LatencySummary.columnTitles + ["errors", "load"]
        let row = [throughputCell] + latency.cells + ["\(errors)", String(format: "%.1f-%.1f", loadAverageBefore, loadAverageAfter)]
        lines += TextTable(titles: titles, rows: [row]).lines
        lines.append(seconds > 0
            ? "\(Self.grouped(Double(requests))) requests in \(String(format: "%.1f", seconds)) s"
            : "\(requests) \(operationName)")
        if let cpu { lines.append(cpu.summary) }
        lines += serverLatencies.map(\.summary)
        if let firstError { lines.append("first error: \(firstError)") }
        return lines.joined(separator: "\n")
    }

    var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A whole number with thousands separators (12,345).
    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (offset, character) in digits.reversed().enumerated() {
            if offset > 0, offset % 3 == 0, character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }
}
