import XCTest

@testable import keel_bench

/// The server-side latency read from Prometheus buckets: parsed over labels in any order,
/// summed over nodes and outcomes, and differenced between two scrapes.
final class ServerLatencyTests: XCTestCase {
    private func exposition(ok: [Double], error: [Double]) -> String {
        let bounds = ["0.00025", "0.0005", "0.001", "0.002", "+Inf"]
        var lines = ["# TYPE keel_client_request_seconds histogram"]
        for (bound, count) in zip(bounds, ok) {
            lines.append("keel_client_request_seconds_bucket{type=\"zset_read\",outcome=\"ok\",le=\"\(bound)\"} \(count)")
        }
        for (bound, count) in zip(bounds, error) {
            lines.append("keel_client_request_seconds_bucket{le=\"\(bound)\",outcome=\"error\",type=\"zset_read\"} \(count)")
        }
        lines.append("keel_client_request_seconds_bucket{type=\"put\",outcome=\"ok\",le=\"+Inf\"} 7")
        lines.append("keel_client_request_seconds_count{type=\"zset_read\",outcome=\"ok\"} 999")
        return lines.joined(separator: "\n")
    }

    func testBucketsAreSummedAndDifferenced() throws {
        let before = ServerLatency.parse(exposition(ok: [10, 10, 10, 10, 10], error: [0, 0, 0, 0, 0]), .clientRequests)
        XCTAssertEqual(before["zset_read"]?[0.001], 10)
        XCTAssertEqual(before["put"]?[.infinity], 7)
        // 1,000 more requests: 900 within 0.25 ms, 90 more within 1 ms (10 of them errors), 10 within 2 ms.
        let after = ServerLatency.parse(exposition(ok: [910, 950, 1_000, 1_010, 1_010], error: [0, 0, 0, 0, 0]), .clientRequests)
        let latency = try XCTUnwrap(ServerLatency("zset_read", of: .clientRequests, before: before, after: after))
        XCTAssertEqual(latency.observations, 1_000)
        XCTAssertEqual(latency.withinOneMillisecond, 0.99, accuracy: 1e-9)
        XCTAssertEqual(latency.p50AtMost, 0.25)
        XCTAssertEqual(latency.p90AtMost, 0.25)
        XCTAssertEqual(latency.p99AtMost, 1)
        XCTAssertNil(ServerLatency("zset_read", of: .clientRequests, before: after, after: after), "no requests between the scrapes")
    }

    func testAPercentilePastTheLastBucketHasNoBound() throws {
        let after = ServerLatency.parse(exposition(ok: [0, 0, 0, 0, 50], error: [0, 0, 0, 50, 50]), .clientRequests)
        let latency = try XCTUnwrap(ServerLatency("zset_read", of: .clientRequests, before: [:], after: after))
        XCTAssertEqual(latency.observations, 100)
        XCTAssertEqual(latency.withinOneMillisecond, 0)
        XCTAssertNil(latency.p99AtMost)
        XCTAssertEqual(latency.p50AtMost, 2)
    }

    func testReadWaitsAreSplitByPhaseAndCountWithinFiveMilliseconds() throws {
        let bounds = ["0.001", "0.002", "0.005", "0.01", "+Inf"]
        func exposition(confirm: [Double], apply: [Double]) -> String {
            var lines = ["# TYPE keel_raft_read_wait_seconds histogram"]
            for (bound, count) in zip(bounds, confirm) {
                lines.append("keel_raft_read_wait_seconds_bucket{phase=\"confirm\",le=\"\(bound)\"} \(count)")
            }
            for (bound, count) in zip(bounds, apply) {
                lines.append("keel_raft_read_wait_seconds_bucket{phase=\"apply\",le=\"\(bound)\"} \(count)")
            }
            // Another family's buckets with the same label are not read.
            lines.append("keel_client_request_seconds_bucket{phase=\"confirm\",le=\"+Inf\"} 1000")
            return lines.joined(separator: "\n")
        }
        let scrape = ServerLatency.parse(exposition(confirm: [80, 90, 97, 99, 100], apply: [100, 100, 100, 100, 100]), .readWaits)
        XCTAssertEqual(Set(scrape.keys), ["confirm", "apply"])
        let confirm = try XCTUnwrap(ServerLatency("confirm", of: .readWaits, before: [:], after: scrape))
        XCTAssertEqual(confirm.observations, 100)
        XCTAssertEqual(confirm.withinOneMillisecond, 0.8, accuracy: 1e-9)
        XCTAssertEqual(confirm.withinFiveMilliseconds, 0.97, accuracy: 1e-9)
        XCTAssertEqual(confirm.p90AtMost, 2)
        XCTAssertEqual(confirm.p99AtMost, 10)
        XCTAssertTrue(confirm.summary.contains("keel_raft_read_wait_seconds"), confirm.summary)
        XCTAssertTrue(confirm.summary.contains("100 reads"), confirm.summary)
        let apply = try XCTUnwrap(ServerLatency("apply", of: .readWaits, before: [:], after: scrape))
        XCTAssertEqual(apply.withinFiveMilliseconds, 1)
    }
}
