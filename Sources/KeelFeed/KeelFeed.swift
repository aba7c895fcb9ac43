import Foundation
import KeelClient

/// Activity feeds on a Keel cluster: a follow graph, user feeds, timelines built by fanout on
/// write with fanout on read for very large producers, notification feeds and aggregated
/// timelines. See docs/feeds.md for the model, the key layout and the fanout design.
///
/// ```swift
/// let feed = try KeelFeed(client: client)
/// try await feed.follow("ann", "bob")
/// try await feed.publish(Activity(actor: "bob", verb: "post", object: "photo:1", time: now))
/// let page = try await feed.timeline("ann", limit: 30)
/// ```
///
/// `KeelFeed` holds no connection of its own: share one per process, like its `KeelClient`.
/// Every operation checks its input first and throws ``FeedError`` without writing anything
/// when it is out of range; the cluster's own failures come through as `KeelError`.
public final class KeelFeed: Sendable {
    /// The client every operation goes through.
    public let client: KeelClient
    /// The configuration the feed was created with.
    public let configuration: FeedConfiguration

    let keys: FeedKeys
    let now: @Sendable () -> Int64
    let readTimes = ReadTimes()
    let activityCache: ActivityCache
    /// Called before each chunk of a fanout to timelines, with the chunk's index. Only tests
    /// set it (through the internal initialiser), to stop a publisher between chunks.
    let fanoutChunkWillStart: (@Sendable (Int) async throws -> Void)?

    /// Creates a feed system over a client.
    /// - Parameters:
    ///   - client: The cluster's client.
    ///   - configuration: Namespace, feed lengths, fanout and pull settings.
    ///   - now: The clock, in milliseconds since the Unix epoch; follow times, read times and
    ///     fanout records use it. The wall clock by default.
    /// - Throws: ``FeedError`` when the configuration is out of range.
    public convenience init(
        client: KeelClient,
        configuration: FeedConfiguration = FeedConfiguration(),
        now: @escaping @Sendable () -> Int64 = KeelFeed.wallClock
    ) throws {
        try self.init(client: client, configuration: configuration, now: now, fanoutChunkWillStart: nil)
    }

    init(
        client: KeelClient,
        configuration: FeedConfiguration,
        now: @escaping @Sendable () -> Int64,
        fanoutChunkWillStart: (@Sendable (Int) async throws -> Void)?
    ) throws {
        try configuration.validate()
        self.client = client
        self.configuration = configuration
        self.keys = FeedKeys(namespace: configuration.namespace)
        self.now = now
        self.fanoutChunkWillStart = fanoutChunkWillStart
        self.activityCache = ActivityCache(capacity: configuration.activityCacheCapacity)
    }

    /// The wall clock in milliseconds since the Unix epoch.
    @Sendable
    public static func wallClock() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1_000).rounded(.down))
    }

    // MARK: - Shared reads

    /// Every member of a set, oldest (lowest score) first, in pages of the store's maximum.
    func allMembers(of set: [UInt8]) async throws -> [SortedSetMember] {
        var members: [SortedSetMember] = []
        var start = SortedSetRangeStart.beginning
        while true {
            let page = try await self.client.zrange(set, order: .oldestFirst, from: start, limit: 10_000)
            members += page.members
            guard let cursor = page.nextCursor else { return members }
            start = .after(cursor)
        }
    }

    /// The user ids a follow set holds, in follow order.
    func allUsers(in set: [UInt8]) async throws -> [String] {
        try await self.allMembers(of: set).map { String(decoding: $0.member, as: UTF8.self) }
    }

    /// Loads the activities of a page's members: from the activity cache, and the rest in one
    /// round trip (every get is sent at once and they share the connection's pipeline;
    /// KeelClient has no multi-get). Members whose activity is gone (removed meanwhile) are
    /// left out.
    func resolve(_ members: [SortedSetMember]) async throws -> [(activity: Activity, position: SortedSetMember)] {
        let references = members.map { ActivityReference(member: $0.member) }
        var activities = references.map { $0.flatMap { self.activityCache.activity($0.id) } }
        let consistency = self.configuration.readConsistency
        let client = self.client
        let keys = self.keys
        let fetched = try await withThrowingTaskGroup(of: (Int, [UInt8]?).self) { group in
            for (index, reference) in references.enumerated() {
                guard let reference, activities[index] == nil else { continue }
                group.addTask { (index, try await client.get(keys.activity(reference.id), consistency: consistency)) }
            }
            return try await group.reduce(into: [(Int, [UInt8]?)]()) { $0.append($1) }
        }
        for (index, value) in fetched {
            guard let value, let activity = try? ActivityCodec.decode(value) else { continue }
            self.activityCache.insert(activity)
            activities[index] = activity
        }
        return zip(activities, members).compactMap { activity, member in activity.map { ($0, member) } }
    }

    /// Runs `body` on `items` in slices of at most `size`, in order.
    func forEachChunk<Item>(
        of items: [Item],
        size: Int,
        _ body: (_ index: Int, _ chunk: ArraySlice<Item>) async throws -> Void
    ) async throws {
        var index = 0
        var start = items.startIndex
        while start < items.endIndex {
            let end = min(start + size, items.endIndex)
            try await body(index, items[start..<end])
            index += 1
            start = end
        }
    }
}
