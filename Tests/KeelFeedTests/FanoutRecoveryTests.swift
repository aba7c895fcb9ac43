import KeelClient
@testable import KeelFeed
import XCTest

/// A publisher stopped between fanout chunks, then the fanout worker of another process.
final class FanoutRecoveryTests: FeedClusterTestCase {
    private struct PublisherStopped: Error {}

    /// A cluster client, a manual clock, and a feed in `namespace` (fanout chunks of 10) whose
    /// `producer` has `count` followers, `follower-0` ...
    private func feedWithFollowers(
        _ count: Int, namespace: String
    ) async throws -> (client: KeelClient, clock: ManualClock, configuration: FeedConfiguration, feed: KeelFeed, followers: [String]) {
        let client = try self.startClusterClient()
        let clock = ManualClock()
        var configuration = FeedConfiguration()
        configuration.namespace = namespace
        configuration.fanoutChunkSize = 10
        let feed = try KeelFeed(client: client, configuration: configuration, now: clock.now)
        let followers = (0..<count).map { "follower-\($0)" }
        try await feed.followMany(followers.map { FollowRequest(follower: $0, followee: "producer") })
        return (client, clock, configuration, feed, followers)
    }

    func testWorkerFinishesAFanoutStoppedBetweenChunks() async throws {
        let (client, clock, configuration, setup, followers) = try await self.feedWithFollowers(57, namespace: "crash")
        // Five followers read recently, so the fanout serves them in its first chunk.
        let readers = ["follower-50", "follower-3", "follower-44", "follower-21", "follower-56"]
        for reader in readers {
            clock.advance(by: 10)
            _ = try await setup.timeline(reader)
        }
        await setup.flushBackgroundWrites()

        // The publisher dies before its third chunk: 20 of 57 timelines have the activity.
        let crashing = try KeelFeed(
            client: client, configuration: configuration, now: clock.now,
            fanoutChunkWillStart: { index in
                if index == 2 { throw PublisherStopped() }
            }
        )
        let activity = Activity(actor: "producer", verb: "post", object: "photo:1", time: 1_700_000_100_000, foreignID: "post-1")
        do {
            try await crashing.publish(activity)
            XCTFail("the injected stop did not happen")
        } catch is PublisherStopped {}
        let member = ActivityReference(activity).member
        var reached: [String] = []
        for follower in followers {
            if try await FeedClusterTestCase.holds(Array("crash:timeline:\(follower)".utf8), member: member, score: Double(activity.time), client: client) {
                reached.append(follower)
            }
        }
        XCTAssertEqual(reached.count, 20)
        XCTAssertTrue(Set(readers).isSubset(of: reached), "recent readers first: \(reached)")
        let record = try await client.get(Array("crash:fanout:a:\(activity.time):post-1".utf8))
        XCTAssertNotNil(record, "the fanout record must outlive the publisher")

        // A fresh process (new client, new feed) runs the worker once the takeover delay passed.
        let worker = try KeelFeed(client: try self.makeClient(), configuration: configuration, now: clock.now)
        let tooEarly = try await worker.resumeUnfinishedFanouts()
        XCTAssertEqual(tooEarly, 0, "a fanout younger than the takeover delay belongs to a live publisher")
        clock.advance(by: configuration.fanoutTakeoverMilliseconds + 1)
        let resumed = try await worker.resumeUnfinishedFanouts()
        XCTAssertEqual(resumed, 1)

        for follower in followers {
            let timeline = try await self.members(of: Array("crash:timeline:\(follower)".utf8), client: client)
            XCTAssertEqual(timeline.filter { $0.member == member }.count, 1, "\(follower) must have the activity exactly once")
            XCTAssertEqual(timeline.count, 1, follower)
            let page = try await worker.timeline(follower)
            XCTAssertEqual(page.activities, [activity], follower)
        }
        let recordAfter = try await client.get(Array("crash:fanout:a:\(activity.time):post-1".utf8))
        XCTAssertNil(recordAfter)
        let again = try await worker.resumeUnfinishedFanouts(startedBefore: .max)
        XCTAssertEqual(again, 0)

        // Publishing the same activity again stores nothing new and pushes nothing twice.
        let republished = try await worker.publish(activity)
        XCTAssertEqual(republished.delivery, .alreadyPublished)
        let userFeed = try await worker.userFeed("producer")
        XCTAssertEqual(userFeed.activities, [activity])
    }

    func testAChunkRefusedWhenAppliedKeepsTheRecordUntilTheWorkerFinishes() async throws {
        let (client, clock, configuration, feed, followers) = try await self.feedWithFollowers(25, namespace: "refused")
        // A member-keyed set where follower-7's timeline belongs: the chunk holding it is
        // committed (publish returns once every chunk is) and then refused when applied.
        let blocked = Array("refused:timeline:follower-7".utf8)
        try await client.zadd(blocked, member: "stray".utf8, score: 1)

        let activity = Activity(actor: "producer", verb: "post", object: "photo:1", time: 1_700_000_100_000, foreignID: "post-1")
        let result = try await feed.publish(activity)
        XCTAssertEqual(result.delivery, .pushed(followers: 25))
        await feed.flushBackgroundWrites()
        let recordKey = Array("refused:fanout:a:\(activity.time):post-1".utf8)
        let record = try await client.get(recordKey)
        XCTAssertNotNil(record, "a chunk that failed to apply must leave the record for the worker")
        let member = ActivityReference(activity).member
        let blockedHolds = try await FeedClusterTestCase.holds(blocked, member: member, score: Double(activity.time), client: client)
        XCTAssertFalse(blockedHolds)

        // Once the set is out of the way, the worker finishes the fanout.
        try await client.zdelete(blocked)
        clock.advance(by: configuration.fanoutTakeoverMilliseconds + 1)
        let resumed = try await feed.resumeUnfinishedFanouts()
        XCTAssertEqual(resumed, 1)
        for follower in followers {
            let timeline = try await self.members(of: Array("refused:timeline:\(follower)".utf8), client: client)
            XCTAssertEqual(timeline.map(\.member), [member], "\(follower) must have the activity exactly once")
        }
        let recordAfter = try await client.get(recordKey)
        XCTAssertNil(recordAfter)
    }

    func testRecordIsDeletedAfterPublishReturnsAndARepublishWaitsForIt() async throws {
        let client = try self.startClusterClient()
        var configuration = FeedConfiguration()
        configuration.namespace = "late"
        configuration.fanoutChunkSize = 2
        let feed = try KeelFeed(client: client, configuration: configuration)
        let followers = (0..<5).map { "f\($0)" }
        try await feed.followMany(followers.map { FollowRequest(follower: $0, followee: "p") })
        let activities = (0..<3).map { Activity(actor: "p", verb: "post", object: "o", time: 1_700_000_000_000 + Int64($0), foreignID: "a\($0)") }
        for activity in activities {
            let first = try await feed.publish(activity)
            XCTAssertEqual(first.delivery, .pushed(followers: 5))
            // Right away, while the first publish's record may still be being deleted.
            let again = try await feed.publish(activity)
            XCTAssertEqual(again.delivery, .alreadyPublished)
        }
        await feed.flushBackgroundWrites()
        let records = try await client.scan(prefix: Array("late:fanout:".utf8), limit: 100)
        XCTAssertEqual(records.entries.map(\.key), [])
        let leftover = try await feed.resumeUnfinishedFanouts(startedBefore: .max)
        XCTAssertEqual(leftover, 0)
        for follower in followers {
            let count = try await client.zcount(Array("late:timeline:\(follower)".utf8))
            XCTAssertEqual(count, 3, follower)
            let page = try await feed.timeline(follower)
            XCTAssertEqual(page.activities, activities.reversed(), follower)
        }

        // A record without its activity, as a publisher of an earlier version (record and
        // activity written one after the other) left it when it died between the two writes:
        // the worker stores the activity and finishes the fanout.
        let old = Activity(actor: "p", verb: "post", object: "o", time: 1_700_000_000_100, foreignID: "old")
        let record = FanoutRecord(work: .publish(old), startedAt: 0).encoded()
        try await client.put(Array("late:fanout:a:\(old.time):old".utf8), value: record)
        let resumed = try await feed.resumeUnfinishedFanouts()
        XCTAssertEqual(resumed, 1)
        let stored = try await feed.activity(old.id)
        XCTAssertEqual(stored, old)
        for follower in followers {
            let page = try await feed.timeline(follower)
            XCTAssertEqual(page.activities, [old] + activities.reversed(), follower)
        }
        let left = try await client.scan(prefix: Array("late:fanout:".utf8), limit: 100)
        XCTAssertEqual(left.entries.map(\.key), [])
    }

    func testWorkerFinishesARemovalAndARemovalOvertakesAPublish() async throws {
        let client = try self.startClusterClient()
        let clock = ManualClock()
        var configuration = FeedConfiguration()
        configuration.namespace = "undo"
        configuration.fanoutChunkSize = 5
        let feed = try KeelFeed(client: client, configuration: configuration, now: clock.now)
        let followers = (0..<23).map { "f\($0)" }
        try await feed.followMany(followers.map { FollowRequest(follower: $0, followee: "p") })
        let activity = Activity(actor: "p", verb: "post", object: "o", time: 1_700_000_000_500, foreignID: "a1")

        // The publisher removes the activity itself between its chunks: a removal overtaking
        // a fanout in flight. The fanout's end notices and takes its pushes back.
        let overtaken = try KeelFeed(
            client: client, configuration: configuration, now: clock.now,
            fanoutChunkWillStart: { index in
                if index == 2 { _ = try await feed.remove(activity.id) }
            }
        )
        try await overtaken.publish(activity)
        // The take-back runs with the record's deletion, after the publish has returned.
        await overtaken.flushBackgroundWrites()
        for follower in followers {
            let timeline = try await feed.timeline(follower)
            XCTAssertEqual(timeline.activities, [], follower)
            let count = try await client.zcount(Array("undo:timeline:\(follower)".utf8))
            XCTAssertEqual(count, 0, follower)
        }
        let stored = try await feed.activity(activity.id)
        XCTAssertNil(stored)

        // A removal stopped half way is finished by the worker.
        let second = Activity(actor: "p", verb: "post", object: "o2", time: 1_700_000_000_600, foreignID: "a2")
        try await feed.publish(second)
        await feed.flushBackgroundWrites()
        // A remover that died right after writing its record (what `remove` writes first).
        let record = FanoutRecord(work: .removal(second), startedAt: clock.now()).encoded()
        try await client.put(Array("undo:fanout:a:\(second.time):a2".utf8), value: record)
        clock.advance(by: configuration.fanoutTakeoverMilliseconds + 1)
        let resumed = try await feed.resumeUnfinishedFanouts()
        XCTAssertEqual(resumed, 1)
        for follower in followers {
            let timeline = try await feed.timeline(follower)
            XCTAssertEqual(timeline.activities, [], follower)
        }
        let gone = try await feed.activity(second.id)
        XCTAssertNil(gone)
        let own = try await feed.userFeed("p")
        XCTAssertEqual(own.activities, [])
    }
}
