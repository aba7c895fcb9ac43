import Foundation
import KeelTestKit
import KeelWire
import NIOCore

/// The keel-server processes of a run, with the peer proxy between them, and what the run
/// knows about their membership.
///
/// Every method blocks (process control, status polls with blocking sockets); call them
/// through ``runBlocking(_:)``.
final class ClusterUnderTest: @unchecked Sendable {
    // Unchecked Sendable: `cluster` (a non-Sendable LocalCluster) and `members` are only
    // touched with `lock` held.
    private let lock = NSLock()
    private let cluster: LocalCluster
    let proxy: PeerProxy
    let clusterID: String
    let initialIDs: [UInt64]
    private var members: Set<UInt64>

    /// Prepares the processes and the proxy ingress ports, then starts every node.
    static func start(nodes: Int, serverArguments: [String], group: any EventLoopGroup) async throws -> ClusterUnderTest {
        let cluster = try LocalCluster(count: nodes, extraArguments: serverArguments)
        let proxy = PeerProxy(group: group)
        var routes: [UInt64: String] = [:]
        for (id, node) in cluster.nodes {
            routes[id] = try await proxy.addNode(id, peerHost: "127.0.0.1", peerPort: node.peerPort)
        }
        cluster.peerRoute = { routes[$0.id] ?? $0.peerAddress }
        let underTest = ClusterUnderTest(cluster: cluster, proxy: proxy)
        try underTest.locked { try $0.start() }
        return underTest
    }

    private init(cluster: LocalCluster, proxy: PeerProxy) {
        self.cluster = cluster
        self.proxy = proxy
        clusterID = cluster.clusterID
        initialIDs = cluster.nodes.keys.sorted()
        members = Set(initialIDs)
    }

    private func locked<Value>(_ body: (LocalCluster) throws -> Value) rethrows -> Value {
        lock.lock()
        defer { lock.unlock() }
        return try body(cluster)
    }

    /// The initial nodes' client addresses, for the workload's clients.
    var initialClientAddresses: [String] {
        locked { cluster in initialIDs.compactMap { cluster.nodes[$0]?.clientAddress } }
    }

    /// The members of the Raft configuration as the run changed it.
    var memberIDs: [UInt64] {
        locked { _ in members.sorted() }
    }

    func clientAddress(of id: UInt64) -> String? {
        locked { $0.nodes[id]?.clientAddress }
    }

    /// Members with a running process that is not paused.
    var reachableMembers: [UInt64] {
        locked { cluster in members.filter { cluster.isRunning($0) && !cluster.isPaused($0) }.sorted() }
    }

    func isRunning(_ id: UInt64) -> Bool { locked { $0.isRunning(id) } }
    func isPaused(_ id: UInt64) -> Bool { locked { $0.isPaused(id) } }
    func kill(_ id: UInt64) { locked { $0.kill(id) } }
    func restart(_ id: UInt64) throws { try locked { try $0.start(id) } }
    func pause(_ id: UInt64) { locked { $0.pause(id) } }
    func resume(_ id: UInt64) { locked { $0.resume(id) } }

    /// Node `id`'s status, or nil when it does not answer (a paused node is not asked).
    func status(_ id: UInt64) -> NodeStatus? {
        guard let client = locked({ cluster -> WireClient? in
            guard cluster.isRunning(id), !cluster.isPaused(id) else { return nil }
            return try? cluster.client(id, receiveTimeout: 2)
        }) else { return nil }
        guard case .admin(.status(let status))? = try? client.call(.admin(.status)) else { return nil }
        return status
    }

    /// The leader that a majority of the reachable members agree on, if any.
    func leader() -> UInt64? {
        let statuses = reachableMembers.compactMap { status($0) }
        guard let leader = statuses.filter({ $0.role == .leader }).max(by: { $0.term < $1.term }) else { return nil }
        let agreeing = statuses.filter { $0.leaderID == leader.nodeID && $0.term == leader.term }.count
        return agreeing * 2 > statuses.filter(\.isVoter).count ? leader.nodeID : nil
    }

    /// Waits for ``leader()`` with a deadline.
    func waitForLeader(timeout: TimeInterval) throws -> UInt64 {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let leader = leader() { return leader }
            if Date() >= deadline { throw ChaosError("no leader within \(Int(timeout)) s") }
            usleep(100_000)
        }
    }

    /// Starts a node with `--join` and opens its proxy ingress.
    /// - Returns: its id, client address and the peer address to give `add_learner`.
    func startJoiningNode() async throws -> (id: UInt64, clientAddress: String, peerAddress: String) {
        let node = try locked { try $0.addJoiningNode() }
        let ingress = try await proxy.addNode(node.id, peerHost: "127.0.0.1", peerPort: node.peerPort)
        return (node.id, node.clientAddress, ingress)
    }

    /// Records that `id` is a member now (after a successful add).
    func noteAdded(_ id: UInt64) { locked { _ in _ = members.insert(id) } }

    /// Records that `id` left the configuration and stops its process (SIGTERM, then SIGKILL).
    func noteRemovedAndStop(_ id: UInt64) {
        locked { cluster in
            members.remove(id)
            cluster.resume(id)
            cluster.terminate(id, timeout: 10)
        }
    }

    /// Stops a node that never became a member (a failed add).
    func discard(_ id: UInt64) { locked { $0.kill(id) } }

    /// The last lines of node `id`'s log.
    func logTail(_ id: UInt64, lines: Int = 30) -> String { locked { $0.logTail(id, lines: lines) } }

    /// Where the nodes' data and logs are.
    var root: String { locked { $0.root } }

    /// Kills every process; removes the files unless `keepFiles`.
    func shutdown(keepFiles: Bool) {
        locked { cluster in
            cluster.keepsFilesOnShutdown = keepFiles
            cluster.shutdown()
        }
    }
}
