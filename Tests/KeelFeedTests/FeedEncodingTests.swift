import KeelClient
@testable import KeelFeed
import XCTest

/// The stored forms, the member encoding, cursor tokens and grouping, without a cluster.
final class FeedEncodingTests: XCTestCase {
    func testActivityRoundTripsAndEncodesDeterministically() throws {
        let activity = Activity(
            actor: "ann", verb: "like", object: "photo:1", target: "album:2", time: 1_700_000_000_123, foreignID: "like:9",
            to: ["bob", "cid"], extra: ["z": "last", "a": "first", "emoji": "🎉"]
        )
        let encoded = ActivityCodec.encode(activity)
        XCTAssertEqual(try ActivityCodec.decode(encoded), activity)
        var reordered = activity
        reordered.extra = ["emoji": "🎉", "a": "first", "z": "last"]
        XCTAssertEqual(ActivityCodec.encode(reordered), encoded)
        let plain = Activity(actor: "a", verb: "v", object: "", time: 0, foreignID: "f")
        XCTAssertEqual(try ActivityCodec.decode(ActivityCodec.encode(plain)), plain)
    }

    func testCorruptActivitiesAndRecordsAreErrors() {
        let encoded = ActivityCodec.encode(Activity(actor: "ann", verb: "post", object: "o", time: 5, foreignID: "f", to: ["b"]))
        for length in 0..<encoded.count {
            XCTAssertThrowsError(try ActivityCodec.decode(Array(encoded.prefix(length))), "prefix \(length)")
        }
        XCTAssertThrowsError(try ActivityCodec.decode(encoded + [0]))
        XCTAssertThrowsError(try ActivityCodec.decode([2] + encoded.dropFirst()))
        let record = FanoutRecord(work: .pullSwitch(producer: "p"), startedAt: 7, nonce: 9).encoded()
        XCTAssertEqual(try FanoutRecord(decoding: record), FanoutRecord(work: .pullSwitch(producer: "p"), startedAt: 7, nonce: 9))
        for length in 0..<record.count {
            XCTAssertThrowsError(try FanoutRecord(decoding: Array(record.prefix(length))))
        }
    }

    func testMembersSplitUnambiguously() {
        let tricky = [("a:b", "c"), ("a", "b:c"), ("", ""), ("12:3", "4:5"), ("ü", "::")]
        var members = Set<[UInt8]>()
        for (actor, foreignID) in tricky {
            let reference = ActivityReference(time: 42, actor: actor, foreignID: foreignID)
            XCTAssertEqual(ActivityReference(member: reference.member), reference)
            members.insert(reference.member)
        }
        XCTAssertEqual(members.count, tricky.count)
        XCTAssertNil(ActivityReference(member: Array("42:9:ab".utf8)))
        XCTAssertNil(ActivityReference(member: Array("x:1:ab".utf8)))
        XCTAssertNil(ActivityReference(member: []))
    }

    func testCursorTokensRoundTrip() throws {
        let cursor = FeedCursor(SortedSetCursor(score: 1_700_000_000_000, member: [0, 255, 16, 58]))
        XCTAssertEqual(cursor.token, "1700000000000.00ff103a")
        XCTAssertEqual(try FeedCursor(token: cursor.token), cursor)
        for bad in ["", "1", "1.abc", "x.00", "-1.00", "1.zz", "1.00.00"] {
            XCTAssertThrowsError(try FeedCursor(token: bad), bad)
        }
    }

    func testGroupingByVerbAndDay() {
        let day: Int64 = 86_400_000
        let activities = [
            Activity(actor: "a", verb: "like", object: "", time: 3 * day + 5, foreignID: "1"),
            Activity(actor: "b", verb: "post", object: "", time: 3 * day + 4, foreignID: "2"),
            Activity(actor: "c", verb: "like", object: "", time: 3 * day + 3, foreignID: "3"),
            Activity(actor: "a", verb: "like", object: "", time: 2 * day + 9, foreignID: "4"),
        ]
        let groups = ActivityGroup.grouping(activities)
        XCTAssertEqual(groups.map(\.verb), ["like", "post", "like"])
        XCTAssertEqual(groups.map(\.day), [3, 3, 2])
        XCTAssertEqual(groups[0].activities.map(\.foreignID), ["1", "3"])
        XCTAssertEqual(groups[0].actors, ["a", "c"])
    }

    func testActivityCacheKeepsRecentlyUsedAndForgetsRemoved() {
        func activity(_ number: Int) -> Activity {
            Activity(actor: "a", verb: "v", object: "", time: Int64(number), foreignID: "\(number)")
        }
        let cache = ActivityCache(capacity: 4)
        for number in 0..<4 {
            cache.insert(activity(number))
        }
        // Generations of two: 0 and 1 went to the previous generation when 2 arrived.
        XCTAssertEqual(cache.activity(activity(0).id), activity(0))
        cache.insert(activity(4))
        cache.insert(activity(5))
        // 0 was used again, so it survived; 1 was not, and is gone.
        XCTAssertEqual(cache.activity(activity(0).id), activity(0))
        XCTAssertNil(cache.activity(activity(1).id))
        XCTAssertEqual(cache.activity(activity(5).id), activity(5))
        cache.remove(activity(5).id)
        XCTAssertNil(cache.activity(activity(5).id))
        let off = ActivityCache(capacity: 0)
        off.insert(activity(1))
        XCTAssertNil(off.activity(activity(1).id))
    }

    func testConfigurationOutOfRangeIsRefused() {
        var configuration = FeedConfiguration()
        configuration.fanoutChunkSize = 10_001
        XCTAssertThrowsError(try configuration.validate())
        configuration = FeedConfiguration()
        configuration.namespace = ""
        XCTAssertThrowsError(try configuration.validate())
        configuration = FeedConfiguration()
        configuration.timelineMaxLength = 0
        XCTAssertThrowsError(try configuration.validate())
        for inFlight in [0, 65] {
            configuration = FeedConfiguration()
            configuration.fanoutChunksInFlight = inFlight
            XCTAssertThrowsError(try configuration.validate()) {
                XCTAssertEqual($0 as? FeedError, .limitOutOfRange("fanoutChunksInFlight", value: inFlight, range: 1...64))
            }
        }
        configuration = FeedConfiguration()
        configuration.pullListCacheCapacity = -1
        XCTAssertThrowsError(try configuration.validate())
        XCTAssertNoThrow(try FeedConfiguration().validate())
    }

    func testPullListCacheRemembersBoundedAndCanBeOff() {
        let cache = PullListCache(capacity: 2)
        XCTAssertNil(cache.producers(of: "ann"))
        cache.remember([Array("bob".utf8)], of: "ann")
        cache.remember([], of: "cid")
        XCTAssertEqual(cache.producers(of: "ann"), [Array("bob".utf8)])
        XCTAssertEqual(cache.producers(of: "cid"), [])
        cache.remember([Array("eve".utf8)], of: "ann")
        XCTAssertEqual(cache.producers(of: "ann"), [Array("eve".utf8)], "a user already remembered is replaced in place")
        XCTAssertEqual(cache.producers(of: "cid"), [])
        cache.remember([], of: "dan")
        XCTAssertNil(cache.producers(of: "ann"), "a full cache forgets everyone rather than grow")
        XCTAssertEqual(cache.producers(of: "dan"), [])
        let off = PullListCache(capacity: 0)
        off.remember([Array("bob".utf8)], of: "ann")
        XCTAssertNil(off.producers(of: "ann"))
    }
}
