/// One page of a notification feed, newest first, with the feed's unseen and unread counts.
public struct NotificationPage: Sendable, Hashable {
    /// The notifications, newest first.
    public var items: [NotificationItem]
    /// Notifications in the whole feed not yet seen.
    public var unseenCount: Int
    /// Notifications in the whole feed not yet read.
    public var unreadCount: Int
    /// Pass as `before:` for the next page; `nil` after the last.
    public var nextCursor: FeedCursor?

    /// Creates a page.
    public init(items: [NotificationItem], unseenCount: Int, unreadCount: Int, nextCursor: FeedCursor?) {
        self.items = items
        self.unseenCount = unseenCount
        self.unreadCount = unreadCount
        self.nextCursor = nextCursor
    }
}
