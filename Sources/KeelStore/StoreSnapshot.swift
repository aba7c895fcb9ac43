import RocksDB

/// A consistent, read-only view of the store at one applied index, on a RocksDB snapshot.
///
/// Every query of one view sees the same state, whatever is applied meanwhile. Views are cheap
/// but hold old versions of changed keys on disk while alive: take one per request
/// (``KeelStore/snapshot()`` shares one view between requests while nothing is written).
public final class StoreSnapshot: Sendable {
    private let database: Database
    private let snapshot: Snapshot
    private let data: ColumnFamily
    /// The index of the last entry applied in this view.
    public let appliedIndex: UInt64

    init(database: Database, data: ColumnFamily, meta: ColumnFamily) throws(RocksDBError) {
        self.database = database
        self.data = data
        snapshot = try database.makeSnapshot()
        appliedIndex = try database.get(MetaKey.appliedIndex, in: meta, at: snapshot).map { DataKey.uint64($0) } ?? 0
    }

    // MARK: Key-value pairs

    /// The value of `key`, or `nil` if absent.
    /// - Throws: ``StoreError`` for an invalid key, or `RocksDBError`.
    public func get(_ key: [UInt8]) throws -> [UInt8]? {
        try Command.checkKey(key)
        return try database.get(DataKey.value(key), in: data, at: snapshot)
    }

    /// The values of `keys`, in the same order, `nil` where a key is absent: every one from
    /// this view's state.
    /// - Parameter keys: 0 to ``StoreLimits/maxKeysPerGet`` keys; a key may repeat.
    /// - Throws: ``StoreError/tooManyKeys(count:)``, ``StoreError/emptyKey`` or
    ///   ``StoreError/keyTooLarge(size:)`` before reading anything;
    ///   ``StoreError/replyTooLarge(bytes:)`` once the values found pass
    ///   ``StoreLimits/maxGetManyValueBytes``; `RocksDBError`.
    public func getMany(_ keys: [[UInt8]]) throws -> [[UInt8]?] {
        guard keys.count <= StoreLimits.maxKeysPerGet else { throw StoreError.tooManyKeys(count: keys.count) }
        for key in keys {
            try Command.checkKey(key)
        }
        // One batched RocksDB lookup for all keys (a feed page resolves its 30 activities here).
        var packed: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(keys.count)
        var valueKey: [UInt8] = []
        for key in keys {
            DataKey.value(key, into: &valueKey)
            packed.append(contentsOf: valueKey)
            ends.append(packed.count)
        }
        var values = [[UInt8]?](repeating: nil, count: keys.count)
        var total = 0
        try database.withValues(ofPacked: packed, ends: ends, in: data, at: snapshot) { position, value in
            guard let value else { return }
            total += value.count
            guard total <= StoreLimits.maxGetManyValueBytes else { throw StoreError.replyTooLarge(bytes: total) }
            values[position] = Array(value)
        }
        return values
    }

    /// The pairs whose key starts with `prefix`, in key order, after `startAfter` if given.
    /// - Parameters:
    ///   - prefix: the key prefix; empty scans every key.
    ///   - startAfter: continue after this key (exclusive), e.g. a previous page's
    ///     ``ScanPage/nextStartAfter``.
    ///   - limit: at most this many pairs, 1 ... ``StoreLimits/maxPageLimit``.
    /// - Throws: ``StoreError/invalidLimit(_:)``, ``StoreError/keyTooLarge(size:)``, or `RocksDBError`.
    public func scan(prefix: [UInt8], startAfter: [UInt8]? = nil, limit: Int) throws -> ScanPage {
        try Self.checkLimit(limit)
        guard prefix.count <= StoreLimits.maxKeySize else { throw StoreError.keyTooLarge(size: prefix.count) }
        let lower = DataKey.value(prefix)
        let upper = DataKey.prefixEnd(lower)!
        let iterator = try database.makeIterator(in: data, lowerBound: lower, upperBound: upper, at: snapshot)
        if let startAfter, !startAfter.lexicographicallyPrecedes(prefix) {
            let position = DataKey.value(startAfter)
            iterator.seek(to: position)
            if iterator.key == position { iterator.next() }
        } else {
            iterator.seekToFirst()
        }
        var entries: [KeyValue] = []
        while entries.count < limit, iterator.isValid, let key = iterator.key, let value = iterator.value {
            entries.append(KeyValue(key: Array(key.dropFirst()), value: value))
            iterator.next()
        }
        try iterator.checkStatus()
        let more = entries.count == limit && iterator.isValid
        return ScanPage(entries: entries, nextStartAfter: more ? entries.last?.key : nil)
    }

    // MARK: Sorted sets

    /// The score of `member` in `set`, or `nil` if it is not a member.
    /// - Throws: ``StoreError`` for an invalid set or member, ``StoreError/wrongSetKind`` for an
    ///   entry-keyed set (which keeps no member index), or `RocksDBError`.
    public func score(of member: [UInt8], in set: [UInt8]) throws -> Double? {
        try Command.checkKey(set)
        try Command.checkMember(member)
        var key: [UInt8] = []
        DataKey.member(set, member, into: &key)
        if let value = try database.get(key, in: data, at: snapshot) {
            return OrderedScore.decode(try Self.uint64(of: value))
        }
        // Only an absent answer needs the kind: an entry-keyed set has no index to ask.
        guard try countRecord(of: set)?.kind != .entryKeyed else { throw StoreError.wrongSetKind }
        return nil
    }

    /// The number of members of `set` (0 if it does not exist).
    /// - Throws: ``StoreError`` for an invalid set, or `RocksDBError`.
    public func count(of set: [UInt8]) throws -> UInt64 {
        try Command.checkKey(set)
        return try countRecord(of: set)?.count ?? 0
    }

    /// The kind of `set`, or `nil` while it is empty (an empty set has no kind).
    /// - Throws: ``StoreError`` for an invalid set, or `RocksDBError`.
    public func kind(of set: [UInt8]) throws -> SetKind? {
        try Command.checkKey(set)
        return try countRecord(of: set)?.kind
    }

    private func countRecord(of set: [UInt8]) throws(RocksDBError) -> (count: UInt64, lowestScore: UInt64, kind: SetKind)? {
        var key: [UInt8] = []
        DataKey.count(set, into: &key)
        return try database.get(key, in: data, at: snapshot).map { value throws(RocksDBError) in
            guard let record = DataKey.countRecord(value) else { throw ApplyGroup.corruption("sorted-set count is \(value.count) bytes") }
            return record
        }
    }

    /// One page of `set` in `order` from `start`.
    /// - Parameters:
    ///   - set: the set.
    ///   - order: newest (highest score) or oldest first.
    ///   - start: the beginning, an exclusive cursor, a score bound or an offset.
    ///   - limit: at most this many members, 1 ... ``StoreLimits/maxPageLimit``.
    /// - Returns: the members and, if more follow, the cursor of the last one.
    /// - Throws: ``StoreError`` for invalid arguments, or `RocksDBError`.
    public func range(of set: [UInt8], order: RangeOrder, from start: RangeStart = .beginning, limit: Int) throws -> RangePage {
        try Command.checkKey(set)
        try Self.checkLimit(limit)
        try Self.checkStart(start, offsetAllowed: true)
        let cursor = try SetEntryCursor(database: database, data: data, snapshot: snapshot, set: set, order: order, start: start)
        var members: [ScoredMember] = []
        members.reserveCapacity(min(limit, 64))
        var last: ScoredEntry?
        var more = false
        try cursor.walk { entry in
            guard members.count < limit else {
                more = true
                return false
            }
            members.append(entry.scoredMember)
            last = entry
            return true
        }
        return RangePage(members: members, nextCursor: more ? last.map { RangeCursor(score: OrderedScore.decode($0.score), member: $0.member) } : nil)
    }

    /// One page merged across `sets` by score (fan-in on read), each member at most once per
    /// page: a k-way merge over one iterator per set.
    ///
    /// A member in several sets with the same score appears once. A member with different
    /// scores in different sets appears at its first position in the order; a later page
    /// may show it again at another score.
    /// - Parameters:
    ///   - sets: up to ``StoreLimits/maxMergedSets`` sets; repeated sets count once.
    ///   - order: newest (highest score) or oldest first.
    ///   - start: the beginning, an exclusive cursor or a score bound (not an offset).
    ///   - limit: at most this many members, 1 ... ``StoreLimits/maxPageLimit``.
    /// - Returns: the members and, if more follow, the cursor of the last one.
    /// - Throws: ``StoreError`` for invalid arguments, or `RocksDBError`.
    public func mergedRange(of sets: [[UInt8]], order: RangeOrder, from start: RangeStart = .beginning, limit: Int) throws -> RangePage {
        try Command.checkSets(sets, limit: StoreLimits.maxMergedSets)
        try Self.checkLimit(limit)
        try Self.checkStart(start, offsetAllowed: false)
        var sources: [SetEntryCursor] = []
        var heap = BinaryHeap<MergeHead>()
        var seenSets = Set<[UInt8]>()
        for set in sets where seenSets.insert(set).inserted {
            let cursor = try SetEntryCursor(database: database, data: data, snapshot: snapshot, set: set, order: order, start: start)
            if let entry = try cursor.current() {
                heap.insert(MergeHead(entry: entry, source: sources.count, descending: order == .newestFirst))
            }
            sources.append(cursor)
        }
        var members: [ScoredMember] = []
        var seenMembers = Set<[UInt8]>()
        var last: ScoredEntry?
        while members.count < limit, let head = heap.removeMinimum() {
            if seenMembers.insert(head.entry.member).inserted {
                members.append(head.entry.scoredMember)
                last = head.entry
            }
            let source = sources[head.source]
            source.advance()
            if let entry = try source.current() {
                heap.insert(MergeHead(entry: entry, source: head.source, descending: head.descending))
            }
        }
        // Copies of the last returned entry in other sets sit at the cursor itself, which the
        // next page excludes: they are not "more", so a page never ends with a cursor that
        // leads to an empty page.
        while let head = heap.minimum, head.entry == last {
            _ = heap.removeMinimum()
            let source = sources[head.source]
            source.advance()
            if let entry = try source.current() {
                heap.insert(MergeHead(entry: entry, source: head.source, descending: head.descending))
            }
        }
        let more = !heap.isEmpty
        return RangePage(members: members, nextCursor: more ? last.map { RangeCursor(score: OrderedScore.decode($0.score), member: $0.member) } : nil)
    }

    // MARK: Checks

    private static func checkLimit(_ limit: Int) throws(StoreError) {
        guard limit > 0, limit <= StoreLimits.maxPageLimit else { throw .invalidLimit(limit) }
    }

    private static func checkStart(_ start: RangeStart, offsetAllowed: Bool) throws(StoreError) {
        switch start {
        case .beginning:
            break
        case .after(let cursor):
            guard !cursor.score.isNaN else { throw .nanScore }
            try Command.checkMember(cursor.member)
        case .score(let score):
            guard !score.isNaN else { throw .nanScore }
        case .offset(let offset):
            guard offsetAllowed, offset >= 0, offset <= StoreLimits.maxRangeOffset else { throw .invalidOffset(offset) }
        }
    }

    private static func uint64(of value: [UInt8]) throws(RocksDBError) -> UInt64 {
        guard value.count == 8 else { throw ApplyGroup.corruption("expected 8 bytes, found \(value.count)") }
        return DataKey.uint64(value)
    }
}

/// The head of one set in a merged range, ordered so the heap's minimum comes first in the
/// requested order (ties between sets broken by set position, for a deterministic page).
private struct MergeHead: Comparable {
    var entry: ScoredEntry
    var source: Int
    var descending: Bool

    static func < (lhs: Self, rhs: Self) -> Bool {
        if lhs.entry != rhs.entry {
            return lhs.descending ? rhs.entry < lhs.entry : lhs.entry < rhs.entry
        }
        return lhs.source < rhs.source
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.entry == rhs.entry && lhs.source == rhs.source
    }
}
