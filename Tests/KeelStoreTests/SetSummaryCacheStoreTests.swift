@testable import KeelStore
import RocksDB
import XCTest

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
