import RocksDB

/// Walks one sorted set's member entries at a snapshot, in either order, from a
/// ``RangeStart``: the building block of single-set and merged ranges.
///
/// RocksDB holds a set's entries newest first (``DataKey/entry(_:score:member:into:)``), so a
/// newest-first walk moves forward and an oldest-first walk backward.
final class SetEntryCursor {
    private let iterator: Iterator
    private let prefixLength: Int
    private let order: RangeOrder

    init(database: Database, data: ColumnFamily, snapshot: Snapshot, set: [UInt8], order: RangeOrder, start: RangeStart) throws(RocksDBError) {
        let prefix = DataKey.setPrefix(DataKey.entryTag, set)
        prefixLength = prefix.count
        self.order = order
        iterator = try database.makeIterator(in: data, lowerBound: prefix, upperBound: DataKey.prefixEnd(prefix)!, at: snapshot)
        switch start {
        case .beginning, .offset:
            if order == .newestFirst {
                iterator.seekToFirst()
            } else {
                // Start right after the set's lowest-score bound: trimming leaves deleted
                // entries at the oldest end of the set, which a walk from the set's last key
                // would have to step over.
                var countKey: [UInt8] = []
                DataKey.count(set, into: &countKey)
                let lowest = try database.get(countKey, in: data, at: snapshot)
                    .flatMap { DataKey.countRecord($0)?.lowestScore }
                iterator.seekForPrev(DataKey.entriesEnd(scoredAtLeast: lowest ?? 0, prefix: prefix))
            }
            guard case .offset(let offset) = start else { break }
            for _ in 0..<offset where iterator.isValid {
                advance()
            }
        case .after(let cursor):
            var position = prefix
            DataKey.appendEntrySuffix(score: OrderedScore.encode(cursor.score), member: cursor.member, to: &position)
            if order == .newestFirst {
                iterator.seek(to: position)
            } else {
                iterator.seekForPrev(position)
            }
            // The cursor is exclusive: step over the member it names if it is still there.
            if iterator.key == position { advance() }
        case .score(let score):
            let encoded = OrderedScore.encode(score)
            if order == .newestFirst {
                // The first entry with a complemented score at or above ~score: score at most `score`.
                var position = prefix
                DataKey.appendUInt64(~encoded, to: &position)
                iterator.seek(to: position)
            } else {
                // No entry key equals this position (every key has a member terminator after
                // the score), so the seek stops at the lowest member scored at least `score`.
                iterator.seekForPrev(DataKey.entriesEnd(scoredAtLeast: encoded, prefix: prefix))
            }
        }
    }

    /// The entry at the cursor, or `nil` at the end.
    /// - Throws: `RocksDBError` if the iterator stopped on an error or found a malformed key.
    func current() throws(RocksDBError) -> ScoredEntry? {
        let prefixLength = prefixLength
        let entry = iterator.withKey { key in DataKey.entryContents(of: key, prefixLength: prefixLength) }
        switch entry {
        case .none:
            try iterator.checkStatus()
            return nil
        case .some(.none):
            throw ApplyGroup.corruption("malformed member entry key")
        case .some(.some(let entry)):
            return entry
        }
    }

    /// Lends the entries from the cursor on, in the cursor's order, to `body` until it returns
    /// `false` (the cursor then stays at that entry) or the set ends; one lock of the database
    /// for the whole walk rather than two per entry (``current()`` and ``advance()``).
    /// - Throws: `RocksDBError` if the iterator stopped on an error or found a malformed key.
    func walk(_ body: (ScoredEntry) -> Bool) throws(RocksDBError) {
        let prefixLength = prefixLength
        try iterator.walk(order == .newestFirst ? .forward : .reverse) { key throws(RocksDBError) in
            guard let entry = DataKey.entryContents(of: key, prefixLength: prefixLength) else {
                throw ApplyGroup.corruption("malformed member entry key")
            }
            return body(entry)
        }
        if !iterator.isValid {
            try iterator.checkStatus()
        }
    }

    func advance() {
        order == .newestFirst ? iterator.next() : iterator.previous()
    }
}
