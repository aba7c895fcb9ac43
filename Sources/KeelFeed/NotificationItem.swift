/// An activity in a notification feed, with whether its recipient has seen and read it.
public struct NotificationItem: Sendable, Hashable {
    /// The activity.
    public var activity: Activity
    /// Whether the recipient has seen it (opened the notification list since it arrived).
    public var isSeen: Bool
    /// Whether the recipient has read it (opened the notification itself).
    public var isRead: Bool

    /// Creates an item.
    public init(activity: Activity, isSeen: Bool, isRead: Bool) {
        self.activity = activity
        self.isSeen = isSeen
        self.isRead = isRead
    }
}
