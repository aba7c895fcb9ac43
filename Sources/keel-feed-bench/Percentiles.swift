/// Percentiles of measured durations, printed in milliseconds.
struct Percentiles {
    private let milliseconds: [Double]

    init(_ durations: [Duration]) {
        self.milliseconds = durations.map {
            Double($0.components.seconds) * 1_000 + Double($0.components.attoseconds) / 1e15
        }.sorted()
    }

    func at(_ fraction: Double) -> Double {
        guard !self.milliseconds.isEmpty else { return 0 }
        let rank = Int((Double(self.milliseconds.count) * fraction).rounded(.up)) - 1
        return self.milliseconds[min(self.milliseconds.count - 1, max(0, rank))]
    }

    var summary: String {
        let parts = [("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0)].map { name, fraction in
            "\(name) \(Self.decimal(self.at(fraction))) ms"
        }
        return parts.joined(separator: ", ") + " (\(self.milliseconds.count) samples)"
    }

    private static func decimal(_ value: Double) -> String {
        let thousandths = Int((value * 1_000).rounded())
        let fraction = String(thousandths % 1_000)
        return "\(thousandths / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
