import KeelWire

// The sorted-set operations: the feed primitives. A set is named by a key of bytes (its own key
// space, apart from key-value keys); members are bytes with a `Double` score. Writes are
// replicated and exactly-once like key-value writes (one session stamp per call, kept across
// retries); reads take a ``ReadConsistency`` like `get`. Arguments outside the documented limits
// (docs/storage.md: empty or oversize set keys, oversize members, NaN scores, a limit of 0 or
// above the maximum, too many sets) throw ``KeelError/invalidArgument(message:)`` and change
// nothing.
extension KeelClient {
    // MARK: - Writes

    /// Adds members to a sorted set, or updates their scores (Redis `ZADD`).
    /// - Parameters:
    ///   - set: The set's key.
    ///   - members: The members with their scores; at least one.
    ///   - mode: What to do with members already in the set; new members are always added.
    ///   - maxLength: When given, the set is then trimmed to this many members, dropping the
    ///     lowest scores, in the same write.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: Members added, updated and trimmed, and the write's log index.
    /// - Throws: ``KeelError/invalidArgument(message:)`` for arguments out of range (nothing
    ///   written); other ``KeelError``s; `CancellationError`.
    @discardableResult
    public func zadd(
        _ set: some Collection<UInt8>,
        members: [SortedSetMember],
        mode: SortedSetAddMode = .upsert,
        maxLength: UInt64? = nil,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.add(set: Array(set), members: members, mode: mode, maxLength: maxLength), timeout: timeout)
    }

    /// Adds one member with its score to a sorted set, or updates its score.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - member: The member.
    ///   - score: Its score.
    ///   - mode: What to do when the member is already in the set.
    ///   - maxLength: When given, the set is then trimmed to this many members.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: What changed and the write's log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zadd(
        _ set: some Collection<UInt8>,
        member: some Collection<UInt8>,
        score: Double,
        mode: SortedSetAddMode = .upsert,
        maxLength: UInt64? = nil,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.zadd(
            set, members: [SortedSetMember(member: Array(member), score: score)], mode: mode, maxLength: maxLength,
            timeout: timeout
        )
    }

    /// The fanout: adds one member with one score to many sets, each then trimmed to
    /// `maxLength` when given, as one replicated log entry (all sets or none).
    ///
    /// ```swift
    /// // A post goes into every follower's timeline, each kept to its newest 3,600 entries.
    /// try await client.zaddToMany(followerTimelines, member: postID, score: timestamp, maxLength: 3_600)
    /// ```
    /// - Parameters:
    ///   - sets: The sets' keys; 1 to 10,000 of them.
    ///   - member: The member.
    ///   - score: Its score.
    ///   - mode: What to do in sets that already hold the member.
    ///   - maxLength: When given, each set is then trimmed to this many members.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The totals over every set, and the write's log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zaddToMany(
        _ sets: [[UInt8]],
        member: some Collection<UInt8>,
        score: Double,
        mode: SortedSetAddMode = .upsert,
        maxLength: UInt64? = nil,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(
            .addToMany(sets: sets, member: Array(member), score: score, mode: mode, maxLength: maxLength),
            timeout: timeout
        )
    }

    /// ``zaddToMany(_:member:score:mode:maxLength:timeout:)`` that returns as soon as the
    /// write is committed, before the leader has applied it; see
    /// ``zaddEntryToManyCommitted(_:member:score:maxLength:timeout:)`` and ``CommittedWrite``.
    /// - Parameters: as ``zaddToMany(_:member:score:mode:maxLength:timeout:)``; `timeout`
    ///   bounds the whole write, its final answer included.
    /// - Returns: The committed write, whose ``CommittedWrite/result()`` is the plain call's.
    /// - Throws: ``KeelError`` when the write fails before it is committed; `CancellationError`.
    public func zaddToManyCommitted(
        _ sets: [[UInt8]],
        member: some Collection<UInt8>,
        score: Double,
        mode: SortedSetAddMode = .upsert,
        maxLength: UInt64? = nil,
        timeout: Duration? = nil
    ) async throws -> CommittedWrite<SortedSetChanges> {
        try await self.writeSortedSetCommitted(
            .addToMany(sets: sets, member: Array(member), score: score, mode: mode, maxLength: maxLength),
            timeout: timeout
        )
    }

    /// Removes members from a sorted set (Redis `ZREM`); members not in the set are ignored.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - members: The members to remove; at least one.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: How many were removed (``SortedSetChanges/removed``) and the log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zrem(
        _ set: some Collection<UInt8>,
        members: [[UInt8]],
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.remove(set: Array(set), members: members), timeout: timeout)
    }

    /// Removes one member from many sets (undoing a fanout), as one log entry.
    /// - Parameters:
    ///   - sets: The sets' keys; 1 to 10,000 of them.
    ///   - member: The member to remove.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: How many sets held the member, and the log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zremFromMany(
        _ sets: [[UInt8]],
        member: some Collection<UInt8>,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.removeFromMany(sets: sets, member: Array(member)), timeout: timeout)
    }

    // MARK: - Entry-keyed sets

    /// Adds entries to an entry-keyed sorted set: a set where an entry is its (score, member)
    /// pair, so the node keeps no member -> score index and a write costs about half as much
    /// (made for timelines, whose members carry their time). An entry already there is left
    /// alone; the same member with another score is another entry. A set takes the kind of the
    /// write that makes it non-empty: ``zadd(_:members:mode:maxLength:timeout:)``,
    /// ``zrem(_:members:timeout:)`` and ``zscore(_:member:consistency:timeout:)`` on an
    /// entry-keyed set (and these on a member-keyed one) throw
    /// ``KeelError/invalidArgument(message:)``. Ranges, counts, trims and deletes work on both.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - entries: The entries; at least one.
    ///   - maxLength: When given, the set is then trimmed to this many entries, dropping the
    ///     lowest scores, in the same write.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: Entries added and trimmed, and the write's log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zaddEntries(
        _ set: some Collection<UInt8>,
        _ entries: [SortedSetMember],
        maxLength: UInt64? = nil,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.addEntries(set: Array(set), entries: entries, maxLength: maxLength), timeout: timeout)
    }

    /// The entry-keyed fanout: adds one entry to many entry-keyed sets, each then trimmed to
    /// `maxLength` when given, as one replicated log entry (see
    /// ``zaddEntries(_:_:maxLength:timeout:)`` for what entry-keyed means).
    ///
    /// ```swift
    /// try await client.zaddEntryToMany(followerTimelines, member: postID, score: timestamp, maxLength: 3_600)
    /// ```
    /// - Parameters:
    ///   - sets: The sets' keys; 1 to 10,000 of them.
    ///   - member: The entry's member.
    ///   - score: The entry's score.
    ///   - maxLength: When given, each set is then trimmed to this many entries.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The totals over every set, and the write's log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zaddEntryToMany(
        _ sets: [[UInt8]],
        member: some Collection<UInt8>,
        score: Double,
        maxLength: UInt64? = nil,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(
            .addEntryToMany(sets: sets, entry: SortedSetMember(member: Array(member), score: score), maxLength: maxLength),
            timeout: timeout
        )
    }

    /// ``zaddEntryToMany(_:member:score:maxLength:timeout:)`` that returns as soon as the
    /// write is committed, before the leader has applied it (see ``CommittedWrite``): a fanout
    /// then waits for the commit only, not for three nodes applying inserts into every set.
    ///
    /// ```swift
    /// let write = try await client.zaddEntryToManyCommitted(followerTimelines, member: postID, score: timestamp)
    /// // ... later, or in the background: throws if applying it failed.
    /// let changes = try await write.result()
    /// ```
    /// - Parameters: as ``zaddEntryToMany(_:member:score:maxLength:timeout:)``; `timeout`
    ///   bounds the whole write, its final answer included.
    /// - Returns: The committed write, whose ``CommittedWrite/result()`` is the plain call's.
    /// - Throws: ``KeelError`` when the write fails before it is committed; `CancellationError`.
    public func zaddEntryToManyCommitted(
        _ sets: [[UInt8]],
        member: some Collection<UInt8>,
        score: Double,
        maxLength: UInt64? = nil,
        timeout: Duration? = nil
    ) async throws -> CommittedWrite<SortedSetChanges> {
        try await self.writeSortedSetCommitted(
            .addEntryToMany(sets: sets, entry: SortedSetMember(member: Array(member), score: score), maxLength: maxLength),
            timeout: timeout
        )
    }

    /// Removes entries, each named by its score and member, from an entry-keyed set; entries
    /// not there are ignored.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - entries: The entries to remove; at least one.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: How many were removed, and the log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zremEntries(
        _ set: some Collection<UInt8>,
        _ entries: [SortedSetMember],
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.removeEntries(set: Array(set), entries: entries), timeout: timeout)
    }

    /// Removes one entry from many entry-keyed sets (undoing an entry-keyed fanout), as one log
    /// entry.
    /// - Parameters:
    ///   - sets: The sets' keys; 1 to 10,000 of them.
    ///   - member: The entry's member.
    ///   - score: The entry's score.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: How many sets held the entry, and the log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zremEntryFromMany(
        _ sets: [[UInt8]],
        member: some Collection<UInt8>,
        score: Double,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(
            .removeEntryFromMany(sets: sets, entry: SortedSetMember(member: Array(member), score: score)), timeout: timeout
        )
    }

    // MARK: - Both kinds

    /// Removes a whole sorted set, in constant time whatever its size.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: How many members it had (``SortedSetChanges/removed``), and the log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zdelete(_ set: some Collection<UInt8>, timeout: Duration? = nil) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.delete(set: Array(set)), timeout: timeout)
    }

    /// Keeps only the `maxLength` highest-scored members of a sorted set.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - maxLength: The members to keep; at least 1 (use ``zdelete(_:timeout:)`` to empty
    ///     a set).
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: How many members were dropped, and the log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func ztrim(_ set: some Collection<UInt8>, maxLength: UInt64, timeout: Duration? = nil) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.trim(set: Array(set), maxLength: maxLength), timeout: timeout)
    }

    /// Removes the members whose score is in `minimum ... maximum`, both inclusive (Redis
    /// `ZREMRANGEBYSCORE`). Pass `-.infinity` or `.infinity` for an open end.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - minimum: The lowest score removed.
    ///   - maximum: The highest score removed.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: How many members were removed, and the log index.
    /// - Throws: ``KeelError``; `CancellationError`.
    @discardableResult
    public func zremRangeByScore(
        _ set: some Collection<UInt8>,
        minimum: Double,
        maximum: Double,
        timeout: Duration? = nil
    ) async throws -> SortedSetChanges {
        try await self.writeSortedSet(.removeByScore(set: Array(set), minimum: minimum, maximum: maximum), timeout: timeout)
    }

    // MARK: - Reads

    /// The score of a member (Redis `ZSCORE`).
    /// - Parameters:
    ///   - set: The set's key.
    ///   - member: The member.
    ///   - consistency: How fresh the read must be; linearizable by default.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The score, or `nil` when the member is not in the set.
    /// - Throws: ``KeelError``; `CancellationError`.
    public func zscore(
        _ set: some Collection<UInt8>,
        member: some Collection<UInt8>,
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> Double? {
        let operation = SortedSetOperation.score(set: Array(set), member: Array(member), consistency: consistency.wireValue)
        guard case .score(let score, _) = try await self.readSortedSet(operation, consistency: consistency, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a sorted-set score result")
        }
        return score
    }

    /// The number of members of a sorted set (Redis `ZCARD`); 0 when it does not exist.
    /// - Parameters:
    ///   - set: The set's key.
    ///   - consistency: How fresh the read must be; linearizable by default.
    ///   - timeout: How long the call may take, retries included.
    /// - Throws: ``KeelError``; `CancellationError`.
    public func zcount(
        _ set: some Collection<UInt8>,
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> UInt64 {
        let operation = SortedSetOperation.count(set: Array(set), consistency: consistency.wireValue)
        guard case .count(let count, _) = try await self.readSortedSet(operation, consistency: consistency, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a sorted-set count result")
        }
        return count
    }

    /// One page of a sorted set.
    ///
    /// Page with cursors for a stable walk: members inserted between pages neither repeat nor
    /// hide members of later pages.
    /// ```swift
    /// var cursor: SortedSetCursor? = nil
    /// repeat {
    ///     let page = try await client.zrange(timeline, from: cursor.map { .after($0) } ?? .beginning, limit: 30)
    ///     show(page.members)
    ///     cursor = page.nextCursor
    /// } while cursor != nil
    /// ```
    /// - Parameters:
    ///   - set: The set's key.
    ///   - order: Newest (highest score) first by default, or oldest first.
    ///   - start: The beginning, right after a cursor, at a score bound, or after skipping an
    ///     offset (offsets shift under inserts; prefer cursors).
    ///   - limit: The most members to return: 1 to 10,000.
    ///   - consistency: How fresh the read must be; linearizable by default. Each page is a
    ///     separate read.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The members, the cursor of the next page (`nil` after the last), and the
    ///   serving node's applied index.
    /// - Throws: ``KeelError``; `CancellationError`.
    public func zrange(
        _ set: some Collection<UInt8>,
        order: SortedSetOrder = .newestFirst,
        from start: SortedSetRangeStart = .beginning,
        limit: UInt32,
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> SortedSetPage {
        let operation = SortedSetOperation.range(
            set: Array(set), order: order, start: start, limit: limit, consistency: consistency.wireValue
        )
        guard case .page(let page) = try await self.readSortedSet(operation, consistency: consistency, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a sorted-set page")
        }
        return page
    }

    /// One page merged by score across many sorted sets (fan-in on read, Roshi's coalesce): a
    /// member in several sets appears once per page.
    /// - Parameters:
    ///   - sets: The sets' keys; 1 to 1,000 of them.
    ///   - order: Newest (highest score) first by default, or oldest first.
    ///   - start: The beginning, right after a cursor, or at a score bound (not an offset).
    ///   - limit: The most members to return: 1 to 10,000.
    ///   - consistency: How fresh the read must be; linearizable by default.
    ///   - timeout: How long the call may take, retries included.
    /// - Returns: The members, the cursor of the next page (`nil` after the last), and the
    ///   serving node's applied index.
    /// - Throws: ``KeelError``; `CancellationError`.
    public func zmerged(
        _ sets: [[UInt8]],
        order: SortedSetOrder = .newestFirst,
        from start: SortedSetRangeStart = .beginning,
        limit: UInt32,
        consistency: ReadConsistency = .linearizable,
        timeout: Duration? = nil
    ) async throws -> SortedSetPage {
        let operation = SortedSetOperation.mergedRange(
            sets: sets, order: order, start: start, limit: limit, consistency: consistency.wireValue
        )
        guard case .page(let page) = try await self.readSortedSet(operation, consistency: consistency, timeout: timeout) else {
            throw KeelError.unexpectedResponse("expected a sorted-set page")
        }
        return page
    }

    // MARK: - Sending

    private func writeSortedSet(_ operation: SortedSetOperation, timeout: Duration?) async throws -> SortedSetChanges {
        try Self.changes(in: try await self.execute(.sortedSet(operation), route: .leader, timeout: timeout))
    }

    private func writeSortedSetCommitted(
        _ operation: SortedSetOperation, timeout: Duration?
    ) async throws -> CommittedWrite<SortedSetChanges> {
        try await self.executeCommitted(.sortedSet(operation), timeout: timeout, transform: Self.changes(in:))
    }

    private static func changes(in result: ClientResult) throws -> SortedSetChanges {
        guard case .sortedSet(.changes(let changes)) = result else {
            throw KeelError.unexpectedResponse("expected a sorted-set write result, got \(result)")
        }
        return changes
    }

    private func readSortedSet(
        _ operation: SortedSetOperation,
        consistency: ReadConsistency,
        timeout: Duration?
    ) async throws -> SortedSetResult {
        let result = try await self.execute(.sortedSet(operation), route: consistency.route, timeout: timeout)
        guard case .sortedSet(let sortedSet) = result else {
            throw KeelError.unexpectedResponse("expected a sorted-set result, got \(result)")
        }
        return sortedSet
    }
}
