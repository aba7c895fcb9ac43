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
    let readRecorder = ReadRecorder()
    let recordDeletions = RecordDeletions()
    let activityCache: ActivityCache
    let pullLists: PullListCache
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
        self.pullLists = PullListCache(capacity: configuration.pullListCacheCapacity)
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

    /// Loads the activities of a page's members: from the activity cache, and the rest with
    /// one multi-get (several only when the page's activities could be too large for one
    /// answer). Members whose activity is gone (removed meanwhile) are left out.
    func resolve(_ members: [SortedSetMember]) async throws -> [(activity: Activity, position: SortedSetMember)] {
        let references = members.map { ActivityReference(member: $0.member) }
        var activities = references.map { $0.flatMap { self.activityCache.activity($0.id) } }
        let missing = references.indices.filter { references[$0] != nil && activities[$0] == nil }
        if !missing.isEmpty {
            let values = try await self.values(of: missing.map { self.keys.activity(references[$0]!.id) })
            for (index, value) in zip(missing, values) {
                guard let value, let activity = try? ActivityCodec.decode(value) else { continue }
                self.activityCache.insert(activity)
                activities[index] = activity
            }
        }
        return zip(activities, members).compactMap { activity, member in activity.map { ($0, member) } }
    }

    /// The values of `keys` by multi-get. A request holds at most as many keys as surely fit
    /// one answer at ``FeedConfiguration/maximumActivityBytes`` each (128 at the default
    /// 64 KiB, so a page is one request); several requests go out at once. An answer refused
    /// as too large (activities stored under a larger maximum) is asked for again in halves.
    func values(of keys: [[UInt8]]) async throws -> [[UInt8]?] {
        let perRequest = max(
            1, min(KeelClient.maximumKeysPerGetMany, KeelClient.maximumGetManyValueBytes / self.configuration.maximumActivityBytes)
        )
        if keys.count <= perRequest {
            do {
                return try await self.client.getMany(keys, consistency: self.configuration.readConsistency)
            } catch KeelError.tooLarge where keys.count > 1 {
                // Split below.
            }
        }
        let middle = keys.count <= perRequest ? keys.count / 2 : min(perRequest, keys.count / 2)
        async let first = self.values(of: Array(keys[..<middle]))
        let second = try await self.values(of: Array(keys[middle...]))
        return try await first + second
    }

    /// Runs `body` on `items` in slices of at most `size`, started in order, with up to
    /// ``FeedConfiguration/fanoutChunksInFlight`` slices running at once (a fanout's chunks
    /// are independent and idempotent; docs/feeds.md). `willStart` runs before each slice
    /// starts; when it throws, the slices already started finish and the error is rethrown.
    /// Any slice's failure fails the whole run.
    func pipelineChunks<Item: Sendable>(
        of items: [Item],
        size: Int,
        willStart: (@Sendable (Int) async throws -> Void)? = nil,
        _ body: @escaping @Sendable (_ index: Int, _ chunk: ArraySlice<Item>) async throws -> Void
    ) async throws {
        let window = self.configuration.fanoutChunksInFlight
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            var index = 0
            var start = items.startIndex
            while start < items.endIndex {
                if running == window {
                    _ = try await group.next()
                    running -= 1
                }
                do {
                    try await willStart?(index)
                } catch {
                    while running > 0 {
                        _ = try? await group.next()
                        running -= 1
                    }
                    throw error
                }
                let end = min(start + size, items.endIndex)
                let chunk = items[start..<end]
                let chunkIndex = index
                group.addTask { try await body(chunkIndex, chunk) }
                running += 1
                index += 1
                start = end
            }
            try await group.waitForAll()
        }
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
