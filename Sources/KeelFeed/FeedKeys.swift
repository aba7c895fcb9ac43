/// The key scheme. Every key starts with the configured namespace and a colon; the rest:
///
/// | kind | key | holds |
/// |---|---|---|
/// | sorted set | `user:<user>` | the user's own activities (user feed) |
/// | sorted set | `timeline:<user>` | activities pushed to the user (fanout on write, backfill) |
/// | sorted set | `pulls:<user>` | followed producers whose activities are merged at read time |
/// | sorted set | `followers:<user>` | who follows the user, scored by follow time |
/// | sorted set | `following:<user>` | whom the user follows, scored by follow time |
/// | sorted set | `notify:<user>`, `unseen:<user>`, `unread:<user>` | notification feed and its unseen and unread parts |
/// | sorted set | `readers` | users scored by when they last read their timeline |
/// | key | `activity:<time>:<foreign id>` | the stored activity |
/// | key | `fanout:a:<time>:<foreign id>` | an unfinished publish or removal |
/// | key | `fanout:p:<user>` | an unfinished switch of a producer to pull |
/// | key | `pulled:<user>` | present when the producer is pulled, not pushed |
///
/// A user id is the whole rest of its key, and no kind's name is a prefix of another's, so
/// no two users or kinds share a key. The time is decimal digits without a colon, so
/// `<time>:<foreign id>` splits at its first colon.
struct FeedKeys: Sendable {
    let namespace: String

    private func key(_ parts: String...) -> [UInt8] {
        Array((self.namespace + ":" + parts.joined()).utf8)
    }

    func userFeed(_ user: String) -> [UInt8] { self.key("user:", user) }
    func timeline(_ user: String) -> [UInt8] { self.key("timeline:", user) }
    func pulls(_ user: String) -> [UInt8] { self.key("pulls:", user) }
    func followers(_ user: String) -> [UInt8] { self.key("followers:", user) }
    func following(_ user: String) -> [UInt8] { self.key("following:", user) }
    func notifications(_ user: String) -> [UInt8] { self.key("notify:", user) }
    func unseen(_ user: String) -> [UInt8] { self.key("unseen:", user) }
    func unread(_ user: String) -> [UInt8] { self.key("unread:", user) }
    var readers: [UInt8] { self.key("readers") }
    func activity(_ id: ActivityID) -> [UInt8] { self.key("activity:", String(id.time), ":", id.foreignID) }
    func activityFanout(_ id: ActivityID) -> [UInt8] { self.key("fanout:a:", String(id.time), ":", id.foreignID) }
    func pullSwitch(_ producer: String) -> [UInt8] { self.key("fanout:p:", producer) }
    var fanoutPrefix: [UInt8] { self.key("fanout:") }
    func pulledFlag(_ producer: String) -> [UInt8] { self.key("pulled:", producer) }
    /// Every key-value key of this namespace (sorted sets live in their own key space).
    var keyValuePrefix: [UInt8] { self.key() }
}
