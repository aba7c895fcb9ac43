import KeelClient

// Reading feeds: pages of sorted-set members resolved to activities.
extension KeelFeed {
    /// One page of `user`'s timeline, newest first: what the producers `user` follows
    /// published, pushed ones from the timeline set and pulled ones merged from their user
    /// feeds, in one order with one cursor.
    ///
    /// Notes that `user` read recently (at most once per
    /// ``FeedConfiguration/readerRecordIntervalMilliseconds``), so that fanouts serve them first.
    /// The note is written in the background, after the page is returned: see
    /// ``flushBackgroundWrites()``.
    /// - Parameters:
    ///   - user: The reader; an unknown user has an empty timeline.
    ///   - limit: The most activities: 1 to ``FeedLimits/maximumPageSize``.
    ///   - before: The previous page's ``FeedPage/nextCursor``; `nil` for the newest page.
    /// - Returns: The page. It may hold fewer than `limit` activities while more follow when
    ///   activities were removed during the read.
    /// - Throws: ``FeedError`` for a bad id or limit; `KeelError`.
    public func timeline(_ user: String, limit: Int = 30, before: FeedCursor? = nil) async throws -> FeedPage {
        try checkText(user, field: "user")
        try checkRange("limit", limit, 1...FeedLimits.maximumPageSize)
        let page = try await self.timelineMembers(user, limit: limit, before: before)
        let resolved = try await self.resolve(page.members)
        await self.noteRead(by: user)
        return FeedPage(activities: resolved.map(\.activity), nextCursor: page.nextCursor.map(FeedCursor.init))
    }

    /// One page of what `user` published, newest first.
    /// - Parameters:
    ///   - user: The publisher; an unknown user has an empty feed.
    ///   - limit: The most activities: 1 to ``FeedLimits/maximumPageSize``.
    ///   - before: The previous page's ``FeedPage/nextCursor``; `nil` for the newest page.
    /// - Throws: ``FeedError`` for a bad id or limit; `KeelError`.
    public func userFeed(_ user: String, limit: Int = 30, before: FeedCursor? = nil) async throws -> FeedPage {
        try checkText(user, field: "user")
        try checkRange("limit", limit, 1...FeedLimits.maximumPageSize)
        let page = try await self.client.zrange(
            self.keys.userFeed(user), from: before.map { .after($0.position) } ?? .beginning, limit: UInt32(limit),
            consistency: self.configuration.readConsistency
        )
        let resolved = try await self.resolve(page.members)
        return FeedPage(activities: resolved.map(\.activity), nextCursor: page.nextCursor.map(FeedCursor.init))
    }

    /// The stored activity with this id, if any.
    /// - Throws: ``FeedError`` for a bad id; `KeelError`.
    public func activity(_ id: ActivityID) async throws -> Activity? {
        try checkText(id.foreignID, field: "foreign id")
        guard (0...FeedLimits.maximumTime).contains(id.time) else { throw FeedError.timeOutOfRange(id.time) }
        return try await self.client.get(self.keys.activity(id), consistency: self.configuration.readConsistency)
            .map(ActivityCodec.decode)
    }

    /// The members of one timeline page: the timeline set alone when the user pulls from no
    /// producer, else one merged range over the timeline and the pulled producers' user feeds.
    ///
    /// The pull list is read with the page in one round trip: alongside the timeline set
    /// when this process remembers no pulls for the user, alongside the merged range over the
    /// remembered producers when it does. That page is used only when the list read with it
    /// is the same; otherwise the page is read again with the current list.
    func timelineMembers(_ user: String, limit: Int, before: FeedCursor?) async throws -> SortedSetPage {
        let consistency = self.configuration.readConsistency
        let start = before.map { SortedSetRangeStart.after($0.position) } ?? .beginning
        let timeline = self.keys.timeline(user)
        async let pulls = self.client.zrange(
            self.keys.pulls(user), limit: UInt32(FeedLimits.maximumPulledProducers), consistency: consistency
        )
        if let remembered = self.pullLists.producers(of: user), !remembered.isEmpty {
            async let guessed = self.mergedPage(timeline, producers: remembered, start: start, limit: limit)
            let producers = try await pulls.members.map(\.member)
            if producers == remembered {
                return try await guessed
            }
            self.pullLists.remember(producers, of: user)
            if producers.isEmpty {
                return try await self.client.zrange(timeline, from: start, limit: UInt32(limit), consistency: consistency)
            }
            return try await self.mergedPage(timeline, producers: producers, start: start, limit: limit)
        }
        async let own = self.client.zrange(timeline, from: start, limit: UInt32(limit), consistency: consistency)
        let producers = try await pulls.members.map(\.member)
        self.pullLists.remember(producers, of: user)
        if producers.isEmpty {
            return try await own
        }
        return try await self.mergedPage(timeline, producers: producers, start: start, limit: limit)
    }

    /// One page of the merged range over a timeline and the user feeds of `producers` (the
    /// members of the reader's `pulls` set).
    private func mergedPage(
        _ timeline: [UInt8], producers: [[UInt8]], start: SortedSetRangeStart, limit: Int
    ) async throws -> SortedSetPage {
        let sets = [timeline] + producers.map { self.keys.userFeed(String(decoding: $0, as: UTF8.self)) }
        // One member more than the page: whether it exists says whether another page
        // follows. The store's own answer can be a false "more" when the last member of the
        // page is also in another set (an activity pushed before its producer was pulled):
        // the duplicate left in its merge heap counts as a next member.
        let merged = try await self.client.zmerged(
            sets, from: start, limit: UInt32(limit + 1), consistency: self.configuration.readConsistency
        )
        guard merged.members.count > limit else {
            return SortedSetPage(members: merged.members, nextCursor: nil, appliedIndex: merged.appliedIndex)
        }
        let members = Array(merged.members.prefix(limit))
        let last = members[limit - 1]
        return SortedSetPage(
            members: members, nextCursor: SortedSetCursor(score: last.score, member: last.member), appliedIndex: merged.appliedIndex
        )
    }

    /// Waits until the writes this feed does after its calls have returned are done: every
    /// timeline read noted so far is written to the `readers` set, and every finished
    /// publish's fanout record is deleted (or those writes failed: read times are best effort,
    /// and a record left behind is finished again by the fanout worker). Call this where the
    /// order of a following fanout matters, or before shutting down.
    public func flushBackgroundWrites() async {
        await self.readRecorder.waitUntilWritten()
        await self.recordDeletions.waitForAll()
    }

    private func noteRead(by user: String) async {
        let now = self.now()
        guard await self.readRecorder.note(user, now: now, interval: self.configuration.readerRecordIntervalMilliseconds) else {
            return
        }
        Task { await self.writeReadRecords() }
    }

    /// The one writer of noted reads: one sorted-set add per batch until none are pending.
    private func writeReadRecords() async {
        while let batch = await self.readRecorder.take(limit: FeedLimits.readRecordsPerWrite) {
            let members = batch.map { SortedSetMember(member: Array($0.user.utf8), score: Double($0.time)) }
            // Best effort: a lost read time only changes the order of a later fanout.
            _ = try? await self.client.zadd(self.keys.readers, members: members, maxLength: self.configuration.readersMaxLength)
        }
    }
}
