import KeelClient

// Notification feeds. An activity goes into `notify:<user>`, `unseen:<user>` and
// `unread:<user>` of each user in its `to` list, in the same fanout command; marking seen or
// read removes it from the second or third set, so the counts are set sizes.
extension KeelFeed {
    /// One page of `user`'s notifications, newest first, with the unseen and unread counts.
    /// - Parameters:
    ///   - user: The recipient; an unknown user has an empty feed.
    ///   - limit: The most notifications: 1 to ``FeedLimits/maximumPageSize``.
    ///   - before: The previous page's ``NotificationPage/nextCursor``.
    /// - Throws: ``FeedError`` for a bad id or limit; `KeelError`.
    public func notifications(_ user: String, limit: Int = 30, before: FeedCursor? = nil) async throws -> NotificationPage {
        try checkText(user, field: "user")
        try checkRange("limit", limit, 1...FeedLimits.maximumPageSize)
        let consistency = self.configuration.readConsistency
        async let unseenCount = self.client.zcount(self.keys.unseen(user), consistency: consistency)
        async let unreadCount = self.client.zcount(self.keys.unread(user), consistency: consistency)
        let page = try await self.client.zrange(
            self.keys.notifications(user), from: before.map { .after($0.position) } ?? .beginning, limit: UInt32(limit),
            consistency: consistency
        )
        var items: [NotificationItem] = []
        if let newest = page.members.first, let oldest = page.members.last {
            // The unseen and unread members in the page's score window: subsets of the
            // notification set, so the window holds about as many as the page.
            let window = UInt32(min(10_000, page.members.count * 2 + 64))
            async let unseen = self.client.zrange(self.keys.unseen(user), from: .score(newest.score), limit: window, consistency: consistency)
            async let unread = self.client.zrange(self.keys.unread(user), from: .score(newest.score), limit: window, consistency: consistency)
            let resolved = try await self.resolve(page.members)
            let unseenMembers = Set(try await unseen.members.filter { $0.score >= oldest.score }.map(\.member))
            let unreadMembers = Set(try await unread.members.filter { $0.score >= oldest.score }.map(\.member))
            items = resolved.map { entry in
                NotificationItem(
                    activity: entry.activity,
                    isSeen: !unseenMembers.contains(entry.position.member),
                    isRead: !unreadMembers.contains(entry.position.member)
                )
            }
        }
        return NotificationPage(
            items: items, unseenCount: Int(try await unseenCount), unreadCount: Int(try await unreadCount),
            nextCursor: page.nextCursor.map(FeedCursor.init)
        )
    }

    /// Marks `user`'s notifications seen: all of them, or those with the given ids.
    /// - Parameters:
    ///   - user: The recipient.
    ///   - ids: The notifications to mark; `nil` for all.
    /// - Throws: ``FeedError`` for a bad id; `KeelError`.
    public func markSeen(_ user: String, ids: [ActivityID]? = nil) async throws {
        try await self.mark(user, ids: ids, sets: [self.keys.unseen(user)])
    }

    /// Marks `user`'s notifications read, and so seen too: all of them, or those with the
    /// given ids.
    /// - Parameters:
    ///   - user: The recipient.
    ///   - ids: The notifications to mark; `nil` for all.
    /// - Throws: ``FeedError`` for a bad id; `KeelError`.
    public func markRead(_ user: String, ids: [ActivityID]? = nil) async throws {
        try await self.mark(user, ids: ids, sets: [self.keys.unseen(user), self.keys.unread(user)])
    }

    private func mark(_ user: String, ids: [ActivityID]?, sets: [[UInt8]]) async throws {
        try checkText(user, field: "user")
        guard let ids else {
            for set in sets {
                try await self.client.zdelete(set)
            }
            return
        }
        for id in ids {
            try checkText(id.foreignID, field: "foreign id")
        }
        // Members carry the actor as well; find them in the notification set, which holds
        // at most its maximum length.
        let wanted = Set(ids)
        let members = try await self.allMembers(of: self.keys.notifications(user)).compactMap { entry in
            ActivityReference(member: entry.member).flatMap { wanted.contains($0.id) ? entry.member : nil }
        }
        for set in sets {
            try await self.forEachChunk(of: members, size: 10_000) { _, chunk in
                try await self.client.zrem(set, members: Array(chunk))
            }
        }
    }
}
