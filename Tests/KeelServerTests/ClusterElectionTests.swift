import Foundation
import KeelTestKit
import KeelWire
import XCTest

final class ClusterElectionTests: ClusterTestCase {
    func testThreeNodesElectOneLeaderThatEveryoneFollows() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let statuses = try cluster.waitFor("every node to know the leader") { () -> [NodeStatus]? in
            let all = [UInt64(1), 2, 3].compactMap { cluster.status($0) }
            return all.count == 3 && all.allSatisfy({ $0.leaderID == leader }) ? all : nil
        }
        XCTAssertEqual(statuses.filter { $0.role == .leader }.map(\.nodeID), [leader])
        XCTAssertEqual(Set(statuses.map(\.term)).count, 1)
        let leaderStatus = try XCTUnwrap(statuses.first { $0.nodeID == leader })
        XCTAssertEqual(Set(leaderStatus.followers.map(\.nodeID)), Set([1, 2, 3]).subtracting([leader]))
        let follower = try XCTUnwrap(statuses.first { $0.nodeID != leader })
        XCTAssertEqual(follower.leaderAddress, cluster.nodes[leader]!.clientAddress)
        XCTAssertTrue(follower.followers.isEmpty)
    }

    func testWritesAndLinearizableReads() throws {
        try writeAndReadLinearizably(extraArguments: [])
    }

    func testWritesAndLinearizableReadsWithAsyncLogWrites() throws {
        try writeAndReadLinearizably(extraArguments: ["--async-log-writes"])
    }

    private func writeAndReadLinearizably(extraArguments: [String]) throws {
        let cluster = try startCluster(extraArguments: extraArguments)
        for index in 0..<20 {
            guard case .put(let applied) = try put("key-\(index)", "value-\(index)") else {
                return XCTFail("put \(index) failed")
            }
            XCTAssertGreaterThan(applied, 0)
            XCTAssertEqual(try get("key-\(index)"), Array("value-\(index)".utf8))
        }
        XCTAssertNil(try get("absent"))
        // A follower refuses linearizable reads and names the leader.
        let leader = try cluster.waitForLeader()
        let follower = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        let answer = try cluster.client(follower).call(.get(key: Array("key-1".utf8), consistency: .linearizable))
        guard case .error(let error) = answer else { return XCTFail("follower answered \(answer)") }
        XCTAssertEqual(error.code, .notLeader)
        XCTAssertEqual(error.leaderID, leader)
        XCTAssertEqual(error.leaderAddress, cluster.nodes[leader]!.clientAddress)
        let write = try cluster.client(follower).call(.write(.put(key: [1], value: [1])))
        guard case .error(let writeError) = write else { return XCTFail("follower accepted a write: \(write)") }
        XCTAssertEqual(writeError.code, .notLeader)
        XCTAssertEqual(writeError.leaderAddress, cluster.nodes[leader]!.clientAddress)
        // A stale read on the follower catches up and carries its applied index.
        let value = try cluster.waitFor("the follower to apply key-19") { () -> [UInt8]? in
            try get("key-19", from: follower, consistency: .stale)
        }
        XCTAssertEqual(value, Array("value-19".utf8))
        // Scans page through keys in order.
        guard case .scan(let entries, let more, _) = try callLeader(.scan(prefix: Array("key-1".utf8), startAfter: nil, limit: 5, consistency: .linearizable)) else {
            return XCTFail("scan failed")
        }
        XCTAssertEqual(entries.map { String(decoding: $0.key, as: UTF8.self) }, ["key-1", "key-10", "key-11", "key-12", "key-13"])
        XCTAssertTrue(more)
    }
}
