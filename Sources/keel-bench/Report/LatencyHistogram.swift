import Histogram

/// Latencies in nanoseconds from 1 ns to 10 minutes with three significant digits; longer
/// values are recorded as the maximum (they only happen when something is badly wrong, and the
/// max column then shows it).
struct LatencyHistogram: Sendable {
    private static let highest: UInt64 = 600_000_000_000
    private(set) var histogram = Histogram<UInt64>(highestTrackableValue: highest, numberOfSignificantValueDigits: .three)

    var count: UInt64 { histogram.totalCount }

    mutating func record(_ duration: Duration) {
        _ = histogram.record(min(Self.nanoseconds(duration), Self.highest))
    }

    mutating func add(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
    }

    var summary: LatencySummary { LatencySummary(histogram) }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let parts = duration.components
        guard parts.seconds >= 0 else { return 0 }
        return UInt64(parts.seconds) * 1_000_000_000 + UInt64(parts.attoseconds / 1_000_000_000)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
