import Foundation
import XCTest

@testable import keel_bench

final class ReportParsingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("keel-bench-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    func testRedisBenchmarkCSVIsReadByColumnName() throws {
        let csv = """
        "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        "ZADD","21978.02","2.241","0.264","2.087","3.567","4.527","11.951"
        """
        let result = try XCTUnwrap(RedisBenchmarkResult(csv: csv))
        XCTAssertEqual(result.test, "ZADD")
        XCTAssertEqual(result.requestsPerSecond, 21978.02, accuracy: 0.001)
        XCTAssertEqual(result.p50, 2.087, accuracy: 0.0001)
        XCTAssertEqual(result.p99, 4.527, accuracy: 0.0001)
        XCTAssertNil(RedisBenchmarkResult(csv: "ERROR: connection refused"))
    }

    func testMarkedSectionIsAppendedOnceThenReplacedInPlace() throws {
        let path = directory.appendingPathComponent("doc.md").path
        try Data("# Title\n\nBefore.\n".utf8).write(to: URL(fileURLWithPath: path))
        let section = MarkedSection(name: "keel-bench suite")
        try section.write("first table", into: path)
        try Data((try String(contentsOfFile: path, encoding: .utf8) + "\nAfter.\n").utf8).write(to: URL(fileURLWithPath: path))
        try section.write("second table", into: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("# Title\n\nBefore.\n"))
        XCTAssertTrue(text.hasSuffix("\nAfter.\n"))
        XCTAssertTrue(text.contains("second table"))
        XCTAssertFalse(text.contains("first table"))
        XCTAssertEqual(text.components(separatedBy: section.beginMarker).count, 2)
    }

    func testLatencySummaryReportsPercentilesInMilliseconds() {
        var histogram = LatencyHistogram()
        for microseconds in 1...1_000 { histogram.record(.microseconds(microseconds)) }
        let summary = histogram.summary
        XCTAssertEqual(summary.samples, 1_000)
        XCTAssertEqual(summary.p50, 0.5, accuracy: 0.001)
        XCTAssertEqual(summary.p99, 0.99, accuracy: 0.001)
        XCTAssertEqual(summary.max, 1.0, accuracy: 0.001)
    }
}
