import Foundation
import XCTest

/// The `cluster/` scripts and keelctl, run as an operator would, against three real nodes.
final class ClusterScriptTests: XCTestCase {
    private var cluster: ScriptedCluster!

    override func setUpWithError() throws {
        cluster = try ScriptedCluster()
    }

    override func tearDown() {
        cluster?.shutdown()
        cluster = nil
    }

    func testOperatorWalkThrough() throws {
        // up: three nodes and one leader; a second up says so and changes nothing.
        try cluster.runSuccessfully("up")
        let first = try cluster.status()
        XCTAssertEqual(first.nodes.count, 3)
        XCTAssertTrue(first.nodes.allSatisfy(\.reachable))
        XCTAssertEqual(first.leaders.count, 1)
        let firstLeader = try XCTUnwrap(first.leader)
        let again = try cluster.runSuccessfully("up")
        XCTAssertTrue(again.contains("already running"), again)
        XCTAssertEqual(try cluster.status().nodes.count, 3)
        XCTAssertEqual(cluster.pidsInRunDirectory().count, 3)

        let put = try cluster.keelctl(["kv", "put", "greeting", "hello"])
        XCTAssertEqual(put.status, 0, put.output)

        // Transfer leadership to a follower.
        let target = try XCTUnwrap(first.nodes.compactMap(\.id).first { $0 != firstLeader })
        let transfer = try cluster.keelctl(["leader", "transfer", "--to", "\(target)", "--timeout", "20"])
        XCTAssertEqual(transfer.status, 0, transfer.output)
        try cluster.waitFor("node \(target) to lead") { try cluster.status().leader == target ? true : nil }

        // Kill the leader: another node takes over.
        try cluster.runSuccessfully("kill", "\(target)")
        let successor = try cluster.waitFor("a new leader") { () -> UInt64? in
            let status = try cluster.status()
            guard let leader = status.leader, leader != target else { return nil }
            return leader
        }
        XCTAssertNotEqual(successor, target)
        let read = try cluster.keelctl(["kv", "get", "greeting"])
        XCTAssertEqual(read.status, 0, read.output)
        XCTAssertEqual(read.output.trimmingCharacters(in: .whitespacesAndNewlines), "hello")

        // Restart it: it comes back as a follower and catches up.
        try cluster.runSuccessfully("restart", "\(target)")
        try cluster.waitFor("node \(target) to follow again") { () -> Bool? in
            let node = try cluster.status().nodes.first { $0.id == target }
            return node?.reachable == true && node?.role == "follower" && node?.lag == 0 ? true : nil
        }

        // Add a fourth node: learner, catch up, voter.
        let added = try cluster.runSuccessfully("add-node", "4")
        XCTAssertTrue(added.contains("node 4 is a voter"), added)
        let four = try cluster.status(nodes: 4)
        XCTAssertEqual(four.nodes.count, 4)
        XCTAssertEqual(four.nodes.filter { $0.voter == true }.count, 4)
        XCTAssertEqual(four.leaders.count, 1)
        let members = try cluster.keelctl(["members", "list", "--json"])
        XCTAssertEqual(members.status, 0, members.output)
        XCTAssertTrue(members.output.contains("\"id\" : 4"), members.output)
        XCTAssertEqual(try cluster.keelctl(["health"], nodes: 4).status, 0)

        // down: every process the scripts started is gone; a second down says so.
        let pids = cluster.pidsInRunDirectory()
        XCTAssertEqual(pids.count, 4)
        try cluster.runSuccessfully("down")
        XCTAssertEqual(cluster.livePIDs, [])
        XCTAssertTrue(cluster.pidsInRunDirectory().isEmpty)
        XCTAssertTrue(try cluster.runSuccessfully("down").contains("not running"))
        let unreachable = try cluster.keelctl(["health", "--timeout", "1"])
        XCTAssertEqual(unreachable.status, 2, unreachable.output)
    }

    func testKeelctlReportsFailuresWithDistinctStatuses() throws {
        try cluster.runSuccessfully("up")
        try checkSortedSetCommands()
        XCTAssertEqual(try cluster.keelctl(["kv", "get", "absent"]).status, 9)
        let unknown = try cluster.keelctl(["members", "promote", "8"])
        XCTAssertEqual(unknown.status, 5, unknown.output)
        XCTAssertTrue(unknown.output.contains("not a member"), unknown.output)
        let wrongCluster = try cluster.keelctl(["status", "--cluster-id", "another-cluster", "--timeout", "2"])
        XCTAssertEqual(wrongCluster.status, 8, wrongCluster.output)
        let usage = try cluster.keelctl(["members", "add-learner", "5", "not-an-address"])
        XCTAssertEqual(usage.status, 64, usage.output)

        // Two of three voters gone: nodes answer but nobody leads.
        let leader = try XCTUnwrap(try cluster.status().leader)
        for node in 1...3 where UInt64(node) != leader {
            try cluster.runSuccessfully("kill", "\(node)")
        }
        let health = try cluster.waitFor("the lone node to lose its leadership") { () -> ScriptedCluster.ScriptResult? in
            let result = try cluster.keelctl(["health", "--timeout", "1"])
            return result.status == 3 ? result : nil
        }
        XCTAssertTrue(health.output.contains("no leader"), health.output)
        let write = try cluster.keelctl(["kv", "put", "k", "v", "--timeout", "2"])
        XCTAssertTrue([3, 6].contains(write.status), "exit \(write.status): \(write.output)")
    }

    /// `keelctl zset`: add, count, page through with the printed cursor, remove, bad input.
    private func checkSortedSetCommands() throws {
        let add = try cluster.keelctl(["zset", "add", "feed:1", "1", "a", "2", "b", "3", "c"])
        XCTAssertEqual(add.status, 0, add.output)
        XCTAssertTrue(add.output.contains("added 3"), add.output)
        XCTAssertEqual(try cluster.keelctl(["zset", "count", "feed:1"]).output.trimmingCharacters(in: .whitespacesAndNewlines), "3")

        struct Page: Decodable {
            struct Entry: Decodable { var member: String; var score: Double }
            var members: [Entry]
            var nextScore: Double?
            var nextMember: String?
        }
        func page(_ extra: [String]) throws -> Page {
            let result = try cluster.keelctl(["zset", "range", "feed:1", "--limit", "2", "--json"] + extra)
            XCTAssertEqual(result.status, 0, result.output)
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase  // keelctl --json writes snake_case
            return try decoder.decode(Page.self, from: Data(result.output.utf8))
        }
        let first = try page([])
        XCTAssertEqual(first.members.map(\.member), ["c", "b"])
        XCTAssertEqual(first.nextMember, "b")
        let second = try page(["--after-score", "\(try XCTUnwrap(first.nextScore))", "--after-member", "b"])
        XCTAssertEqual(second.members.map(\.member), ["a"])
        XCTAssertNil(second.nextMember)

        let remove = try cluster.keelctl(["zset", "rem", "feed:1", "b"])
        XCTAssertTrue(remove.output.contains("removed 1"), remove.output)
        XCTAssertEqual(try cluster.keelctl(["zset", "count", "feed:1"]).output.trimmingCharacters(in: .whitespacesAndNewlines), "2")
        XCTAssertEqual(try cluster.keelctl(["zset", "add", "feed:1", "nan", "x"]).status, 64)
        XCTAssertEqual(try cluster.keelctl(["zset", "count", "feed:1"]).output.trimmingCharacters(in: .whitespacesAndNewlines), "2")

        // An entry-keyed set: the same member twice with two scores, a removal by both.
        let entries = try cluster.keelctl(["zset", "add", "--entry-keyed", "timeline:1", "1", "a", "2", "a", "2", "a"])
        XCTAssertTrue(entries.output.contains("added 2"), entries.output)
        let removeEntry = try cluster.keelctl(["zset", "rem", "--entry-keyed", "timeline:1", "1", "a"])
        XCTAssertTrue(removeEntry.output.contains("removed 1"), removeEntry.output)
        // A member-keyed write to it is refused by the node (INVALID_ARGUMENT) and changes nothing.
        let wrongKind = try cluster.keelctl(["zset", "add", "timeline:1", "3", "b"])
        XCTAssertNotEqual(wrongKind.status, 0, wrongKind.output)
        XCTAssertTrue(wrongKind.output.contains("entry-keyed"), wrongKind.output)
        XCTAssertEqual(try cluster.keelctl(["zset", "count", "timeline:1"]).output.trimmingCharacters(in: .whitespacesAndNewlines), "1")
    }
}
