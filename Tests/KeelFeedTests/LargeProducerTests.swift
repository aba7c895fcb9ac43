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

        // Every follower: the pushed activity is in its timeline set and the pulled producer
        // in its read-time merge (one read each, all pipelined).
        let starMember = ActivityReference(starPost).member
        let lacking = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<64 {
                group.addTask {
                    var lacking: [String] = []
                    for follower in followers[(worker * followers.count / 64)..<((worker + 1) * followers.count / 64)] {
                        async let pushedHere = FeedClusterTestCase.holds(
                            Array("large:timeline:\(follower)".utf8), member: starMember, score: Double(starPost.time), client: client,
                            consistency: .lease
                        )
                        async let pulledScore = client.zscore(
                            Array("large:pulls:\(follower)".utf8), member: Array("celebrity".utf8), consistency: .lease
                        )
                        let (pushed, pulled) = try await (pushedHere, pulledScore)
                        if !pushed || pulled == nil {
                            lacking.append(follower)
                        }
                    }
                    return lacking
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        XCTAssertEqual(lacking, [], "followers lacking the pushed activity or the pulled producer")
        // Whole timeline pages, merged as a reader gets them, for every 20th follower.
        let sample = stride(from: 0, to: followers.count, by: 20).map { followers[$0] }
        let missing = try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<16 {
                group.addTask {
                    var missing: [String] = []
                    for follower in sample[(worker * sample.count / 16)..<((worker + 1) * sample.count / 16)] {
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
        XCTAssertEqual(missing, [], "sampled followers whose merged page lacks an activity")
        // Unfollowing the pulled producer takes its activities out of that timeline only.
        try await feed.unfollow("fan-7", "celebrity")
        let afterUnfollow = try await feed.timeline("fan-7")
        XCTAssertEqual(afterUnfollow.activities, [starPost])
        let other = try await feed.timeline("fan-8")
        XCTAssertEqual(other.activities, [starPost, celebrityPost])
    }
}
