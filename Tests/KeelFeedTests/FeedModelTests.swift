import Foundation
import KeelClient
@testable import KeelFeed
import XCTest

/// Random follows, unfollows, publishes (some by producers above a small pull threshold),
/// removals and page walks against a real cluster; every page must equal the reference's.
final class FeedModelTests: FeedClusterTestCase {
    func testRandomOperationsMatchTheReference() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["KEEL_FEED_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max)
        print("FeedModelTests seed \(seed) (replay with KEEL_FEED_SEED=\(seed))")
        var random = SeededGenerator(seed: seed)
        let client = try self.startClusterClient()
        let clock = ManualClock()
        var configuration = FeedConfiguration()
        configuration.namespace = "model"
        configuration.pullThreshold = 3
        configuration.fanoutChunkSize = 2
        let feed = try KeelFeed(client: client, configuration: configuration, now: clock.now)
        var reference = ReferenceFeeds()
        let users = (0..<9).map { "user-\($0)" }
        let base: Int64 = 1_700_000_000_000
        var published = 0
        var counts = [String: Int]()

        for step in 0..<400 {
            clock.advance(by: 1_000)
            let choice = Int.random(in: 0..<100, using: &random)
            let context = "seed \(seed) step \(step)"
            switch choice {
            case 0..<25:
                let follower = users.randomElement(using: &random)!
                let followee = users.randomElement(using: &random)!
                try await feed.follow(follower, followee)
                reference.follow(follower, followee)
                counts["follow", default: 0] += 1
            case 25..<35:
                let follower = users.randomElement(using: &random)!
                guard let followee = reference.following[follower]?.sorted().randomElement(using: &random) else { continue }
                try await feed.unfollow(follower, followee)
                reference.unfollow(follower, followee)
                counts["unfollow", default: 0] += 1
            case 35..<65:
                // Coarse times so that some activities share a millisecond.
                let activity = Activity(
                    actor: users.randomElement(using: &random)!, verb: ["post", "like", "share"].randomElement(using: &random)!,
                    object: "object:\(published)", time: base + Int64.random(in: 0..<120, using: &random) * 60_000,
                    foreignID: "activity-\(published)"
                )
                published += 1
                let result = try await feed.publish(activity)
                reference.publish(activity)
                let pulled = reference.followerCount(of: activity.actor) > configuration.pullThreshold
                if case .pulled = result.delivery {
                    counts["publish pulled", default: 0] += 1
                } else {
                    counts["publish pushed", default: 0] += 1
                    XCTAssertFalse(pulled, "\(context): an actor above the threshold was pushed")
                }
            case 65..<72:
                guard let id = reference.activities.keys.sorted(by: { $0.description < $1.description }).randomElement(using: &random)
                else { continue }
                let removed = try await feed.remove(id)
                XCTAssertTrue(removed, context)
                reference.remove(id)
                counts["remove", default: 0] += 1
            default:
                let user = users.randomElement(using: &random)!
                let pageSize = Int.random(in: 1...7, using: &random)
                let expected = reference.timeline(user)
                let pages = try await self.walkTimeline(user, in: feed, pageSize: pageSize)
                let expectedPages = stride(from: 0, to: max(expected.count, 1), by: pageSize).map {
                    Array(expected[$0..<min($0 + pageSize, expected.count)])
                }
                XCTAssertEqual(pages.map { $0.map(\.id) }, expectedPages.map { $0.map(\.id) }, "\(context): timeline of \(user)")
                XCTAssertEqual(pages.flatMap { $0 }, expected, "\(context): activity contents of \(user)")
                counts["timeline walk", default: 0] += 1
            }
        }
        // A last full check of every user's timeline and user feed.
        for user in users {
            let timeline = try await self.walkTimeline(user, in: feed, pageSize: 5).flatMap { $0 }
            XCTAssertEqual(timeline.map(\.id), reference.timeline(user).map(\.id), "seed \(seed): final timeline of \(user)")
            let own = try await feed.userFeed(user, limit: 1_000)
            XCTAssertEqual(own.activities, reference.userFeed(user), "seed \(seed): user feed of \(user)")
        }
        print("FeedModelTests operations: \(counts.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(counts["publish pulled", default: 0], 0, "seed \(seed): no producer crossed the threshold")
        XCTAssertGreaterThan(counts["remove", default: 0], 0, "seed \(seed): nothing was removed")
        // No fanout was left unfinished once the background deletions of records are done.
        await feed.flushBackgroundWrites()
        let leftover = try await feed.resumeUnfinishedFanouts(startedBefore: .max)
        XCTAssertEqual(leftover, 0)
    }
}
