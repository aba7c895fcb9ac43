/// What ``KeelFeed/publish(_:)`` did.
public struct PublishResult: Sendable, Hashable {
    /// How the activity reached the actor's followers.
    public enum Delivery: Sendable, Hashable {
        /// Pushed into this many followers' timelines.
        case pushed(followers: Int)
        /// Not pushed: the actor is a pulled producer, merged into followers' pages at read time.
        case pulled
        /// Nothing done: the activity was already stored (and its fanout finished).
        case alreadyPublished
    }

    /// The activity's id.
    public var id: ActivityID
    /// How it reached the followers.
    public var delivery: Delivery

    /// Creates a result.
    public init(id: ActivityID, delivery: Delivery) {
        self.id = id
        self.delivery = delivery
    }
}
