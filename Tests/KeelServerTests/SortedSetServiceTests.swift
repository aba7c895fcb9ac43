import Foundation
import KeelTestKit
import KeelWire
import XCTest

/// Sorted-set requests at the wire level against real nodes: where they may be served,
/// exactly-once retries, and impossible fields.
final class SortedSetServiceTests: ClusterTestCase {
    private let timeline = Array("timeline:7".utf8)

    func testFollowersRedirectWritesAndLinearizableReadsAndServeStaleReads() throws {
        let cluster = try startCluster()
        let members = [SortedSetMember(member: [1], score: 10), SortedSetMember(member: [2], score: 20)]
        let added = try callLeader(.sortedSet(.add(set: timeline, members: members, mode: .upsert, maxLength: nil)))
        guard case .sortedSet(.changes(let changes)) = added else { return XCTFail("add answered \(added)") }
        XCTAssertEqual(changes.added, 2)

        let leader = try cluster.waitForLeader()
        let followerID = try XCTUnwrap([UInt64(1), 2, 3].first { $0 != leader })
        let follower = try cluster.client(followerID)
        let write = try follower.call(.sortedSet(.delete(set: timeline)))
        guard case .error(let writeError) = write else { return XCTFail("a follower applied a write: \(write)") }
        XCTAssertEqual(writeError.code, .notLeader)
        XCTAssertEqual(writeError.leaderAddress, cluster.nodes[leader]?.clientAddress)
        let linearizable = try follower.call(.sortedSet(.count(set: timeline, consistency: .linearizable)))
        guard case .error(let readError) = linearizable else { return XCTFail("a follower served a linearizable read") }
        XCTAssertEqual(readError.code, .notLeader)

        let page = try cluster.waitFor("the follower to apply the add") { () -> SortedSetPage? in
            let result = try follower.call(
                .sortedSet(.range(set: timeline, order: .newestFirst, start: .beginning, limit: 10, consistency: .stale))
            )
            guard case .sortedSet(.page(let page)) = result, page.appliedIndex >= changes.appliedIndex else { return nil }
            return page
        }
        XCTAssertEqual(page.members, members.reversed())
        XCTAssertNil(page.nextCursor)
    }

    func testARetriedWriteIsAnsweredWithTheFirstResultAndAppliedOnce() throws {
        _ = try startCluster()
        let add = ClientOperation.sortedSet(
            .add(set: timeline, members: [SortedSetMember(member: [9], score: 1)], mode: .onlyIfAbsent, maxLength: nil)
        )
        let first = try callLeader(add, session: WriteSession(clientID: 77, sequence: 1))
        let retry = try callLeader(add, session: WriteSession(clientID: 77, sequence: 1))
        // Applied again, an only-if-absent add would report nothing added: the retry gets the
        // first result instead.
        for result in [first, retry] {
            guard case .sortedSet(.changes(let changes)) = result else { return XCTFail("add answered \(result)") }
            XCTAssertEqual(changes.added, 1)
        }
        let next = try callLeader(add, session: WriteSession(clientID: 77, sequence: 2))
        guard case .sortedSet(.changes(let nextChanges)) = next else { return XCTFail("add answered \(next)") }
        XCTAssertEqual(nextChanges.added, 0, "a new write with the same member adds nothing")
        let count = try callLeader(.sortedSet(.count(set: timeline, consistency: .linearizable)))
        guard case .sortedSet(.count(let members, _)) = count else { return XCTFail("count answered \(count)") }
        XCTAssertEqual(members, 1)
    }

    func testAnUnknownAddModeIsInvalidArgumentAndTheConnectionStaysOpen() throws {
        let cluster = try startCluster()
        let leader = try cluster.waitForLeader()
        let client = try cluster.client(leader)
        // Request{id: 5, sorted_set_add (field 40): {set: "s", mode: 9}}.
        try client.writeRaw(WireClient.frame([0x08, 0x05, 0xC2, 0x02, 0x05, 0x0A, 0x01, 0x73, 0x18, 0x09]))
        let response = try client.receive()
        XCTAssertEqual(response.id, 5)
        guard case .error(let error) = response.result else { return XCTFail("an unknown mode was accepted") }
        XCTAssertEqual(error.code, .invalidArgument)
        XCTAssertTrue(error.message.contains("sorted_set_add.mode"), error.message)

        let count = try client.call(.sortedSet(.count(set: Array("s".utf8), consistency: .stale)))
        guard case .sortedSet(.count(let members, _)) = count else { return XCTFail("the connection stopped serving: \(count)") }
        XCTAssertEqual(members, 0)
    }
}
