/// One page of an aggregated timeline: activity groups, newest group first.
public struct AggregatedPage: Sendable, Hashable {
    /// The groups, newest first.
    public var groups: [ActivityGroup]
    /// Pass as `before:` for the next page; `nil` after the last.
    public var nextCursor: FeedCursor?

    /// Creates a page.
    public init(groups: [ActivityGroup], nextCursor: FeedCursor?) {
        self.groups = groups
        self.nextCursor = nextCursor
    }
}
