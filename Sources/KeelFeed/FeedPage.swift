/// One page of a user feed or timeline, newest first.
public struct FeedPage: Sendable, Hashable {
    /// The activities, newest first.
    public var activities: [Activity]
    /// Pass as `before:` for the next (older) page; `nil` after the last page.
    public var nextCursor: FeedCursor?

    /// Creates a page.
    public init(activities: [Activity], nextCursor: FeedCursor?) {
        self.activities = activities
        self.nextCursor = nextCursor
    }
}
