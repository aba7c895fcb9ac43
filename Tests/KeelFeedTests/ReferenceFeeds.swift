@testable import KeelFeed

/// The feeds as they should read, kept in memory: the model that the cluster's pages are
/// compared with. A timeline is every stored activity of every producer the user follows,
/// newest first (ties by stored member, highest first, as the store orders them).
struct ReferenceFeeds {
    private(set) var following: [String: Set<String>] = [:]
    private(set) var activities: [ActivityID: Activity] = [:]

    mutating func follow(_ follower: String, _ followee: String) {
        self.following[follower, default: []].insert(followee)
    }

    mutating func unfollow(_ follower: String, _ followee: String) {
        self.following[follower]?.remove(followee)
    }

    mutating func publish(_ activity: Activity) {
        self.activities[activity.id] = activity
    }

    mutating func remove(_ id: ActivityID) {
        self.activities[id] = nil
    }

    func followerCount(of user: String) -> Int {
        self.following.values.filter { $0.contains(user) }.count
    }

    func timeline(_ user: String) -> [Activity] {
        let producers = self.following[user] ?? []
        return Self.newestFirst(self.activities.values.filter { producers.contains($0.actor) })
    }

    func userFeed(_ user: String) -> [Activity] {
        Self.newestFirst(self.activities.values.filter { $0.actor == user })
    }

    static func newestFirst(_ activities: some Sequence<Activity>) -> [Activity] {
        activities.sorted { left, right in
            if left.time != right.time {
                return left.time > right.time
            }
            return ActivityReference(right).member.lexicographicallyPrecedes(ActivityReference(left).member)
        }
    }
}
