import KeelClient

/// How a ``KeelFeed`` names its keys, sizes its feeds and chooses between push and pull.
public struct FeedConfiguration: Sendable {
    /// The prefix of every key and set this feed writes (followed by a colon); lets several
    /// independent feed systems share one cluster. Default `"feed"`.
    public var namespace: String = "feed"
    /// The most activities a timeline keeps; older ones are trimmed as new ones arrive.
    /// Default 3,600 (Fashiolista's cap for active users).
    public var timelineMaxLength: UInt64 = 3_600
    /// The most activities a user feed keeps. Default 3,600.
    public var userFeedMaxLength: UInt64 = 3_600
    /// The most activities a notification feed keeps. Default 1,000.
    public var notificationMaxLength: UInt64 = 1_000
    /// Producers with more followers than this are not fanned out: their activities are
    /// merged into their followers' pages at read time. Once pulled, a producer stays pulled.
    /// Default 10,000.
    public var pullThreshold: Int = 10_000
    /// Timelines per fanout command (one replicated log entry each): 1 to 10,000. Default
    /// 250: a node applies a command whole, so its size bounds how long everything else on
    /// that node waits behind it (docs/feeds.md, "Chunk size").
    public var fanoutChunkSize: Int = 250
    /// Fanout chunks sent at once (each its own command), started in order: recent readers
    /// still come first, and the commands of a large fanout share the log's round trips and
    /// fsyncs instead of queueing one behind another. 1 to 64; default 8.
    public var fanoutChunksInFlight: Int = 8
    /// Activities a follow copies into the follower's timeline when no backfill is given.
    /// Default 100.
    public var defaultBackfill: Int = 100
    /// The largest stored activity, in bytes: 1,024 to 1,000,000 (a fanout record holds the
    /// activity too and must stay under the store's 1 MiB value limit). Default 64 KiB.
    public var maximumActivityBytes: Int = 64 * 1_024
    /// How feed pages are read. Linearizable by default (a reader sees its own writes);
    /// `.lease` or `.stale` are cheaper where a moment of lag is fine.
    public var readConsistency: ReadConsistency = .linearizable
    /// Followers who read their timeline within this many milliseconds are fanned out to
    /// first. Default one day.
    public var recentReaderWindowMilliseconds: Int64 = 86_400_000
    /// A user's read time is recorded at most once per this many milliseconds (each record
    /// is a write). Default one minute.
    public var readerRecordIntervalMilliseconds: Int64 = 60_000
    /// How many recent readers are remembered. Default 100,000.
    public var readersMaxLength: UInt64 = 100_000
    /// The fanout worker takes over an unfinished fanout only when it started at least this
    /// many milliseconds ago, leaving a live publisher time to finish its own. Default 30 s.
    public var fanoutTakeoverMilliseconds: Int64 = 30_000

    /// About how many resolved activities this process keeps in memory, so that pages of
    /// popular activities need no gets; 0 turns the cache off. A stored activity never
    /// changes under its id, so a cached copy is current; the one exception is an id removed
    /// by another process and then published again with different content, which this
    /// process keeps showing with the old content until evicted. Default 10,000.
    public var activityCacheCapacity: Int = 10_000

    /// How many users' pulled-producer lists this process remembers, so that a timeline page
    /// reads the pull list and the merged range at once instead of one after the other; 0
    /// turns this off. A remembered list is only a guess: every page still reads the current
    /// list and, when it differs, reads the page again with it, so pages are never built from
    /// an old list. Default 10,000.
    public var pullListCacheCapacity: Int = 10_000

    /// Creates the default configuration.
    public init() {}

    func validate() throws {
        try checkText(self.namespace, field: "namespace")
        try checkRange("fanoutChunkSize", self.fanoutChunkSize, 1...10_000)
        try checkRange("defaultBackfill", self.defaultBackfill, 0...FeedLimits.maximumBackfill)
        try checkRange("maximumActivityBytes", self.maximumActivityBytes, 1_024...1_000_000)
        try checkRange("pullThreshold", self.pullThreshold, 0...Int.max)
        try checkRange("activityCacheCapacity", self.activityCacheCapacity, 0...10_000_000)
        try checkRange("fanoutChunksInFlight", self.fanoutChunksInFlight, 1...64)
        try checkRange("pullListCacheCapacity", self.pullListCacheCapacity, 0...10_000_000)
        for (name, length) in [
            ("timelineMaxLength", self.timelineMaxLength), ("userFeedMaxLength", self.userFeedMaxLength),
            ("notificationMaxLength", self.notificationMaxLength), ("readersMaxLength", self.readersMaxLength),
        ] where length == 0 {
            throw FeedError.limitOutOfRange(name, value: 0, range: 1...Int.max)
        }
    }
}

/// Checks a user id or other key part: not empty, at most ``FeedLimits/maximumFieldBytes``.
func checkText(_ text: String, field: String) throws {
    let count = text.utf8.count
    guard count > 0 else { throw FeedError.emptyField(field) }
    guard count <= FeedLimits.maximumFieldBytes else {
        throw FeedError.fieldTooLarge(field, bytes: count, limit: FeedLimits.maximumFieldBytes)
    }
}

func checkRange(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
    guard range.contains(value) else { throw FeedError.limitOutOfRange(name, value: value, range: range) }
}
