/// One follow of ``KeelFeed/followMany(_:backfill:)``: `follower` starts following `followee`.
public struct FollowRequest: Sendable, Hashable {
    /// Who follows.
    public var follower: String
    /// Whom.
    public var followee: String

    /// Creates a follow request.
    public init(follower: String, followee: String) {
        self.follower = follower
        self.followee = followee
    }
}
