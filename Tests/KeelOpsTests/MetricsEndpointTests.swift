import Foundation
import XCTest

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Each node serves its metrics in the Prometheus text format on its metrics port.
final class MetricsEndpointTests: XCTestCase {
    private var cluster: ScriptedCluster!

    override func setUpWithError() throws {
        cluster = try ScriptedCluster()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    private func fetch(_ url: URL) async throws -> (status: Int, body: String) {
        var request = URLRequest(url: url)
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// The value of the sample whose line starts with `series` followed by a space.
    private func sample(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    func testLeaderExportsRaftClientAndStorageSeries() async throws {
        try cluster.runSuccessfully("up")
        for index in 1...5 {
            XCTAssertEqual(try cluster.keelctl(["kv", "put", "m-\(index)", "v"]).status, 0)
        }
        XCTAssertEqual(try cluster.keelctl(["kv", "get", "m-1"]).status, 0)
        let leader = try XCTUnwrap(try cluster.status().leader)

        let (status, text) = try await fetch(cluster.metricsURL(Int(leader)))
        XCTAssertEqual(status, 200)
        XCTAssertEqual(sample("keel_raft_role{role=\"leader\"}", in: text), 1, text)
        XCTAssertEqual(sample("keel_raft_role{role=\"follower\"}", in: text), 0)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_raft_term", in: text)), 1)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_raft_commit_index", in: text)), 6)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_raft_applied_index", in: text)), 6)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_raft_proposals_total", in: text)), 5)
        XCTAssertGreaterThan(try XCTUnwrap(sample("keel_raft_append_entries_sent_total", in: text)), 0)
        XCTAssertNotNil(sample("keel_raft_append_entries_rejected_total", in: text))
        XCTAssertGreaterThan(try XCTUnwrap(sample("keel_raft_fsync_seconds_count", in: text)), 0)
        XCTAssertTrue(text.contains("keel_raft_fsync_seconds_bucket{le=\"0.001\"}"), text)
        // The linearizable get waited in each phase on the leader, however briefly.
        for phase in ["queue", "confirm", "apply"] {
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_raft_read_wait_seconds_count{phase=\"\(phase)\"}", in: text), phase), 1)
        }
        XCTAssertNotNil(sample("keel_snapshot_sends_total", in: text))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_client_requests_total{type=\"put\",outcome=\"ok\"}", in: text)), 5)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_client_requests_total{type=\"get\",outcome=\"ok\"}", in: text)), 1)
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_client_request_seconds_count{type=\"put\"}", in: text)), 5)
        XCTAssertNotNil(sample("keel_client_connections", in: text))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(sample("keel_peer_connections", in: text)), 1)
        // The standard process series of any exporter: the node's CPU time, memory, RocksDB's
        // and the sockets' descriptors.
        XCTAssertGreaterThan(try XCTUnwrap(sample("process_cpu_seconds_total", in: text)), 0)
        XCTAssertGreaterThan(try XCTUnwrap(sample("process_resident_memory_bytes", in: text)), 1_000_000)
        XCTAssertGreaterThan(try XCTUnwrap(sample("process_open_fds", in: text)), 3)
        XCTAssertGreaterThan(try XCTUnwrap(sample("process_start_time_seconds", in: text)), Date().timeIntervalSince1970 - 3600)

        // A follower reports its own role, and the server serves nothing but /metrics.
        let follower = try XCTUnwrap((1...3).first { UInt64($0) != leader })
        let (_, followerText) = try await fetch(cluster.metricsURL(follower))
        XCTAssertEqual(sample("keel_raft_role{role=\"follower\"}", in: followerText), 1, followerText)
        let (missing, _) = try await fetch(cluster.metricsURL(follower).deletingLastPathComponent().appendingPathComponent("other"))
        XCTAssertEqual(missing, 404)
    }
}
