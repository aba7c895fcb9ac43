import Histogram

/// The percentiles every report shows, in milliseconds.
struct LatencySummary: Codable, Sendable {
    var samples: UInt64
    var p50: Double
    var p90: Double
    var p99: Double
    var p999: Double
    var max: Double
    var mean: Double

    init(_ histogram: Histogram<UInt64>) {
        func milliseconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }
        samples = histogram.totalCount
        guard samples > 0 else {
            p50 = 0; p90 = 0; p99 = 0; p999 = 0; max = 0; mean = 0
            return
        }
        p50 = milliseconds(histogram.valueAtPercentile(50))
        p90 = milliseconds(histogram.valueAtPercentile(90))
        p99 = milliseconds(histogram.valueAtPercentile(99))
        p999 = milliseconds(histogram.valueAtPercentile(99.9))
        max = milliseconds(histogram.max)
        mean = histogram.mean / 1e6
    }

    /// The percentiles as table cells, in the order of ``columnTitles``.
    var cells: [String] {
        [p50, p90, p99, p999, max].map(Self.format)
    }

    static let columnTitles = ["p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"]

    /// Three significant digits, never scientific notation.
    static func format(_ milliseconds: Double) -> String {
        switch milliseconds {
        case ..<1: return String(format: "%.3f", milliseconds)
        case ..<10: return String(format: "%.2f", milliseconds)
        case ..<100: return String(format: "%.1f", milliseconds)
        default: return String(format: "%.0f", milliseconds)
        }
    }
}
