/// One line of the side-by-side table: the other system's figure and Keel's for the same load.
struct ComparisonRow: Codable, Sendable {
    var workload: String
    var other: String
    var otherFigure: Double
    var otherDetail: String
    var keelFigure: Double
    var keelDetail: String
    var keelCommand: String
    var unit: String
    /// Throughput: more is better; times: less is better.
    var higherIsBetter: Bool

    var ratio: Double { otherFigure > 0 ? keelFigure / otherFigure : 0 }

    var cells: [String] {
        [
            workload, other, "\(Self.figure(otherFigure)) \(unit)" + (otherDetail.isEmpty ? "" : " (\(otherDetail))"),
            "\(Self.figure(keelFigure)) \(unit)" + (keelDetail.isEmpty ? "" : " (\(keelDetail))"),
            String(format: "%.2f", ratio) + (higherIsBetter ? "" : " (lower is better)"), "`keel-bench \(keelCommand) --local`",
        ]
    }

    static let titles = ["Workload", "Other system", "Other", "Keel", "Keel / other", "Keel command"]

    private static func figure(_ value: Double) -> String {
        value >= 100 ? WorkloadReport.grouped(value) : LatencySummary.format(value)
    }
}
