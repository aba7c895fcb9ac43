import Foundation
import XCTest

/// docs/operations.md, "Quorum lost for good", step by step: two of three nodes are gone for
/// good, the survivor restarts alone with --force-new-cluster (cluster/recover), keeps its
/// committed data, and grows back to a replicated cluster with add-node.
final class QuorumLossRecoveryTests: XCTestCase {
    private var cluster: ScriptedCluster!

    override func setUpWithError() throws {
        cluster = try ScriptedCluster()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    func testSurvivorBecomesAOneNodeClusterWithItsDataAndGrowsAgain() throws {
        try cluster.runSuccessfully("up")
        for index in 1...20 {
            let put = try cluster.keelctl(["kv", "put", "key-\(index)", "value-\(index)"])
            XCTAssertEqual(put.status, 0, put.output)
        }
        XCTAssertEqual(try cluster.keelctl(["kv", "incr", "counter", "--by", "7"]).status, 0)
        // Every node has every write, so whichever survives holds them all (Raft promises
        // only the committed prefix; this makes the check exact).
        try cluster.waitFor("every node to apply every write") { () -> Bool? in
            let status = try cluster.status()
            let applied = Set(status.nodes.compactMap(\.appliedIndex))
            return status.nodes.allSatisfy(\.reachable) && applied.count == 1 ? true : nil
        }

        // Recovery refuses while the others still run.
        let refused = try cluster.run("recover", "1")
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.output.contains("still run"), refused.output)

        try cluster.runSuccessfully("kill", "2")
        try cluster.runSuccessfully("kill", "3")
        try cluster.waitFor("node 1 to have no leader") { () -> Bool? in
            try cluster.keelctl(["health", "--timeout", "1"]).status == 3 ? true : nil
        }

        let recovered = try cluster.runSuccessfully("recover", "1")
        XCTAssertTrue(recovered.contains("one-node cluster"), recovered)
        let alone = try cluster.status(nodes: 1)
        XCTAssertEqual(alone.leader, 1)
        let members = try cluster.keelctl(["members", "list", "--json"], nodes: 1)
        XCTAssertEqual(members.status, 0, members.output)
        XCTAssertTrue(members.output.contains("\"id\" : 1"), members.output)
        XCTAssertFalse(members.output.contains("\"id\" : 2"), members.output)
        XCTAssertFalse(members.output.contains("\"id\" : 3"), members.output)

        // The committed data survived, and the cluster takes writes again.
        for index in [1, 10, 20] {
            let read = try cluster.keelctl(["kv", "get", "key-\(index)"], nodes: 1)
            XCTAssertEqual(read.status, 0, read.output)
            XCTAssertEqual(read.output.trimmingCharacters(in: .whitespacesAndNewlines), "value-\(index)")
        }
        let counter = try cluster.keelctl(["kv", "incr", "counter"], nodes: 1)
        XCTAssertEqual(counter.output.trimmingCharacters(in: .whitespacesAndNewlines), "8", counter.output)

        // A restart without the flag keeps the new membership.
        try cluster.runSuccessfully("restart", "1")
        try cluster.waitFor("node 1 to lead again") { try cluster.status(nodes: 1).leader == 1 ? true : nil }

        // Node 2 comes back as a new, empty member and receives everything.
        let added = try cluster.runSuccessfully("add-node", "2")
        XCTAssertTrue(added.contains("node 2 is a voter"), added)
        let two = try cluster.status(nodes: 2)
        XCTAssertEqual(two.nodes.filter { $0.voter == true }.count, 2)
        let stale = try cluster.keelctl(["kv", "get", "key-20", "--consistency", "stale", "--endpoints", cluster.clientAddress(2)])
        XCTAssertEqual(stale.output.trimmingCharacters(in: .whitespacesAndNewlines), "value-20", stale.output)

        try cluster.runSuccessfully("down")
        XCTAssertEqual(cluster.livePIDs, [])
    }
}
