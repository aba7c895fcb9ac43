import Foundation

/// Something that happened, Stream-style: *actor* did *verb* to *object* (optionally on
/// *target*), at *time*.
///
/// An activity is identified by its ``id``, the pair (``foreignID``, ``time``): publishing the
/// same activity twice stores it once. Feeds hold only the id; the activity itself is stored
/// once under its own key.
public struct Activity: Sendable, Hashable {
    /// Who did it (a user id); 1 to ``FeedLimits/maximumFieldBytes`` bytes of UTF-8.
    public var actor: String
    /// What was done ("post", "like", "follow"); 1 to ``FeedLimits/maximumFieldBytes`` bytes.
    public var verb: String
    /// What it was done to ("photo:17"); may be empty.
    public var object: String
    /// Where it was done ("album:3"), if anywhere.
    public var target: String?
    /// When, in milliseconds since the Unix epoch (UTC); 0 to 2^53 so that it is exact as a
    /// sorted-set score.
    public var time: Int64
    /// The caller's id for the activity ("post:981"); with ``time`` it identifies the activity.
    public var foreignID: String
    /// Users this activity is addressed to: it goes into their notification feeds.
    public var to: [String]
    /// Further fields, stored and returned as they are.
    public var extra: [String: String]

    /// Creates an activity.
    /// - Parameters:
    ///   - actor: Who did it.
    ///   - verb: What was done.
    ///   - object: What it was done to.
    ///   - target: Where it was done, if anywhere.
    ///   - time: Milliseconds since the Unix epoch.
    ///   - foreignID: The caller's id for it; a new UUID when not given.
    ///   - to: Users whose notification feeds receive it.
    ///   - extra: Further fields.
    public init(
        actor: String,
        verb: String,
        object: String,
        target: String? = nil,
        time: Int64,
        foreignID: String = UUID().uuidString,
        to: [String] = [],
        extra: [String: String] = [:]
    ) {
        self.actor = actor
        self.verb = verb
        self.object = object
        self.target = target
        self.time = time
        self.foreignID = foreignID
        self.to = to
        self.extra = extra
    }

    /// Creates an activity at a `Date` (kept to the millisecond).
    /// - Parameters:
    ///   - actor: Who did it.
    ///   - verb: What was done.
    ///   - object: What it was done to.
    ///   - target: Where it was done, if anywhere.
    ///   - date: When.
    ///   - foreignID: The caller's id for it; a new UUID when not given.
    ///   - to: Users whose notification feeds receive it.
    ///   - extra: Further fields.
    public init(
        actor: String,
        verb: String,
        object: String,
        target: String? = nil,
        date: Date,
        foreignID: String = UUID().uuidString,
        to: [String] = [],
        extra: [String: String] = [:]
    ) {
        self.init(
            actor: actor, verb: verb, object: object, target: target,
            time: Int64((date.timeIntervalSince1970 * 1_000).rounded(.down)), foreignID: foreignID, to: to, extra: extra
        )
    }

    /// The activity's identity: (foreign id, time).
    public var id: ActivityID {
        ActivityID(foreignID: self.foreignID, time: self.time)
    }

    /// ``time`` as a `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: Double(self.time) / 1_000)
    }
}
