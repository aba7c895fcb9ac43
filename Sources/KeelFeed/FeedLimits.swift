/// The bounds KeelFeed checks before it writes anything. Breaking one throws a ``FeedError``
/// and writes nothing.
public enum FeedLimits {
    /// The longest user id, actor, verb or foreign id, in UTF-8 bytes. Keeps every sorted-set
    /// member (time, actor and foreign id) under the store's 1,024-byte member limit.
    public static let maximumFieldBytes = 256
    /// The most recipients (``Activity/to``) of one activity.
    public static let maximumRecipients = 1_000
    /// The largest page a read returns.
    public static let maximumPageSize = 1_000
    /// The most activities a follow may copy into the follower's timeline.
    public static let maximumBackfill = 10_000
    /// The latest activity time: 2^53 ms, the last integer a `Double` score holds exactly.
    public static let maximumTime: Int64 = 1 << 53
    /// The most producers a timeline read merges besides the timeline itself (the store
    /// merges at most 1,000 sets).
    public static let maximumPulledProducers = 999
    /// The most read times one write to the `readers` set carries (the store takes 10,000
    /// members per command; a smaller batch keeps each write's apply short).
    static let readRecordsPerWrite = 1_000
}
