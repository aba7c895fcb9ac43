import KeelClient
@testable import KeelFeed
import XCTest

/// Notifications, aggregation, cursors, follow lists and refusals of bad input on a cluster.
final class FeedBehaviourTests: FeedClusterTestCase {
    func testNotificationsCountAndMarkSeenAndRead() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "notes"
        let feed = try KeelFeed(client: client, configuration: configuration)
        let likes = (0..<4).map {
            Activity(actor: "fan-\($0)", verb: "like", object: "photo:9", time: 1_700_000_000_000 + Int64($0), foreignID: "like-\($0)", to: ["ann"])
        }
        for like in likes {
            try await feed.publish(like)
        }
        var page = try await feed.notifications("ann", limit: 10)
        XCTAssertEqual(page.items.map(\.activity), likes.reversed())
        XCTAssertEqual(page.unseenCount, 4)
        XCTAssertEqual(page.unreadCount, 4)
        XCTAssertTrue(page.items.allSatisfy { !$0.isSeen && !$0.isRead })

        try await feed.markRead("ann", ids: [likes[1].id])
        page = try await feed.notifications("ann", limit: 10)
        XCTAssertEqual(page.unseenCount, 3)
        XCTAssertEqual(page.unreadCount, 3)
        XCTAssertEqual(page.items.map(\.isRead), [false, false, true, false])
        XCTAssertEqual(page.items.map(\.isSeen), [false, false, true, false])

        try await feed.markSeen("ann")
        page = try await feed.notifications("ann", limit: 2)
        XCTAssertEqual(page.unseenCount, 0)
        XCTAssertEqual(page.unreadCount, 3)
        XCTAssertEqual(page.items.map(\.isSeen), [true, true])
        let second = try await feed.notifications("ann", limit: 2, before: page.nextCursor)
        XCTAssertEqual(second.items.map(\.activity), [likes[1], likes[0]])
        XCTAssertNil(second.nextCursor)

        // Removing an activity takes it out of the notification feed and its counts.
        try await feed.remove(likes[3].id)
        page = try await feed.notifications("ann", limit: 10)
        XCTAssertEqual(page.items.map(\.activity), [likes[2], likes[1], likes[0]])
        XCTAssertEqual(page.unreadCount, 2)

        try await feed.markRead("ann")
        page = try await feed.notifications("ann", limit: 10)
        XCTAssertEqual(page.unreadCount, 0)
        XCTAssertTrue(page.items.allSatisfy(\.isRead))
        let stranger = try await feed.notifications("nobody", limit: 10)
        XCTAssertEqual(stranger, NotificationPage(items: [], unseenCount: 0, unreadCount: 0, nextCursor: nil))
    }

    func testAggregatedTimelineGroupsByVerbAndDayNewestFirst() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "groups"
        let feed = try KeelFeed(client: client, configuration: configuration)
        try await feed.follow("ann", "bob")
        try await feed.follow("ann", "cid")
        let day: Int64 = 86_400_000
        let start: Int64 = 19_700 * day
        // Day 0: bob likes twice, cid posts; day 1: cid likes, bob posts; day 2: bob likes.
        let activities = [
            Activity(actor: "bob", verb: "like", object: "a", time: start + 1_000, foreignID: "1"),
            Activity(actor: "cid", verb: "post", object: "b", time: start + 2_000, foreignID: "2"),
            Activity(actor: "bob", verb: "like", object: "c", time: start + 3_000, foreignID: "3"),
            Activity(actor: "cid", verb: "like", object: "d", time: start + day + 1_000, foreignID: "4"),
            Activity(actor: "bob", verb: "post", object: "e", time: start + day + 2_000, foreignID: "5"),
            Activity(actor: "bob", verb: "like", object: "f", time: start + 2 * day + 500, foreignID: "6"),
        ]
        for activity in activities {
            try await feed.publish(activity)
        }
        let all = try await feed.aggregatedTimeline("ann", groups: 100)
        XCTAssertNil(all.nextCursor)
        XCTAssertEqual(all.groups.map { "\($0.verb)@\($0.day - 19_700)" }, ["like@2", "post@1", "like@1", "like@0", "post@0"])
        XCTAssertEqual(all.groups[3].activities.map(\.foreignID), ["3", "1"])
        XCTAssertEqual(all.groups[3].actors, ["bob"])

        // Two groups asked: day 2 has one, so the page holds days 2 and 1 (whole days).
        let first = try await feed.aggregatedTimeline("ann", groups: 2, maximumActivities: 10)
        XCTAssertEqual(first.groups.map { "\($0.verb)@\($0.day - 19_700)" }, ["like@2", "post@1", "like@1"])
        let next = try await feed.aggregatedTimeline("ann", groups: 2, before: first.nextCursor, maximumActivities: 10)
        XCTAssertEqual(next.groups.map { "\($0.verb)@\($0.day - 19_700)" }, ["like@0", "post@0"])
        XCTAssertNil(next.nextCursor)
    }

    func testCursorsFollowListsAndRepublishing() async throws {
        let client = try self.startClusterClient()
        let clock = ManualClock()
        var configuration = FeedConfiguration()
        configuration.namespace = "cursors"
        let feed = try KeelFeed(client: client, configuration: configuration, now: clock.now)
        try await feed.follow("ann", "bob")
        clock.advance(by: 5)
        try await feed.follow("cid", "bob")
        let followers = try await feed.followers(of: "bob")
        XCTAssertEqual(followers, [FollowRelation(user: "ann", since: clock.now() - 5), FollowRelation(user: "cid", since: clock.now())])
        let rest = try await feed.followers(of: "bob", limit: 1, after: followers[0])
        XCTAssertEqual(rest, [followers[1]])
        let following = try await feed.following(of: "ann")
        XCTAssertEqual(following.map(\.user), ["bob"])

        let posts = (0..<7).map { Activity(actor: "bob", verb: "post", object: "\($0)", time: 1_000 + Int64($0), foreignID: "p\($0)") }
        for post in posts {
            try await feed.publish(post)
        }
        let first = try await feed.timeline("ann", limit: 3)
        XCTAssertEqual(first.activities, Array(posts.reversed().prefix(3)))
        // A newer activity arrives between pages: the next page neither repeats nor skips.
        try await feed.publish(Activity(actor: "bob", verb: "post", object: "new", time: 5_000, foreignID: "late"))
        let token = try XCTUnwrap(first.nextCursor).token
        let second = try await feed.timeline("ann", limit: 3, before: try FeedCursor(token: token))
        XCTAssertEqual(second.activities, Array(posts.reversed()[3..<6]))

        // Same id, same content: stored once. Same id, other content: refused.
        let again = try await feed.publish(posts[0])
        XCTAssertEqual(again.delivery, .alreadyPublished)
        var changed = posts[0]
        changed.object = "something else"
        do {
            try await feed.publish(changed)
            XCTFail("a different activity under a taken id must be refused")
        } catch let error as FeedError {
            XCTAssertEqual(error, .conflictingActivity(posts[0].id))
        }
        let own = try await feed.userFeed("bob", limit: 100)
        XCTAssertEqual(own.activities.count, 8)
        XCTAssertEqual(own.activities.last, posts[0])

        // Backfill copies the newest activities only.
        try await feed.follow("dan", "bob", backfill: 2)
        let backfilled = try await feed.timeline("dan", limit: 10)
        XCTAssertEqual(backfilled.activities.map(\.foreignID), ["late", "p6"])
        try await feed.unfollow("dan", "bob")
        let emptied = try await feed.timeline("dan", limit: 10)
        XCTAssertEqual(emptied.activities, [])
        let unknown = try await feed.timeline("nobody-at-all")
        XCTAssertEqual(unknown, FeedPage(activities: [], nextCursor: nil))
    }

    func testProducerSwitchedToPullKeepsOnePageAndOneCopy() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "switch"
        configuration.pullThreshold = 1
        let feed = try KeelFeed(client: client, configuration: configuration)
        try await feed.follow("ann", "bob")
        let early = Activity(actor: "bob", verb: "post", object: "1", time: 1_000, foreignID: "early")
        let pushed = try await feed.publish(early)
        XCTAssertEqual(pushed.delivery, .pushed(followers: 1))
        try await feed.follow("cid", "bob")
        let late = Activity(actor: "bob", verb: "post", object: "2", time: 2_000, foreignID: "late")
        let pulled = try await feed.publish(late)
        XCTAssertEqual(pulled.delivery, .pulled)
        // `early` is in Ann's timeline set and in Bob's user feed: merged, it shows once, and
        // a page that ends with it is the last page.
        let page = try await feed.timeline("ann", limit: 2)
        XCTAssertEqual(page.activities, [late, early])
        XCTAssertNil(page.nextCursor)
        let first = try await feed.timeline("ann", limit: 1)
        XCTAssertEqual(first.activities, [late])
        let second = try await feed.timeline("ann", limit: 1, before: first.nextCursor)
        XCTAssertEqual(second.activities, [early])
        XCTAssertNil(second.nextCursor)
        // Cid followed after the switch: no backfill needed, the merge shows both.
        let cid = try await feed.timeline("cid", limit: 10)
        XCTAssertEqual(cid.activities, [late, early])
        // Once pulled, stays pulled even below the threshold.
        try await feed.unfollow("cid", "bob")
        let again = try await feed.publish(Activity(actor: "bob", verb: "post", object: "3", time: 3_000, foreignID: "third"))
        XCTAssertEqual(again.delivery, .pulled)
        let ann = try await feed.timeline("ann", limit: 10)
        XCTAssertEqual(ann.activities.map(\.foreignID), ["third", "late", "early"])
        let cidAfter = try await feed.timeline("cid", limit: 10)
        XCTAssertEqual(cidAfter.activities, [])
    }

    func testFollowManyBackfillsEveryFollowerAndJoinsPulledProducers() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "onboard"
        configuration.pullThreshold = 2
        let feed = try KeelFeed(client: client, configuration: configuration)
        let posts = (0..<4).map { Activity(actor: "bob", verb: "post", object: "\($0)", time: 100 + Int64($0), foreignID: "b\($0)") }
        for post in posts {
            try await feed.publish(post)
        }
        // Dan has three followers, so his first publish switches him to pull.
        try await feed.followMany(["x", "y", "z"].map { FollowRequest(follower: $0, followee: "dan") })
        let danPost = Activity(actor: "dan", verb: "post", object: "d", time: 50, foreignID: "d0")
        let switched = try await feed.publish(danPost)
        XCTAssertEqual(switched.delivery, .pulled)

        // Onboarding: three new users follow Bob (backfill 3 of 4) and Dan (pulled) at once.
        let newcomers = ["n1", "n2", "n3"]
        try await feed.followMany(newcomers.flatMap { [FollowRequest(follower: $0, followee: "bob"), FollowRequest(follower: $0, followee: "dan")] }, backfill: 3)
        for user in newcomers {
            let page = try await feed.timeline(user, limit: 10)
            XCTAssertEqual(page.activities, [posts[3], posts[2], posts[1], danPost], user)
            let following = try await feed.following(of: user)
            XCTAssertEqual(Set(following.map(\.user)), ["bob", "dan"], user)
        }
        let bobFollowers = try await feed.followerCount(of: "bob")
        XCTAssertEqual(bobFollowers, 3)
        let danFollowers = try await feed.followerCount(of: "dan")
        XCTAssertEqual(danFollowers, 6)
    }

    func testBadInputIsRefusedAndWritesNothing() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "bad"
        let feed = try KeelFeed(client: client, configuration: configuration)
        let long = String(repeating: "x", count: FeedLimits.maximumFieldBytes + 1)
        let good = Activity(actor: "ann", verb: "post", object: "o", time: 1_000, foreignID: "f")
        func variant(_ change: (inout Activity) -> Void) -> Activity {
            var activity = good
            change(&activity)
            return activity
        }
        let refusals: [(Activity, FeedError)] = [
            (variant { $0.actor = "" }, .emptyField("actor")),
            (variant { $0.verb = "" }, .emptyField("verb")),
            (variant { $0.foreignID = "" }, .emptyField("foreign id")),
            (variant { $0.actor = long }, .fieldTooLarge("actor", bytes: long.utf8.count, limit: FeedLimits.maximumFieldBytes)),
            (variant { $0.time = -1 }, .timeOutOfRange(-1)),
            (variant { $0.time = FeedLimits.maximumTime + 1 }, .timeOutOfRange(FeedLimits.maximumTime + 1)),
            (variant { $0.to = [""] }, .emptyField("recipient")),
            (variant { $0.to = Array(repeating: "x", count: 1_001) }, .tooManyRecipients(count: 1_001, limit: 1_000)),
        ]
        for (activity, expected) in refusals {
            do {
                try await feed.publish(activity)
                XCTFail("accepted \(expected)")
            } catch let error as FeedError {
                XCTAssertEqual(error, expected)
            }
        }
        let huge = variant { $0.object = String(repeating: "y", count: 70_000) }
        do {
            try await feed.publish(huge)
            XCTFail("accepted an oversized activity")
        } catch let error as FeedError {
            guard case .activityTooLarge(_, let limit) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(limit, 65_536)
        }
        await self.assertRefused(.limitOutOfRange("limit", value: 0, range: 1...1_000)) { _ = try await feed.timeline("ann", limit: 0) }
        await self.assertRefused(.limitOutOfRange("limit", value: 1_001, range: 1...1_000)) { _ = try await feed.timeline("ann", limit: 1_001) }
        await self.assertRefused(.emptyField("user")) { _ = try await feed.timeline("") }
        await self.assertRefused(.limitOutOfRange("backfill", value: -1, range: 0...10_000)) { try await feed.follow("ann", "bob", backfill: -1) }
        await self.assertRefused(.emptyField("followee")) { try await feed.follow("ann", "") }
        await self.assertRefused(.emptyField("follower")) {
            try await feed.followMany([FollowRequest(follower: "ann", followee: "bob"), FollowRequest(follower: "", followee: "bob")])
        }
        await self.assertRefused(.invalidCursor("12.xyz")) { _ = try FeedCursor(token: "12.xyz") }
        await self.assertRefused(.limitOutOfRange("groups", value: 0, range: 1...1_000)) { _ = try await feed.aggregatedTimeline("ann", groups: 0) }

        // Nothing under the namespace: no key-value keys, no follow or feed entries.
        let keys = try await client.scan(prefix: "bad:".utf8)
        XCTAssertEqual(keys.entries, [])
        for set in ["bad:followers:bob", "bad:following:ann", "bad:user:ann", "bad:timeline:ann", "bad:readers"] {
            let count = try await client.zcount(Array(set.utf8))
            XCTAssertEqual(count, 0, set)
        }
    }

    private func assertRefused(_ expected: FeedError, _ body: () async throws -> Void, line: UInt = #line) async {
        do {
            try await body()
            XCTFail("accepted, expected \(expected)", line: line)
        } catch let error as FeedError {
            XCTAssertEqual(error, expected, line: line)
        } catch {
            XCTFail("\(error)", line: line)
        }
    }
}
