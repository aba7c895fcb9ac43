import KeelClient

// The follow graph: `followers:<user>` and `following:<user>` sorted sets scored by follow time.
extension KeelFeed {
    /// `follower` follows `followee`: the follow is recorded on both sides and the followee's
    /// newest activities are copied into the follower's timeline (or, for a pulled producer,
    /// the producer joins the follower's read-time merge). Following again keeps the first
    /// follow time and backfills again, which changes nothing already there.
    /// - Parameters:
    ///   - follower: Who follows.
    ///   - followee: Whom.
    ///   - backfill: How many of the followee's newest activities to copy; 0 to
    ///     ``FeedLimits/maximumBackfill``, ``FeedConfiguration/defaultBackfill`` by default.
    /// - Throws: ``FeedError`` for bad ids or backfill (nothing written); `KeelError`.
    public func follow(_ follower: String, _ followee: String, backfill: Int? = nil) async throws {
        try await self.followMany([FollowRequest(follower: follower, followee: followee)], backfill: backfill)
    }

    /// Many follows at once, for onboarding: follows of the same followee share their
    /// writes (one command per 10,000 followers for each side of the graph, one per
    /// backfilled activity).
    /// - Parameters:
    ///   - follows: The follows; all are checked before anything is written.
    ///   - backfill: How many of each followee's newest activities to copy.
    /// - Throws: ``FeedError`` for a bad id or backfill (nothing written); `KeelError`.
    public func followMany(_ follows: [FollowRequest], backfill: Int? = nil) async throws {
        let backfill = backfill ?? self.configuration.defaultBackfill
        try checkRange("backfill", backfill, 0...FeedLimits.maximumBackfill)
        for follow in follows {
            try checkText(follow.follower, field: "follower")
            try checkText(follow.followee, field: "followee")
        }
        var order: [String] = []
        var groups: [String: [String]] = [:]
        for follow in follows {
            if groups[follow.followee] == nil {
                order.append(follow.followee)
            }
            groups[follow.followee, default: []].append(follow.follower)
        }
        for followee in order {
            var seen = Set<String>()
            let followers = groups[followee]!.filter { seen.insert($0).inserted }
            try await self.addFollowers(followers, to: followee, backfill: backfill)
        }
    }

    private func addFollowers(_ followers: [String], to followee: String, backfill: Int) async throws {
        let since = Double(self.now())
        let member = Array(followee.utf8)
        // Both sides of the graph first; only then look at the pulled flag and the user feed.
        // A publisher or pull switch writes those before it lists the followers, so either it
        // sees these followers or they see its write (docs/feeds.md, "Races").
        try await self.forEachChunk(of: followers, size: 10_000) { _, chunk in
            try await self.client.zadd(
                self.keys.followers(followee),
                members: chunk.map { SortedSetMember(member: Array($0.utf8), score: since) },
                mode: .onlyIfAbsent
            )
            try await self.client.zaddToMany(
                chunk.map { self.keys.following($0) }, member: member, score: since, mode: .onlyIfAbsent
            )
        }
        if try await self.client.get(self.keys.pulledFlag(followee)) != nil {
            try await self.forEachChunk(of: followers, size: 10_000) { _, chunk in
                try await self.client.zaddToMany(chunk.map { self.keys.pulls($0) }, member: member, score: since)
            }
            return
        }
        guard backfill > 0 else { return }
        let recent = try await self.client.zrange(self.keys.userFeed(followee), limit: UInt32(backfill)).members
        guard !recent.isEmpty else { return }
        let maxLength = self.configuration.timelineMaxLength
        if followers.count == 1 {
            try await self.client.zaddEntries(self.keys.timeline(followers[0]), recent, maxLength: maxLength)
            return
        }
        try await self.forEachChunk(of: followers, size: 10_000) { _, chunk in
            let timelines = chunk.map { self.keys.timeline($0) }
            for activity in recent {
                try await self.client.zaddEntryToMany(timelines, member: activity.member, score: activity.score, maxLength: maxLength)
            }
        }
    }

    /// `follower` stops following `followee`: the follow is removed on both sides and the
    /// followee's activities leave the follower's timeline.
    /// - Parameters:
    ///   - follower: Who unfollows.
    ///   - followee: Whom.
    /// - Throws: ``FeedError`` for bad ids (nothing written); `KeelError`.
    public func unfollow(_ follower: String, _ followee: String) async throws {
        try checkText(follower, field: "follower")
        try checkText(followee, field: "followee")
        try await self.client.zrem(self.keys.followers(followee), members: [Array(follower.utf8)])
        try await self.client.zrem(self.keys.following(follower), members: [Array(followee.utf8)])
        try await self.client.zrem(self.keys.pulls(follower), members: [Array(followee.utf8)])
        // The actor is part of each timeline member, so the followee's entries are found
        // without reading a single activity; a timeline holds at most its maximum length.
        let timeline = self.keys.timeline(follower)
        let theirs = try await self.allMembers(of: timeline).filter { entry in
            ActivityReference(member: entry.member)?.actor == followee
        }
        try await self.forEachChunk(of: theirs, size: 10_000) { _, chunk in
            try await self.client.zremEntries(timeline, Array(chunk))
        }
    }

    /// Who follows `user`, oldest follow first.
    /// - Parameters:
    ///   - user: The user.
    ///   - limit: The most to return: 1 to ``FeedLimits/maximumPageSize``.
    ///   - after: The last relation of the previous page, to read the next one.
    /// - Returns: The followers with their follow times; empty for an unknown user.
    /// - Throws: ``FeedError`` for a bad id or limit; `KeelError`.
    public func followers(of user: String, limit: Int = 100, after: FollowRelation? = nil) async throws -> [FollowRelation] {
        try await self.relations(self.keys.followers(user), user: user, limit: limit, after: after)
    }

    /// Whom `user` follows, oldest follow first.
    /// - Parameters:
    ///   - user: The user.
    ///   - limit: The most to return: 1 to ``FeedLimits/maximumPageSize``.
    ///   - after: The last relation of the previous page, to read the next one.
    /// - Returns: The followees with their follow times; empty for an unknown user.
    /// - Throws: ``FeedError`` for a bad id or limit; `KeelError`.
    public func following(of user: String, limit: Int = 100, after: FollowRelation? = nil) async throws -> [FollowRelation] {
        try await self.relations(self.keys.following(user), user: user, limit: limit, after: after)
    }

    /// How many users follow `user`.
    /// - Throws: ``FeedError`` for a bad id; `KeelError`.
    public func followerCount(of user: String) async throws -> Int {
        try checkText(user, field: "user")
        return Int(try await self.client.zcount(self.keys.followers(user), consistency: self.configuration.readConsistency))
    }

    private func relations(_ set: [UInt8], user: String, limit: Int, after: FollowRelation?) async throws -> [FollowRelation] {
        try checkText(user, field: "user")
        try checkRange("limit", limit, 1...FeedLimits.maximumPageSize)
        let start = after.map { SortedSetRangeStart.after(SortedSetCursor(score: Double($0.since), member: Array($0.user.utf8))) }
        let page = try await self.client.zrange(
            set, order: .oldestFirst, from: start ?? .beginning, limit: UInt32(limit),
            consistency: self.configuration.readConsistency
        )
        return page.members.map { FollowRelation(user: String(decoding: $0.member, as: UTF8.self), since: Int64($0.score)) }
    }
}
