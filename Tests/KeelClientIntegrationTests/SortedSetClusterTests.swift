import KeelClient
import KeelTestKit
import Logging
import Synchronization
import XCTest

/// Sorted sets through KeelClient against three real `keel-server` processes: the fanout as
/// one log entry on every node, stable cursor paging under concurrent inserts, and refusals of
/// bad input that change nothing.
final class SortedSetClusterTests: ClusterClientTestCase {
    private func endpoint(of id: UInt64, in cluster: LocalCluster) throws -> KeelEndpoint {
        try KeelEndpoint(parsing: cluster.nodes[id]!.clientAddress)
    }

    // MARK: - Fanout

    func testFanoutIntoFiveThousandSetsIsOneEntryAndVisibleOnEveryNode() async throws {
        let (cluster, leader) = try self.startCluster()
        let client = try self.makeClient(for: cluster)
        // A first write settles the leader's first entries and the client's idea of the leader.
        try await client.put("warm-up".utf8, value: [1])
        let leaderEndpoint = try self.endpoint(of: leader, in: cluster)
        let before = try await client.status(of: leaderEndpoint)
        XCTAssertEqual(before.role, .leader)

        let sets = (0..<5_000).map { Array("timeline:\($0)".utf8) }
        let changes = try await client.zaddToMany(sets, member: "post:1".utf8, score: 1_700_000_000_000, maxLength: 3_600)

        let after = try await client.status(of: leaderEndpoint)
        XCTAssertEqual(after.term, before.term, "a leader change would add entries of its own")
        XCTAssertEqual(after.lastLogIndex, before.lastLogIndex + 1, "the fanout must be exactly one log entry")
        XCTAssertEqual(changes.appliedIndex, before.lastLogIndex + 1)
        XCTAssertEqual(changes, SortedSetChanges(added: 5_000, updated: 0, removed: 0, appliedIndex: changes.appliedIndex))

        for id in cluster.nodes.keys.sorted() {
            let nodeClient = try self.makeClient(for: cluster, only: [id])
            try await self.waitUntilApplied(changes.appliedIndex, by: nodeClient, node: id)
            let missing = try await withThrowingTaskGroup(of: Int.self) { group in
                for set in sets {
                    group.addTask {
                        let score = try await nodeClient.zscore(set, member: "post:1".utf8, consistency: .stale)
                        return score == 1_700_000_000_000 ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            XCTAssertEqual(missing, 0, "node \(id) lacks the member in \(missing) of 5,000 sets")
            let count = try await nodeClient.zcount(sets[4_999], consistency: .stale)
            XCTAssertEqual(count, 1, "node \(id)")
            let page = try await nodeClient.zrange(sets[0], limit: 10, consistency: .stale)
            XCTAssertEqual(page.members, [SortedSetMember(member: Array("post:1".utf8), score: 1_700_000_000_000)])
            XCTAssertNil(page.nextCursor)
            XCTAssertGreaterThanOrEqual(page.appliedIndex, changes.appliedIndex)
        }

        // Undoing the fanout is one entry too.
        let removed = try await client.zremFromMany(sets, member: "post:1".utf8)
        XCTAssertEqual(removed.removed, 5_000)
        XCTAssertEqual(removed.appliedIndex, changes.appliedIndex + 1)
        let emptied = try await client.zcount(sets[17])
        XCTAssertEqual(emptied, 0)
    }

    /// Waits until the node a single-node client talks to has applied `index` (stale reads
    /// report the serving node's applied index).
    private func waitUntilApplied(_ index: UInt64, by client: KeelClient, node: UInt64) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(30)
        while try await client.read("warm-up".utf8, consistency: .stale).appliedIndex < index {
            guard clock.now < deadline else {
                XCTFail("node \(node) did not apply index \(index) in time")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    // MARK: - Cursor paging

    /// What a walker saw, and the writer's progress.
    private final class Walk: Sendable {
        let stop = Atomic<Bool>(false)
        let inserted = Atomic<Int>(0)
    }

    func testAFanoutAcknowledgedAtCommitIsSeenByTheNextReadAndReportsItsApply() async throws {
        let (cluster, _) = try self.startCluster()
        let client = try self.makeClient(for: cluster)
        let sets = (0..<500).map { Array("committed:\($0)".utf8) }
        let write = try await client.zaddEntryToManyCommitted(sets, member: "post:1".utf8, score: 7, maxLength: 100)
        let index = try XCTUnwrap(write.index, "the node announces the commit")
        // Linearizable reads that start now see the write: they wait for its apply.
        let page = try await client.zrange(sets[499], limit: 10)
        XCTAssertEqual(page.members, [SortedSetMember(member: Array("post:1".utf8), score: 7)])
        XCTAssertGreaterThanOrEqual(page.appliedIndex, index)
        let changes = try await write.result()
        XCTAssertEqual(changes, SortedSetChanges(added: 500, updated: 0, removed: 0, appliedIndex: index))

        // A write refused when applied is committed all the same; its result says why.
        try await client.zadd("member-keyed".utf8, member: "a".utf8, score: 1)
        let refused = try await client.zaddEntryToManyCommitted([Array("member-keyed".utf8)], member: "b".utf8, score: 2)
        XCTAssertNotNil(refused.index)
        do {
            _ = try await refused.result()
            XCTFail("an entry into a member-keyed set must fail when applied")
        } catch KeelError.invalidArgument(let message) {
            XCTAssertTrue(message.contains("entry-keyed"), message)
        }
        let members = try await client.zrange("member-keyed".utf8, limit: 10)
        XCTAssertEqual(members.members, [SortedSetMember(member: Array("a".utf8), score: 1)])

        // Invalid input is refused before anything is committed.
        do {
            _ = try await client.zaddEntryToManyCommitted([[]], member: "c".utf8, score: 3)
            XCTFail("an empty set key must be refused")
        } catch KeelError.invalidArgument {
        }
    }

    func testCursorWalksWhileAnotherClientInsertsSeeEveryOlderMemberExactlyOnce() async throws {
        let (cluster, _) = try self.startCluster()
        let reader = try self.makeClient(for: cluster)
        let writer = try self.makeClient(for: cluster)
        let set = Array("timeline:walk".utf8)
        // 900 members with scores 1 ... 900; their ids sort differently from their scores.
        let older = (1...900).map { SortedSetMember(member: Array("old:\(($0 * 7_919) % 10_007)".utf8), score: Double($0)) }
        for chunk in stride(from: 0, to: older.count, by: 300) {
            try await reader.zadd(set, members: Array(older[chunk..<min(chunk + 300, older.count)]))
        }
        let olderMembers = Set(older.map(\.member))

        for order in SortedSetOrder.allCases {
            let walk = Walk()
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The writer adds newer members: at the head, at the tail, and between the older
                // scores (ties included), until the walk is over.
                group.addTask {
                    var next = 0
                    while !walk.stop.load(ordering: .relaxed) {
                        next += 1
                        let between = Double(next % 900) + (next.isMultiple(of: 3) ? 0 : 0.5)
                        try await writer.zadd(set, members: [
                            SortedSetMember(member: Array("new:\(order):\(next):head".utf8), score: 10_000 + Double(next)),
                            SortedSetMember(member: Array("new:\(order):\(next):tail".utf8), score: -Double(next)),
                            SortedSetMember(member: Array("new:\(order):\(next):mid".utf8), score: between),
                        ])
                        walk.inserted.add(1, ordering: .relaxed)
                    }
                }
                defer { walk.stop.store(true, ordering: .relaxed) }
                // Let inserts flow before the walk starts, and keep them flowing throughout.
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(30)
                while walk.inserted.load(ordering: .relaxed) < 5 {
                    guard clock.now < deadline else { return XCTFail("the writer made no progress") }
                    try await Task.sleep(for: .milliseconds(10))
                }

                var seen: [SortedSetMember] = []
                var cursor: SortedSetCursor?
                var pages = 0
                repeat {
                    let page = try await reader.zrange(set, order: order, from: cursor.map { .after($0) } ?? .beginning, limit: 30)
                    XCTAssertLessThanOrEqual(page.members.count, 30)
                    if page.nextCursor != nil {
                        XCTAssertEqual(page.nextCursor.map { SortedSetMember(member: $0.member, score: $0.score) }, page.members.last)
                    }
                    seen += page.members
                    cursor = page.nextCursor
                    pages += 1
                    // Give the writer room to land inserts between pages.
                    try await Task.sleep(for: .milliseconds(2))
                } while cursor != nil && pages < 10_000
                walk.stop.store(true, ordering: .relaxed)
                try await group.waitForAll()

                let insertedDuringWalk = walk.inserted.load(ordering: .relaxed)
                XCTAssertGreaterThan(insertedDuringWalk, 5, "the walk must run while inserts happen")
                XCTAssertEqual(Set(seen.map(\.member)).count, seen.count, "\(order): a member appeared twice")
                XCTAssertEqual(olderMembers.subtracting(seen.map(\.member)), [], "\(order): older members were skipped")
                XCTAssertEqual(seen.filter { olderMembers.contains($0.member) }.count, older.count)
                // Strictly in order by (score, member), as a cursor walk must be.
                for (first, second) in zip(seen, seen.dropFirst()) {
                    let ascending = first.score < second.score
                        || (first.score == second.score && first.member.lexicographicallyPrecedes(second.member))
                    XCTAssertEqual(ascending, order == .oldestFirst, "\(order): \(first) then \(second)")
                }
                print("\(order) walk: \(pages) pages, \(seen.count) members, \(insertedDuringWalk) inserts by the writer")
            }
        }
    }

    // MARK: - Merged ranges and housekeeping

    func testMergedWalkTrimAndScoreRemovalThroughTheClient() async throws {
        let (cluster, _) = try self.startCluster()
        let client = try self.makeClient(for: cluster)
        let sources = (0..<3).map { Array("posts:\($0)".utf8) }
        // 60 posts, each in one or two of the three sets, always with the same score (a fanout).
        for post in 0..<60 {
            let targets = post.isMultiple(of: 4) ? [sources[post % 3], sources[(post + 1) % 3]] : [sources[post % 3]]
            try await client.zaddToMany(targets, member: "post:\(post)".utf8, score: Double(post))
        }

        var seen: [SortedSetMember] = []
        var cursor: SortedSetCursor?
        repeat {
            let page = try await client.zmerged(sources, from: cursor.map { .after($0) } ?? .beginning, limit: 7)
            seen += page.members
            cursor = page.nextCursor
        } while cursor != nil
        XCTAssertEqual(seen.map(\.score), (0..<60).reversed().map(Double.init), "every post once, newest first")
        XCTAssertEqual(Set(seen.map(\.member)).count, 60)

        let fromScore = try await client.zmerged(sources, order: .oldestFirst, from: .score(55), limit: 100)
        XCTAssertEqual(fromScore.members.map(\.score), [55, 56, 57, 58, 59])
        XCTAssertNil(fromScore.nextCursor)

        // Offset paging on one set, then housekeeping.
        let set = sources[0]
        let total = try await client.zcount(set)
        let second = try await client.zrange(set, order: .oldestFirst, from: .offset(5), limit: 5)
        let all = try await client.zrange(set, order: .oldestFirst, limit: 100)
        XCTAssertEqual(all.members.count, Int(total))
        XCTAssertEqual(second.members, Array(all.members[5..<10]))

        let trimmed = try await client.ztrim(set, maxLength: 10)
        XCTAssertEqual(trimmed.removed, total - 10)
        let kept = try await client.zrange(set, limit: 100)
        XCTAssertEqual(kept.members, Array(all.members.suffix(10).reversed()), "trim keeps the highest scores")

        let lowest = try XCTUnwrap(kept.members.last?.score)
        let removed = try await client.zremRangeByScore(set, minimum: -.infinity, maximum: lowest)
        XCTAssertEqual(removed.removed, 1)
        let remaining = try await client.zcount(set)
        XCTAssertEqual(remaining, 9)
        let score = try await client.zscore(set, member: kept.members[0].member)
        XCTAssertEqual(score, kept.members[0].score)

        let deleted = try await client.zdelete(set)
        XCTAssertEqual(deleted.removed, 9)
        let gone = try await client.zrange(set, limit: 10)
        XCTAssertEqual(gone.members, [])
        XCTAssertNil(gone.nextCursor)
    }

    // MARK: - Bad input

    func testBadInputGetsTypedErrorsAndChangesNothing() async throws {
        let (cluster, leader) = try self.startCluster()
        let client = try self.makeClient(for: cluster)
        let feed = Array("feed".utf8)
        try await client.zadd(feed, member: "a".utf8, score: 1)
        let leaderEndpoint = try self.endpoint(of: leader, in: cluster)
        let before = try await client.status(of: leaderEndpoint)

        let oversizeKey = [UInt8](repeating: 0x6B, count: 1_025)
        let oversizeMember = [UInt8](repeating: 0x6D, count: 1_025)
        let tooManySets = (0...10_000).map { Array("t:\($0)".utf8) }
        let tooManyMergedSets = (0...1_000).map { Array("t:\($0)".utf8) }
        // Each call, and words its error message must contain (the limit it broke).
        let cases: [(String, [String], @Sendable () async throws -> Void)] = [
            ("empty set key", ["empty", "1024"], { try await client.zadd([UInt8](), member: "b".utf8, score: 1) }),
            ("oversize set key", ["1025", "1024"], { try await client.zadd(oversizeKey, member: "b".utf8, score: 1) }),
            ("NaN score", ["NaN"], { try await client.zadd(feed, member: "b".utf8, score: .nan) }),
            ("NaN among members", ["NaN"], {
                try await client.zadd(feed, members: [SortedSetMember(member: [9], score: 9), SortedSetMember(member: [8], score: .nan)])
            }),
            ("oversize member", ["1025", "1024"], { try await client.zadd(feed, member: oversizeMember, score: 2) }),
            ("no members", ["at least one"], { try await client.zadd(feed, members: []) }),
            ("max length 0", ["at least 1"], { try await client.zadd(feed, member: "b".utf8, score: 2, maxLength: 0) }),
            ("fanout with an empty set key", ["empty"], {
                try await client.zaddToMany([Array("x".utf8), []], member: "b".utf8, score: 2)
            }),
            ("fanout into too many sets", ["10001", "10000"], {
                try await client.zaddToMany(tooManySets, member: "b".utf8, score: 2)
            }),
            ("fanout with NaN", ["NaN"], { try await client.zaddToMany([feed], member: "b".utf8, score: .nan) }),
            ("removal from too many sets", ["10001", "10000"], { try await client.zremFromMany(tooManySets, member: "a".utf8) }),
            ("trim to 0", ["at least 1"], { try await client.ztrim(feed, maxLength: 0) }),
            ("NaN score bound", ["NaN"], { try await client.zremRangeByScore(feed, minimum: .nan, maximum: 5) }),
            ("empty set key removal", ["empty"], { try await client.zdelete([UInt8]()) }),
            ("limit 0", ["1 to 10000"], { _ = try await client.zrange(feed, limit: 0) }),
            ("limit above the maximum", ["10001", "1 to 10000"], { _ = try await client.zrange(feed, limit: 10_001) }),
            ("offset above the maximum", ["100001", "100000"], { _ = try await client.zrange(feed, from: .offset(100_001), limit: 5) }),
            ("NaN cursor", ["NaN"], {
                _ = try await client.zrange(feed, from: .after(SortedSetCursor(score: .nan, member: [1])), limit: 5)
            }),
            ("merged range of too many sets", ["1001", "1000"], { _ = try await client.zmerged(tooManyMergedSets, limit: 5) }),
            ("merged range from an offset", ["merged ranges take no offset"], {
                _ = try await client.zmerged([feed], from: .offset(1), limit: 5)
            }),
            ("stale read of an empty set key", ["empty"], { _ = try await client.zcount([UInt8](), consistency: .stale) }),
            ("score of an oversize member", ["1025"], { _ = try await client.zscore(feed, member: oversizeMember) }),
        ]
        for (name, words, call) in cases {
            do {
                try await call()
                XCTFail("\(name): accepted")
            } catch KeelError.invalidArgument(let message) {
                for word in words {
                    XCTAssertTrue(message.contains(word), "\(name): \"\(message)\" does not mention \(word)")
                }
            } catch {
                XCTFail("\(name): expected invalidArgument, got \(error)")
            }
        }

        let after = try await client.status(of: leaderEndpoint)
        XCTAssertEqual(after.lastLogIndex, before.lastLogIndex, "refused writes must not take log entries")
        let count = try await client.zcount(feed)
        XCTAssertEqual(count, 1)
        let page = try await client.zrange(feed, limit: 10)
        XCTAssertEqual(page.members, [SortedSetMember(member: Array("a".utf8), score: 1)])
        let stray = try await client.zcount("x".utf8)
        XCTAssertEqual(stray, 0)
    }
}
