/// Activities of one verb on one day (UTC), as an aggregated feed shows them: "Ann and 3
/// others liked your photos today".
public struct ActivityGroup: Sendable, Hashable {
    /// The verb every activity of the group shares.
    public var verb: String
    /// The day, counted in days since 1970-01-01 (UTC).
    public var day: Int64
    /// The activities, newest first.
    public var activities: [Activity]

    /// Creates a group.
    public init(verb: String, day: Int64, activities: [Activity]) {
        self.verb = verb
        self.day = day
        self.activities = activities
    }

    /// The distinct actors, most recent first.
    public var actors: [String] {
        var seen = Set<String>()
        return self.activities.map(\.actor).filter { seen.insert($0).inserted }
    }

    static let millisecondsPerDay: Int64 = 86_400_000

    static func day(of time: Int64) -> Int64 {
        time / self.millisecondsPerDay
    }

    /// Groups activities given newest first by (verb, day); the groups come newest first (by
    /// their newest activity), and keep the activities' order.
    static func grouping(_ activities: [Activity]) -> [ActivityGroup] {
        var groups: [ActivityGroup] = []
        var index: [GroupKey: Int] = [:]
        for activity in activities {
            let key = GroupKey(verb: activity.verb, day: self.day(of: activity.time))
            if let position = index[key] {
                groups[position].activities.append(activity)
            } else {
                index[key] = groups.count
                groups.append(ActivityGroup(verb: key.verb, day: key.day, activities: [activity]))
            }
        }
        return groups
    }

    private struct GroupKey: Hashable {
        var verb: String
        var day: Int64
    }
}
