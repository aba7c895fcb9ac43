import Foundation
import Prometheus
import XCTest

@testable import KeelServer

/// The standard `process_*` series, read from this test process.
final class ProcessMetricsTests: XCTestCase {
    /// The value of the sample line `series value` in a text exposition.
    private func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    private func spin(untilCPUSecondsPass seconds: Double) {
        let start = ProcessMetrics.cpuSeconds()
        var sink = 0
        while ProcessMetrics.cpuSeconds() - start < seconds { sink &+= 1 }
        XCTAssertGreaterThan(sink, 0)
    }

    func testSeriesDescribeThisProcess() throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = ProcessMetrics(registry: registry)
        let first = String(decoding: registry.emitToBuffer(), as: UTF8.self)

        let cpu = try XCTUnwrap(sample("process_cpu_seconds_total", in: first), first)
        XCTAssertGreaterThan(cpu, 0)
        let resident = try XCTUnwrap(sample("process_resident_memory_bytes", in: first))
        let virtual = try XCTUnwrap(sample("process_virtual_memory_bytes", in: first))
        XCTAssertGreaterThan(resident, 1_000_000)
        XCTAssertGreaterThanOrEqual(virtual, resident)
        let open = try XCTUnwrap(sample("process_open_fds", in: first))
        XCTAssertGreaterThanOrEqual(open, 3)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("process_max_fds", in: first)), open)
        let started = try XCTUnwrap(sample("process_start_time_seconds", in: first))
        let now = Date().timeIntervalSince1970
        XCTAssertLessThanOrEqual(started, now + 1)
        XCTAssertGreaterThan(started, now - 24 * 3600, "the test process started today")
        XCTAssertTrue(first.contains("# TYPE process_cpu_seconds_total counter"), first)

        // A refresh after some work and sixteen more open files shows both (other threads of
        // the test process may close a descriptor or two meanwhile, hardly eight).
        spin(untilCPUSecondsPass: 0.05)
        let handles = try (0..<16).map { _ in try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/stat")) }
        defer { for handle in handles { try? handle.close() } }
        metrics.refresh()
        let second = String(decoding: registry.emitToBuffer(), as: UTF8.self)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("process_cpu_seconds_total", in: second)), cpu + 0.05)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("process_open_fds", in: second)), open + 8)
    }
}
