import KeelClient

// The aggregated feed (Stream-Framework style): a timeline grouped by verb and day.
extension KeelFeed {
    /// One page of `user`'s timeline grouped by verb and day (UTC), newest group first.
    ///
    /// A page holds whole days: it reads the timeline until it has `groups` complete groups
    /// (a day is complete once an older activity has been read), so it may return more
    /// groups than asked, all of the last day. When `maximumActivities` are read before that,
    /// the page ends with what was read and the next page continues the cut group.
    /// - Parameters:
    ///   - user: The reader; an unknown user has an empty feed.
    ///   - groups: The fewest groups a page aims for: 1 to ``FeedLimits/maximumPageSize``.
    ///   - before: The previous page's ``AggregatedPage/nextCursor``.
    ///   - maximumActivities: The most activities one page reads: 1 to 10,000.
    /// - Throws: ``FeedError`` for a bad id or count; `KeelError`.
    public func aggregatedTimeline(
        _ user: String,
        groups: Int = 10,
        before: FeedCursor? = nil,
        maximumActivities: Int = 300
    ) async throws -> AggregatedPage {
        try checkText(user, field: "user")
        try checkRange("groups", groups, 1...FeedLimits.maximumPageSize)
        try checkRange("maximumActivities", maximumActivities, 1...10_000)
        var read: [(activity: Activity, position: SortedSetMember)] = []
        var cursor = before
        var exhausted = false
        var membersRead = 0
        while membersRead < maximumActivities {
            let page = try await self.timelineMembers(user, limit: min(100, maximumActivities - membersRead), before: cursor)
            membersRead += page.members.count
            read += try await self.resolve(page.members)
            exhausted = page.nextCursor == nil
            cursor = page.nextCursor.map(FeedCursor.init)
            // Days older than the last activity read are complete (all of them once the
            // timeline is exhausted).
            let lastDay = read.last.map { ActivityGroup.day(of: $0.activity.time) } ?? 0
            let complete = exhausted ? read[...] : read.prefix { ActivityGroup.day(of: $0.activity.time) > lastDay }
            if let kept = self.wholeDays(of: complete, reaching: groups), !(exhausted && kept.count == read.count) {
                // The next page starts after the last activity of the last whole day kept.
                return AggregatedPage(
                    groups: ActivityGroup.grouping(kept.map(\.activity)),
                    nextCursor: kept.last.map { FeedCursor(SortedSetCursor(score: $0.position.score, member: $0.position.member)) }
                )
            }
            if exhausted {
                break
            }
        }
        return AggregatedPage(groups: ActivityGroup.grouping(read.map(\.activity)), nextCursor: exhausted ? nil : cursor)
    }

    /// The fewest leading whole days of `read` (newest first) that make at least `groups`
    /// groups, or `nil` when all of them make fewer.
    private func wholeDays(
        of read: ArraySlice<(activity: Activity, position: SortedSetMember)>,
        reaching groups: Int
    ) -> ArraySlice<(activity: Activity, position: SortedSetMember)>? {
        var days: [Int64] = []
        for entry in read where days.last != ActivityGroup.day(of: entry.activity.time) {
            days.append(ActivityGroup.day(of: entry.activity.time))
        }
        for day in days {
            let prefix = read.prefix { ActivityGroup.day(of: $0.activity.time) >= day }
            if ActivityGroup.grouping(prefix.map(\.activity)).count >= groups {
                return prefix
            }
        }
        return nil
    }
}
