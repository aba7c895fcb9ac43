import ArgumentParser
import XCTest

@testable import keel_bench

/// Where a run's load and metrics go.
final class ClusterOptionsTests: XCTestCase {
    func testMetricsEndpointsOfARunningClusterReachTheTarget() async throws {
        let options = try ClusterOptions.parse([
            "--endpoints", "127.0.0.1:7101", "--cluster-id", "keel-local", "--metrics-endpoints", "127.0.0.1:7301, 127.0.0.1:7302",
        ])
        let target = try await options.target()
        XCTAssertEqual(target.endpoints, ["127.0.0.1:7101"])
        XCTAssertEqual(target.metricsAddresses, ["127.0.0.1:7301", "127.0.0.1:7302"])
        await target.shutdown()

        let withoutMetrics = try await ClusterOptions.parse(["--endpoints", "127.0.0.1:7101"]).target()
        XCTAssertEqual(withoutMetrics.metricsAddresses, [])
        await withoutMetrics.shutdown()
    }

    func testLocalClustersRefuseGivenMetricsEndpoints() {
        XCTAssertThrowsError(try ClusterOptions.parse(["--local", "--metrics-endpoints", "127.0.0.1:7301"]))
    }
}
