import XCTest

@testable import keel_bench

/// CPU per operation from two samples of the servers' `process_cpu_seconds_total` and this
/// program's CPU time.
final class CPUCostTests: XCTestCase {
    func testCounterIsReadFromTheExposition() {
        let text = """
            # HELP process_cpu_seconds_total User and system CPU time of the process, in seconds.
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total_other 5
            process_cpu_seconds_total 12.5
            process_open_fds 40.0
            """
        XCTAssertEqual(MetricsText.sample("process_cpu_seconds_total", in: text), 12.5)
        XCTAssertNil(MetricsText.sample("process_cpu_seconds_total", in: "process_open_fds 40.0"))
    }

    func testPerOperationFiguresAndSummary() {
        let start = ContinuousClock.now
        let cost = CPUCost(
            from: CPUCost.Sample(server: 100, client: 10, taken: start),
            to: CPUCost.Sample(server: 113.6, client: 12.5, taken: start + .seconds(10)),
            operations: 170_000, operationName: "set inserts"
        )
        XCTAssertEqual(cost.serverSeconds ?? 0, 13.6, accuracy: 1e-9)
        XCTAssertEqual(cost.serverMicrosecondsPerOperation ?? 0, 80, accuracy: 1e-6)
        XCTAssertEqual(cost.clientMicrosecondsPerOperation ?? 0, 2.5 / 170_000 * 1e6, accuracy: 1e-6)
        XCTAssertEqual(cost.summary, "CPU per set insert: servers 80.0 us (1.36 cores), keel-bench 14.7 us (0.25 cores)")
        XCTAssertEqual(cost.cell, "80.0 / 14.7 us")
    }

    func testServersUnknownLeaveOnlyTheClient() {
        let start = ContinuousClock.now
        let cost = CPUCost(
            from: CPUCost.Sample(server: nil, client: 1, taken: start),
            to: CPUCost.Sample(server: nil, client: 2, taken: start + .seconds(4)),
            operations: 1_000, operationName: "requests"
        )
        XCTAssertNil(cost.serverSeconds)
        XCTAssertNil(cost.serverMicrosecondsPerOperation)
        XCTAssertEqual(cost.summary, "CPU per request: keel-bench 1000.0 us (0.25 cores)")
        XCTAssertEqual(cost.cell, "- / 1000.0 us")
    }
}
