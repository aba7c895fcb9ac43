import KeelClient
import Synchronization

// Publishing and removing activities. Both write a fanout record first (docs/feeds.md,
// "Fanout"), so a publisher that dies half way leaves work the fanout worker finishes.
extension KeelFeed {
    /// Stores an activity once and delivers it: to the actor's user feed, to the notification
    /// feeds of ``Activity/to``, and to the actor's followers' timelines in chunks of
    /// ``FeedConfiguration/fanoutChunkSize`` (recent readers first), each timeline trimmed to
    /// ``FeedConfiguration/timelineMaxLength``. An actor with more than
    /// ``FeedConfiguration/pullThreshold`` followers is not fanned out: followers merge its
    /// user feed into their timeline pages when they read.
    ///
    /// Publishing an activity that is already stored (same id, same content) does nothing
    /// more than finish its fanout if that was interrupted.
    ///
    /// Returns once the activity's inserts into every follower's timeline and every
    /// recipient's notification sets are committed (on the disks of a quorum): every read that
    /// starts afterwards (with the default linearizable consistency, or lease) shows it. The
    /// leader applying those inserts is checked in the background, where a write that failed
    /// to apply is made again, and the fanout record is deleted after that
    /// (``flushBackgroundWrites()`` waits for both).
    /// - Parameter activity: The activity.
    /// - Returns: How it was delivered.
    /// - Throws: ``FeedError`` for an invalid or oversized activity (nothing written), or one
    ///   whose id is taken by different content (nothing written); `KeelError` (an interrupted
    ///   fanout is finished by ``resumeUnfinishedFanouts(startedBefore:)``).
    @discardableResult
    public func publish(_ activity: Activity) async throws -> PublishResult {
        let stored = try self.validate(activity)
        let recordKey = self.keys.activityFanout(activity.id)
        let activityKey = self.keys.activity(activity.id)
        for _ in 0..<8 {
            let record = FanoutRecord(work: .publish(activity), startedAt: self.now()).encoded()
            do {
                // The record and the activity in one atomic write, each only if absent: a
                // publish must not overwrite a crashed publisher's record, nor a removal's, nor
                // another activity under its id; and a crash never leaves the activity without
                // the record that finishes its fanout.
                try await self.client.batch([
                    .compareAndSet(key: recordKey, expected: .absent, replacement: .value(record)),
                    .compareAndSet(key: activityKey, expected: .absent, replacement: .value(stored)),
                ])
            } catch KeelError.conditionFailed {
                // A publish of this id from this process may still be deleting its record.
                await self.recordDeletions.wait(for: recordKey)
                let found = try await self.client.getMany([recordKey, activityKey])
                if let unfinished = found[0] {
                    if let pending = try? FanoutRecord(decoding: unfinished) {
                        try await self.run(pending, bytes: unfinished)
                    }
                    continue
                }
                if let existing = found[1] {
                    // Published before, and its fanout finished (or it would have a record).
                    guard existing == stored else { throw FeedError.conflictingActivity(activity.id) }
                    return PublishResult(id: activity.id, delivery: .alreadyPublished)
                }
                continue  // Both gone again (a removal finished meanwhile): try once more.
            }
            let delivery = try await self.deliver(activity, record: record, resuming: false)
            await self.recordDeletions.start(recordKey) {
                // On failure the record stays, and the fanout worker repeats the work.
                try? await delivery.finish()
            }
            return PublishResult(id: activity.id, delivery: delivery.outcome)
        }
        throw KeelError.unavailable(lastFailure: "fanouts of activity \(activity.id) kept replacing each other")
    }

    /// Removes an activity from the actor's user feed, every follower's timeline and every
    /// notification feed it reached, then deletes it.
    /// - Parameter id: The activity's id.
    /// - Returns: Whether the activity was stored.
    /// - Throws: ``FeedError`` for a bad id (nothing written); `KeelError` (an interrupted
    ///   removal is finished by ``resumeUnfinishedFanouts(startedBefore:)``).
    @discardableResult
    public func remove(_ id: ActivityID) async throws -> Bool {
        try checkText(id.foreignID, field: "foreign id")
        guard (0...FeedLimits.maximumTime).contains(id.time) else { throw FeedError.timeOutOfRange(id.time) }
        guard let stored = try await self.client.get(self.keys.activity(id)) else { return false }
        let activity = try ActivityCodec.decode(stored)
        self.activityCache.remove(id)
        // Replacing a publish record makes a publisher still fanning out undo its pushes.
        let record = FanoutRecord(work: .removal(activity), startedAt: self.now()).encoded()
        try await self.client.put(self.keys.activityFanout(id), value: record)
        try await self.retract(activity, record: record)
        return true
    }

    /// Checks every field against ``FeedLimits`` and the encoded size against the configuration.
    /// - Returns: The encoded activity.
    @discardableResult
    func validate(_ activity: Activity) throws -> [UInt8] {
        try checkText(activity.actor, field: "actor")
        try checkText(activity.verb, field: "verb")
        try checkText(activity.foreignID, field: "foreign id")
        guard (0...FeedLimits.maximumTime).contains(activity.time) else { throw FeedError.timeOutOfRange(activity.time) }
        guard activity.to.count <= FeedLimits.maximumRecipients else {
            throw FeedError.tooManyRecipients(count: activity.to.count, limit: FeedLimits.maximumRecipients)
        }
        for recipient in activity.to {
            try checkText(recipient, field: "recipient")
        }
        let encoded = ActivityCodec.encode(activity)
        guard encoded.count <= self.configuration.maximumActivityBytes else {
            throw FeedError.activityTooLarge(bytes: encoded.count, limit: self.configuration.maximumActivityBytes)
        }
        return encoded
    }

    // MARK: - The work of a fanout record

    /// Runs a record's work from the start (every step is idempotent).
    func run(_ record: FanoutRecord, bytes: [UInt8]) async throws {
        switch record.work {
        case .publish(let activity):
            try await self.deliver(activity, record: bytes, resuming: true).finish()
        case .removal(let activity):
            try await self.retract(activity, record: bytes)
        case .pullSwitch(let producer):
            try await self.switchToPull(producer, record: bytes)
        }
    }

    /// Fans out an activity whose record is written: a fresh publish has stored the activity
    /// with the record; a resumed one stores it once more if it is missing (a record written
    /// by an earlier version, which stored them one after the other) and goes on when it finds
    /// the same activity.
    ///
    /// Steps that do not depend on each other run at once (docs/feeds.md, "Publishing and
    /// fanout", says why each overlap is safe): the user-feed entry and the reads that decide
    /// push or pull (and a resumed publish's compare-and-set of the activity); then the
    /// follower listing; then the chunks, several in flight; the notification sets alongside.
    /// The rest is left to the caller as `finish`: it confirms that every write acknowledged
    /// at its commit was applied (writing a failed one again), then deletes the record.
    private func deliver(
        _ activity: Activity, record: [UInt8], resuming: Bool
    ) async throws -> (outcome: PublishResult.Delivery, finish: @Sendable () async throws -> Void) {
        let recordKey = self.keys.activityFanout(activity.id)
        let reference = ActivityReference(activity)
        async let pulledFlag = self.client.get(self.keys.pulledFlag(activity.actor))
        async let followerCount = self.client.zcount(self.keys.followers(activity.actor))
        async let addedToUserFeed: Void = self.addToUserFeed(reference)
        // A resumed record may be of an earlier version, which stored the activity only after
        // the record: store it if it is missing.
        if resuming {
            let stored = ActivityCodec.encode(activity)
            if let existing = try await self.storeOnce(activity.id, encoded: stored), existing != stored {
                try await addedToUserFeed
                if (try? ActivityCodec.decode(existing))?.actor != activity.actor {
                    // The entry added alongside names this actor, but the id belongs to another
                    // actor's activity: take it back (a crash before this leaves the record, and
                    // the worker's rerun comes here again).
                    try await self.client.zrem(self.keys.userFeed(activity.actor), members: [reference.member])
                }
                // Best effort: a record left behind only makes the worker repeat idempotent work.
                _ = try? await self.client.compareAndSet(recordKey, expected: .value(record), replacement: .delete)
                throw FeedError.conflictingActivity(activity.id)
            }
        }
        // The user feed before the follower listing: a concurrent follow lists the user feed
        // after adding itself to the followers, so it either backfills this activity or is
        // listed below.
        try await addedToUserFeed
        // Every chunk (notification sets, then timelines) returns once committed, before three
        // nodes have applied its inserts (the longest part of a publish); `finish` checks the
        // applied results.
        let committedChunks = Mutex<[CommittedChunk]>([])
        async let notified: Void = self.pipelineChunks(of: self.notificationSets(of: activity.to), size: 9_999) { _, sets in
            let sets = Array(sets)
            let maxLength = self.configuration.notificationMaxLength
            let write = try await self.client.zaddToManyCommitted(sets, member: reference.member, score: reference.score, maxLength: maxLength)
            committedChunks.withLock {
                $0.append(CommittedChunk(write: write) {
                    try await self.client.zaddToMany(sets, member: reference.member, score: reference.score, maxLength: maxLength)
                })
            }
        }
        var pushed: [[UInt8]] = []
        let delivery: PublishResult.Delivery
        let followers = try await self.followersToPush(
            activity.actor, isPulled: try await pulledFlag != nil, followerCount: try await followerCount
        )
        if let followers {
            pushed = followers.map { self.keys.timeline($0) }
            try await self.pipelineChunks(of: pushed, size: self.configuration.fanoutChunkSize, willStart: self.fanoutChunkWillStart) {
                _, timelines in
                let timelines = Array(timelines)
                let maxLength = self.configuration.timelineMaxLength
                let write = try await self.client.zaddEntryToManyCommitted(
                    timelines, member: reference.member, score: reference.score, maxLength: maxLength
                )
                committedChunks.withLock {
                    $0.append(CommittedChunk(write: write) {
                        try await self.client.zaddEntryToMany(timelines, member: reference.member, score: reference.score, maxLength: maxLength)
                    })
                }
            }
            delivery = .pushed(followers: followers.count)
        } else {
            delivery = .pulled
        }
        try await notified
        let timelines = pushed
        let chunks = committedChunks.withLock { $0 }
        return (
            delivery,
            {
                try await Self.confirmApplied(chunks)
                try await self.deleteRecord(recordKey, record: record, pushedTo: timelines, reference: reference)
            }
        )
    }

    /// A fanout chunk acknowledged at its commit, and how to write it again.
    private struct CommittedChunk: Sendable {
        var write: CommittedWrite<SortedSetChanges>
        var rewrite: @Sendable () async throws -> Void
    }

    /// Waits until every chunk is applied; a chunk whose apply failed (its session was
    /// dropped, say, or its answer lost) is written again, plainly. Runs before the record is
    /// deleted, so a failure here leaves the record for the fanout worker.
    private static func confirmApplied(_ chunks: [CommittedChunk]) async throws {
        for chunk in chunks {
            do {
                _ = try await chunk.write.result()
            } catch {
                try await chunk.rewrite()
            }
        }
    }

    /// Deletes a finished publish's record by compare-and-set on its exact bytes. When a
    /// removal replaced the record while the fanout ran, the removal's follower walk may have
    /// come before some of the pushes, so they are taken back.
    private func deleteRecord(_ recordKey: [UInt8], record: [UInt8], pushedTo timelines: [[UInt8]], reference: ActivityReference) async throws {
        do {
            try await self.client.compareAndSet(recordKey, expected: .value(record), replacement: .delete)
        } catch KeelError.conditionFailed {
            if try await self.isBeingRemoved(reference.id) {
                try await self.pipelineChunks(of: timelines, size: self.configuration.fanoutChunkSize) { _, chunk in
                    try await self.client.zremEntryFromMany(Array(chunk), member: reference.member, score: reference.score)
                }
            }
        }
    }

    /// Adds the activity to its actor's user feed, trimmed to its maximum length.
    private func addToUserFeed(_ reference: ActivityReference) async throws {
        try await self.client.zadd(
            self.keys.userFeed(reference.actor), member: reference.member, score: reference.score,
            maxLength: self.configuration.userFeedMaxLength
        )
    }

    /// Stores the encoded activity unless its id is taken; returns `nil` when it stored it,
    /// else the bytes stored under the id.
    private func storeOnce(_ id: ActivityID, encoded: [UInt8]) async throws -> [UInt8]? {
        while true {
            do {
                try await self.client.compareAndSet(self.keys.activity(id), expected: .absent, replacement: .value(encoded))
                return nil
            } catch KeelError.conditionFailed {
                // Gone again (removed meanwhile): try to store it once more.
                if let existing = try await self.client.get(self.keys.activity(id)) {
                    return existing
                }
            }
        }
    }

    /// Whether the activity is gone or a removal record has taken over its fanout key.
    private func isBeingRemoved(_ id: ActivityID) async throws -> Bool {
        if try await self.client.get(self.keys.activity(id)) == nil {
            return true
        }
        guard let bytes = try await self.client.get(self.keys.activityFanout(id)),
              let record = try? FanoutRecord(decoding: bytes)
        else {
            return false
        }
        if case .removal = record.work {
            return true
        }
        return false
    }

    private func retract(_ activity: Activity, record: [UInt8]) async throws {
        let reference = ActivityReference(activity)
        try await self.client.zrem(self.keys.userFeed(activity.actor), members: [reference.member])
        try await self.pipelineChunks(of: self.notificationSets(of: activity.to), size: 9_999) { _, sets in
            try await self.client.zremFromMany(Array(sets), member: reference.member)
        }
        // Every current follower; whoever unfollowed had the actor's entries stripped then.
        let timelines = try await self.allUsers(in: self.keys.followers(activity.actor)).map { self.keys.timeline($0) }
        try await self.pipelineChunks(of: timelines, size: self.configuration.fanoutChunkSize) { _, chunk in
            try await self.client.zremEntryFromMany(Array(chunk), member: reference.member, score: reference.score)
        }
        // Unconditional: while a removal record stands, a publish of this id finishes the
        // removal before it writes a record of its own, so no other record can be here.
        try await self.client.batch([.delete(key: self.keys.activity(activity.id)), .delete(key: self.keys.activityFanout(activity.id))])
    }

    /// The followers to push to, recent readers first; `nil` when the producer is pulled
    /// (switching it to pull when it has just crossed the threshold). `isPulled` and
    /// `followerCount` were read before the activity entered the user feed; both only grow
    /// in a way that makes a stale value harmless (docs/feeds.md, "Publishing and fanout").
    private func followersToPush(_ producer: String, isPulled: Bool, followerCount: UInt64) async throws -> [String]? {
        if isPulled {
            return nil
        }
        if followerCount > UInt64(self.configuration.pullThreshold) {
            let record = FanoutRecord(work: .pullSwitch(producer: producer), startedAt: self.now()).encoded()
            // The flag before the follower walk: a concurrent follow adds itself to the
            // followers before it reads the flag, so it is walked or it sees the flag.
            try await self.client.batch([
                .put(key: self.keys.pulledFlag(producer), value: [1]),
                .put(key: self.keys.pullSwitch(producer), value: record),
            ])
            try await self.switchToPull(producer, record: record)
            return nil
        }
        // The reader list only orders a fanout of several chunks; read it alongside the
        // followers when the count says there will be several.
        let chunkSize = self.configuration.fanoutChunkSize
        async let expectedReaders: [String: Double]? = followerCount > UInt64(chunkSize) ? try await self.recentReaders() : nil
        let all = try await self.allUsers(in: self.keys.followers(producer))
        guard all.count > chunkSize else {
            // One chunk reaches everyone at once: order does not matter.
            return all
        }
        let lastRead: [String: Double]
        if let readers = try await expectedReaders {
            lastRead = readers
        } else {
            lastRead = try await self.recentReaders()
        }
        let recent = all.filter { lastRead[$0] != nil }.sorted { lastRead[$0]! > lastRead[$1]! }
        return recent + all.filter { lastRead[$0] == nil }
    }

    /// The users who read their timeline within the recent-reader window, with when.
    private func recentReaders() async throws -> [String: Double] {
        let readers = try await self.client.zrange(self.keys.readers, limit: 10_000)
        let cutoff = Double(self.now() - self.configuration.recentReaderWindowMilliseconds)
        var lastRead: [String: Double] = [:]
        for reader in readers.members where reader.score >= cutoff {
            lastRead[String(decoding: reader.member, as: UTF8.self)] = reader.score
        }
        return lastRead
    }

    private func switchToPull(_ producer: String, record: [UInt8]) async throws {
        let followers = try await self.allUsers(in: self.keys.followers(producer))
        let since = Double(self.now())
        try await self.forEachChunk(of: followers, size: 10_000) { _, chunk in
            try await self.client.zaddToMany(chunk.map { self.keys.pulls($0) }, member: Array(producer.utf8), score: since)
        }
        do {
            try await self.client.compareAndSet(self.keys.pullSwitch(producer), expected: .value(record), replacement: .delete)
        } catch KeelError.conditionFailed {
            // A newer switch record of the same producer; it does the same work.
        }
    }

    private func notificationSets(of recipients: [String]) -> [[UInt8]] {
        var seen = Set<String>()
        return recipients.filter { seen.insert($0).inserted }.flatMap {
            [self.keys.notifications($0), self.keys.unseen($0), self.keys.unread($0)]
        }
    }
}
