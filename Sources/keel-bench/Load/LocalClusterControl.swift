import Dispatch
import Foundation
import KeelTestKit

/// A `LocalCluster` driven from async code: its calls block (process waits, polling), so they
/// run on a dispatch queue instead of the cooperative pool, one at a time.
final class LocalClusterControl: @unchecked Sendable {
    // @unchecked: `cluster` is only touched on `queue`, a serial queue.
    private let cluster: LocalCluster
    private let queue = DispatchQueue(label: "keel.bench.local-cluster")
    let clusterID: String
    let clientAddresses: [String]
    /// Each node's Prometheus endpoint, in the order of ``clientAddresses``.
    let metricsAddresses: [String]
    let nodeIDs: [UInt64]
    let dataRoot: String
    private var cleanupToken: Int?

    private init(cluster: LocalCluster) {
        self.cluster = cluster
        clusterID = cluster.clusterID
        nodeIDs = cluster.nodes.keys.sorted()
        clientAddresses = nodeIDs.map { cluster.nodes[$0]!.clientAddress }
        metricsAddresses = nodeIDs.map { cluster.nodes[$0]!.metricsAddress }
        dataRoot = cluster.root
    }

    /// Starts three release `keel-server` processes (the binary next to this program, or
    /// `KEEL_SERVER_BINARY`) and waits for a leader.
    static func start(extraServerArguments: [String]) async throws -> LocalClusterControl {
        let cluster = try LocalCluster(count: 3, extraArguments: extraServerArguments)
        let control = LocalClusterControl(cluster: cluster)
        let root = cluster.root
        control.cleanupToken = ProcessCleanup.register { _ = try? FileManager.default.removeItem(atPath: root) }
        try await control.perform { cluster in
            try cluster.start()
            _ = try cluster.waitForLeader(timeout: 60)
        }
        return control
    }

    /// Runs `body` on the cluster's queue and returns its result.
    func perform<Value: Sendable>(_ body: @escaping @Sendable (LocalCluster) throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self.cluster) })
            }
        }
    }

    /// The node that leads, once the running voters agree on one.
    func leader(timeout: TimeInterval = 30, excluding: Set<UInt64> = []) async throws -> UInt64 {
        try await perform { try $0.waitForLeader(timeout: timeout, excluding: excluding) }
    }

    /// SIGKILL node `id` and wait until the process is gone.
    func kill(_ id: UInt64) async throws {
        try await perform { $0.kill(id) }
    }

    /// Start node `id` again on its data directory.
    func restart(_ id: UInt64) async throws {
        try await perform { try $0.start(id) }
    }

    /// Waits until every node answers its status with the same commit index as the leader,
    /// or `timeout` passes.
    func waitUntilCaughtUp(timeout: TimeInterval = 60) async throws {
        try await perform { cluster in
            _ = try cluster.waitFor("every node caught up", timeout: timeout) { () -> Bool? in
                let statuses = cluster.nodes.keys.compactMap { cluster.status($0) }
                guard statuses.count == cluster.nodes.count,
                      let leader = statuses.first(where: { $0.role == .leader }) else { return nil }
                return statuses.allSatisfy { $0.appliedIndex + 10 >= leader.commitIndex } ? true : nil
            }
        }
    }

    func shutdown() async {
        if let cleanupToken { ProcessCleanup.unregister(cleanupToken) }
        cleanupToken = nil
        _ = try? await perform { $0.shutdown() }
    }
}
