import KeelClient
@testable import KeelFeed
import XCTest

/// Producers with 20,000 followers: one above the default pull threshold (merged at read
/// time) and one below a raised threshold (pushed in 20 fanout commands).
final class LargeProducerTests: FeedClusterTestCase {
    func testTwentyThousandFollowersAllSeeTheActivity() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "large"
        let feed = try KeelFeed(client: client, configuration: configuration)
        var pushing = configuration
        pushing.pullThreshold = 50_000
        let pushingFeed = try KeelFeed(client: client, configuration: pushing)

        let followers = (0..<20_000).map { "fan-\($0)" }
        try await feed.followMany(followers.flatMap {
            [FollowRequest(follower: $0, followee: "celebrity"), FollowRequest(follower: $0, followee: "star")]
        })
        let celebrityFollowers = try await feed.followerCount(of: "celebrity")
        XCTAssertEqual(celebrityFollowers, 20_000)

        let celebrityPost = Activity(actor: "celebrity", verb: "post", object: "video:1", time: 1_700_000_000_000, foreignID: "c1")
        let pulled = try await feed.publish(celebrityPost)
        XCTAssertEqual(pulled.delivery, .pulled)
        let starPost = Activity(actor: "star", verb: "post", object: "photo:1", time: 1_700_000_000_001, foreignID: "s1")
        let pushed = try await pushingFeed.publish(starPost)
        XCTAssertEqual(pushed.delivery, .pushed(followers: 20_000))

        let missing = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<32 {
                group.addTask {
                    var missing: [String] = []
                    for follower in followers[(worker * followers.count / 32)..<((worker + 1) * followers.count / 32)] {
                        let page = try await feed.timeline(follower, limit: 5)
                        if page.activities != [starPost, celebrityPost] {
                            missing.append(follower)
                        }
                    }
                    return missing
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(missing.count, 0, "timelines without both activities: \(missing.prefix(10))")

        // Unfollowing the pulled producer takes its activities out of that timeline only.
        try await feed.unfollow("fan-7", "celebrity")
        let afterUnfollow = try await feed.timeline("fan-7")
        XCTAssertEqual(afterUnfollow.activities, [starPost])
        let other = try await feed.timeline("fan-8")
        XCTAssertEqual(other.activities, [starPost, celebrityPost])
    }
}
