@testable import KeelStore
import RocksDB
import XCTest

final class SetSummaryCacheTests: XCTestCase {
    private func summary(_ count: UInt64) -> SetSummary {
        SetSummary(count: count, lowestScore: 100 + count, head: [ScoredEntry(score: 100 + count, member: bytes("m"))])
    }

    func testStoresAndReplacesSummaries() {
        let cache = SetSummaryCache(capacity: 10)
        XCTAssertNil(cache.summary(of: bytes("a")))
        cache.store(summary(1), for: bytes("a"))
        cache.store(summary(2), for: bytes("b"))
        cache.store(summary(3), for: bytes("a"))
        XCTAssertEqual(cache.summary(of: bytes("a")), summary(3))
        XCTAssertEqual(cache.summary(of: bytes("b")), summary(2))
        XCTAssertEqual(cache.count, 2)
        cache.removeAll()
        XCTAssertNil(cache.summary(of: bytes("a")))
        XCTAssertEqual(cache.count, 0)
    }

    func testStaysWithinCapacityAndKeepsSetsInUse() {
        let cache = SetSummaryCache(capacity: 4)
        cache.store(summary(0), for: bytes("hot"))
        for index in 1...50 {
            cache.store(summary(UInt64(index)), for: bytes("cold\(index)"))
            // Reading the hot set every time keeps it in the young generation.
            XCTAssertEqual(cache.summary(of: bytes("hot")), summary(0), "after \(index) cold sets")
            XCTAssertLessThanOrEqual(cache.count, 4)
        }
        XCTAssertNil(cache.summary(of: bytes("cold1")))
        XCTAssertEqual(cache.summary(of: bytes("cold50")), summary(50))
    }

    func testAnOldGenerationHitIsMovedBackAndUpdatesWin() {
        let cache = SetSummaryCache(capacity: 4)
        cache.store(summary(1), for: bytes("a"))
        cache.store(summary(2), for: bytes("b"))
        // The young generation (2 sets) is full: "a" and "b" become old.
        cache.store(summary(3), for: bytes("c"))
        cache.store(summary(9), for: bytes("a"))
        XCTAssertEqual(cache.summary(of: bytes("a")), summary(9))
        XCTAssertEqual(cache.summary(of: bytes("b")), summary(2))
        XCTAssertLessThanOrEqual(cache.count, 4)
    }

    func testZeroCapacityHoldsNothing() {
        let cache = SetSummaryCache(capacity: 0)
        cache.store(summary(1), for: bytes("a"))
        XCTAssertNil(cache.summary(of: bytes("a")))
        XCTAssertEqual(cache.count, 0)
    }
}

/// The cache inside a running store: it must follow every group and forget everything on reload.
final class SetSummaryCacheStoreTests: StoreTestCase {
    func testReloadForgetsCountsOfReplacedData() throws {
        let feed = bytes("feed")
        try apply(.add(set: feed, members: [scored("a", 1), scored("b", 2), scored("c", 3)], mode: .upsert, maxLength: nil))
        // Replace the set behind the store's back, as installing a snapshot does: one member.
        let data = try XCTUnwrap(database.columnFamily(named: KeelStore.dataColumnFamilyName))
        for tag in [DataKey.entryTag, DataKey.memberTag] {
            let prefix = DataKey.setPrefix(tag, feed)
            try database.deleteRange(from: prefix, to: DataKey.prefixEnd(prefix)!, in: data)
        }
        var key: [UInt8] = []
        DataKey.entry(feed, score: OrderedScore.encode(5), member: bytes("z"), into: &key)
        try database.put(key, [], in: data)
        DataKey.member(feed, bytes("z"), into: &key)
        try database.put(key, DataKey.bigEndian(OrderedScore.encode(5)), in: data)
        DataKey.count(feed, into: &key)
        try database.put(key, DataKey.bigEndian(1) + DataKey.bigEndian(OrderedScore.encode(5)), in: data)
        try store.reload()

        // With a stale count of 3 this would trim; with the reloaded count of 1 it must not.
        XCTAssertEqual(try apply(.add(set: feed, members: [scored("d", 6)], mode: .upsert, maxLength: 2)), .sortedSet(added: 1, updated: 0, removed: 0))
        XCTAssertEqual(try allMembers("feed"), [scored("z", 5), scored("d", 6)])
        XCTAssertEqual(try view.count(of: feed), 2)
    }

    func testCountsFollowEveryGroupWithoutReadingThemBack() throws {
        let feeds = (0..<20).map { bytes("feed\($0)") }
        for round in 0..<30 {
            let sets = Array(feeds[(round % 4)...].prefix(12))
            let snapshot = try view
            let full = try sets.filter { try snapshot.count(of: $0) == 5 }.count
            XCTAssertEqual(
                try apply(.addToMany(sets: sets, member: bytes("post\(round)"), score: Double(round), mode: .upsert, maxLength: 5)),
                .sortedSet(added: UInt64(sets.count), updated: 0, removed: UInt64(full))
            )
        }
        try apply(.deleteSet(set: feeds[4]))
        try apply(.addToMany(sets: [feeds[4], feeds[5]], member: bytes("late"), score: 100, mode: .upsert, maxLength: 5))
        for feed in feeds {
            let members = try allMembers(String(decoding: feed, as: UTF8.self), pageSize: 10)
            XCTAssertEqual(try view.count(of: feed), UInt64(members.count))
            XCTAssertLessThanOrEqual(members.count, 5)
        }
        XCTAssertEqual(try view.count(of: feeds[4]), 1)
        XCTAssertEqual(try view.count(of: feeds[5]), 5)
    }
}

/// Long feeds trimmed over many groups, so trims take their victims from cached heads, while
/// other commands change the members at and around the head; checked against the reference
/// after every group.
final class CachedHeadTests: StoreTestCase {
    func testTrimsFromCachedHeadsMatchTheReference() throws {
        var generator = SeededGenerator(seed: 42)
        var model = ReferenceStore()
        let feeds = [bytes("feed"), bytes("feed2")]
        let pool = (0..<60).map { bytes("p\($0)") }
        var clock = 0.0
        for group in 0..<150 {
            var envelopes: [CommandEnvelope] = []
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let feed = feeds[Int.random(in: 0..<feeds.count, using: &generator)]
                let member = pool[Int.random(in: 0..<pool.count, using: &generator)]
                clock += 1
                let command: Command
                switch Int.random(in: 0..<100, using: &generator) {
                case 0..<60:
                    // The feed pattern: a new high score, trimmed to a length above the head's.
                    command = .addToMany(sets: feeds, member: bytes("post\(group)-\(clock)"), score: clock, mode: .upsert, maxLength: UInt64(Int.random(in: 12...20, using: &generator)))
                case 60..<70:
                    // A low score lands inside (or before) the cached head.
                    command = .add(set: feed, members: [ScoredMember(member: member, score: clock - Double(Int.random(in: 0...40, using: &generator)))], mode: .upsert, maxLength: 16)
                case 70..<78:
                    command = .remove(set: feed, members: [member, pool[Int.random(in: 0..<pool.count, using: &generator)]])
                case 78..<86:
                    let low = clock - Double(Int.random(in: 10...40, using: &generator))
                    command = .removeByScoreRange(set: feed, minimum: low, maximum: low + 3)
                case 86..<94:
                    command = .trim(set: feed, maxLength: UInt64(Int.random(in: 1...14, using: &generator)))
                case 94..<97:
                    command = .add(set: feed, members: [ScoredMember(member: member, score: clock + 100)], mode: .onlyIfGreater, maxLength: nil)
                default:
                    command = .deleteSet(set: feed)
                }
                envelopes.append(envelope(command))
            }
            let expected = envelopes.map { model.apply($0.command) }
            XCTAssertEqual(try applyGroup(envelopes), expected, "group \(group)")
            for feed in feeds {
                let name = String(decoding: feed, as: UTF8.self)
                XCTAssertEqual(try allMembers(name, pageSize: 50), model.entries(feed).map { ScoredMember(member: $0.member, score: $0.score) }, "group \(group) \(name)")
            }
            if group % 50 == 49 {
                try reopenStore()
            }
        }
    }
}
