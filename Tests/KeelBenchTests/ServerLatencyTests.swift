import XCTest

@testable import keel_bench

/// The server-side latency read from Prometheus buckets: parsed over labels in any order,
/// summed over nodes and outcomes, and differenced between two scrapes.
final class ServerLatencyTests: XCTestCase {
    /// Bucket lines of `metric`, one series per entry: its labels (besides `le`, placed
    /// first or last to show the order does not matter) and cumulative counts per bound.
    private func buckets(_ metric: String, bounds: [String], _ series: [(labels: String, counts: [Double])]) -> [String] {
        series.enumerated().flatMap { position, series in
            zip(bounds, series.counts).map { bound, count in
                let labels = position % 2 == 0 ? "\(series.labels),le=\"\(bound)\"" : "le=\"\(bound)\",\(series.labels)"
                return "\(metric)_bucket{\(labels)} \(count)"
            }
        }
    }

    private func exposition(ok: [Double], error: [Double]) -> String {
        var lines = ["# TYPE keel_client_request_seconds histogram"]
        lines += buckets("keel_client_request_seconds", bounds: ["0.00025", "0.0005", "0.001", "0.002", "+Inf"], [
            ("type=\"zset_read\",outcome=\"ok\"", ok), ("outcome=\"error\",type=\"zset_read\"", error),
        ])
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
        func exposition(confirm: [Double], apply: [Double]) -> String {
            var lines = buckets("keel_raft_read_wait_seconds", bounds: ["0.001", "0.002", "0.005", "0.01", "+Inf"], [
                ("phase=\"confirm\"", confirm), ("phase=\"apply\"", apply),
            ])
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
