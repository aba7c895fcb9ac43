import Foundation

/// The figures of one `redis-benchmark --csv` run (its first result line).
struct RedisBenchmarkResult {
    var test: String
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double

    /// Parses the header line and the first result line, e.g.
    /// `"test","rps","avg_latency_ms",...,"p50_latency_ms","p95_latency_ms","p99_latency_ms",...`.
    init?(csv: String) {
        let lines = csv.split(whereSeparator: \.isNewline).map { line in
            line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
        }
        guard let header = lines.first(where: { $0.first == "test" }),
              let values = lines.first(where: { $0.first != "test" && $0.count == header.count }),
              let rps = header.firstIndex(of: "rps").flatMap({ Double(values[$0]) }) else { return nil }
        test = values[0]
        requestsPerSecond = rps
        p50 = header.firstIndex(of: "p50_latency_ms").flatMap { Double(values[$0]) } ?? 0
        p99 = header.firstIndex(of: "p99_latency_ms").flatMap { Double(values[$0]) } ?? 0
    }
}
