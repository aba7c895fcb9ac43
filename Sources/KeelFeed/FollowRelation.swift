import Foundation

/// A user in someone's followers or following list, with when the follow began.
public struct FollowRelation: Sendable, Hashable {
    /// The other user.
    public var user: String
    /// When the follow began, in milliseconds since the Unix epoch.
    public var since: Int64

    /// Creates a relation.
    public init(user: String, since: Int64) {
        self.user = user
        self.since = since
    }
}
