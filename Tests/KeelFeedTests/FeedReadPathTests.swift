import KeelClient
@testable import KeelFeed
import XCTest

/// The read path's shortcuts stay correct: a remembered pull list that another process made
/// stale, and pages of activities too large for one multi-get answer.
final class FeedReadPathTests: FeedClusterTestCase {
    func testPagesFollowPullListsChangedByAnotherProcess() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "pulls"
        configuration.pullThreshold = 1
        let reader = try KeelFeed(client: client, configuration: configuration)
        let writer = try KeelFeed(client: try self.makeClient(), configuration: configuration)
        // Two followers each, so both producers are pulled from their first publish on.
        for producer in ["bob", "cid"] {
            try await writer.followMany([
                FollowRequest(follower: "ann", followee: producer), FollowRequest(follower: "fan", followee: producer),
            ])
        }
        let bobPost = Activity(actor: "bob", verb: "post", object: "1", time: 1_000, foreignID: "b1")
        let cidPost = Activity(actor: "cid", verb: "post", object: "2", time: 2_000, foreignID: "c1")
        for post in [bobPost, cidPost] {
            let result = try await writer.publish(post)
            XCTAssertEqual(result.delivery, .pulled)
        }
        try await writer.unfollow("ann", "cid")
        let first = try await reader.timeline("ann")
        XCTAssertEqual(first.activities, [bobPost])
        XCTAssertEqual(reader.pullLists.producers(of: "ann"), [Array("bob".utf8)])

        // Another process changes Ann's pull list: the reader's remembered list is now wrong.
        try await writer.unfollow("ann", "bob")
        try await writer.follow("ann", "cid")
        let second = try await reader.timeline("ann")
        XCTAssertEqual(second.activities, [cidPost])
        XCTAssertEqual(reader.pullLists.producers(of: "ann"), [Array("cid".utf8)])
        // And to no pulled producer at all: the timeline set alone.
        try await writer.unfollow("ann", "cid")
        let third = try await reader.timeline("ann")
        XCTAssertEqual(third.activities, [])
        // Paging with a remembered list that is right.
        try await writer.follow("ann", "bob")
        try await writer.follow("ann", "cid")
        let pages = try await self.walkTimeline("ann", in: reader, pageSize: 1)
        XCTAssertEqual(pages, [[cidPost], [bobPost]])
        let again = try await self.walkTimeline("ann", in: reader, pageSize: 1)
        XCTAssertEqual(again, pages)
    }

    func testTimelineReadsAreRecordedInTheBackground() async throws {
        let client = try self.startClusterClient()
        let clock = ManualClock()
        var configuration = FeedConfiguration()
        configuration.namespace = "reads"
        let feed = try KeelFeed(client: client, configuration: configuration, now: clock.now)
        let readers = (0..<40).map { "reader-\($0)" }
        try await feed.followMany(readers.map { FollowRequest(follower: $0, followee: "bob") })
        let post = Activity(actor: "bob", verb: "post", object: "1", time: 1_000, foreignID: "b1")
        try await feed.publish(post)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for reader in readers {
                group.addTask {
                    let page = try await feed.timeline(reader)
                    XCTAssertEqual(page.activities, [post])
                }
            }
            try await group.waitForAll()
        }
        // A second read within the interval is not noted again.
        clock.advance(by: 10)
        _ = try await feed.timeline("reader-0")
        await feed.flushBackgroundWrites()
        let recorded = try await client.zrange(Array("reads:readers".utf8), limit: 100)
        XCTAssertEqual(Set(recorded.members.map { String(decoding: $0.member, as: UTF8.self) }), Set(readers))
        XCTAssertTrue(recorded.members.allSatisfy { $0.score == Double(clock.now() - 10) }, "\(recorded.members)")
        // Past the interval the next read is noted with its own time.
        clock.advance(by: configuration.readerRecordIntervalMilliseconds)
        _ = try await feed.timeline("reader-7")
        await feed.flushBackgroundWrites()
        let score = try await client.zscore(Array("reads:readers".utf8), member: Array("reader-7".utf8))
        XCTAssertEqual(score, Double(clock.now()))
    }

    func testPagesOfLargeActivitiesAreResolvedAcrossSeveralMultiGets() async throws {
        let client = try self.startClusterClient()
        var writing = FeedConfiguration()
        writing.namespace = "large-activities"
        writing.maximumActivityBytes = 1_000_000
        let writer = try KeelFeed(client: client, configuration: writing)
        try await writer.follow("ann", "bob")
        // 20 activities of about 600 KB: 12 MB, over one multi-get answer's 8 MiB.
        let body = String(repeating: "x", count: 600_000)
        var posts: [Activity] = []
        for index in 0..<20 {
            let post = Activity(
                actor: "bob", verb: "post", object: "video:\(index)", time: Int64(1_000 + index), foreignID: "v\(index)",
                extra: ["body": body]
            )
            try await writer.publish(post)
            posts.append(post)
        }
        // A reader sized for the whole answer at once: 8 keys a request.
        var sized = writing
        sized.activityCacheCapacity = 0
        let sizedReader = try KeelFeed(client: client, configuration: sized)
        let sizedPage = try await sizedReader.timeline("ann", limit: 20)
        XCTAssertEqual(sizedPage.activities, posts.reversed())
        // A reader that expects small activities asks for all 20 at once, is refused as too
        // large, and asks again in halves.
        var small = sized
        small.maximumActivityBytes = 64 * 1_024
        let smallReader = try KeelFeed(client: client, configuration: small)
        let smallPage = try await smallReader.timeline("ann", limit: 20)
        XCTAssertEqual(smallPage.activities, posts.reversed())
    }
}
