/// Percentiles of a set of durations.
struct LatencySummary {
    private let sortedMicroseconds: [Double]

    init(_ durations: [Duration]) {
        sortedMicroseconds = durations.map { duration in
            Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        }.sorted()
    }

    var count: Int { sortedMicroseconds.count }

    /// The value at `fraction` (0 ... 1) of the sorted durations, in microseconds.
    func percentile(_ fraction: Double) -> Double {
        guard !sortedMicroseconds.isEmpty else { return 0 }
        let index = min(sortedMicroseconds.count - 1, Int((Double(sortedMicroseconds.count) * fraction).rounded(.up)) - 1)
        return sortedMicroseconds[max(0, index)]
    }

    /// `p50 … p99 … p99.9 … max` in milliseconds, for a line of output.
    var line: String {
        func ms(_ value: Double) -> String { String(format: "%.3f", value / 1000) }
        return "p50 \(ms(percentile(0.5))) ms, p90 \(ms(percentile(0.9))) ms, p99 \(ms(percentile(0.99))) ms, "
            + "p99.9 \(ms(percentile(0.999))) ms, max \(ms(sortedMicroseconds.last ?? 0)) ms (\(count) samples)"
    }
}

/// Seconds of a duration as a `Double`.
func secondsOf(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}
