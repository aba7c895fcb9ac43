import RocksDB

/// Walks one sorted set's member entries at a snapshot, in either order, from a
/// ``RangeStart``: the building block of single-set and merged ranges.
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
            if order == .oldestFirst {
                // Start at the set's lowest-score bound: trimming leaves deleted entries at the
                // head of the set, which a seek to its first key would have to step over.
                var countKey: [UInt8] = []
                DataKey.count(set, into: &countKey)
                let lowest = try database.get(countKey, in: data, at: snapshot)
                    .flatMap { $0.count == DataKey.countValueSize ? DataKey.uint64($0, at: 8) : nil }
                var position = prefix
                DataKey.appendUInt64(lowest ?? 0, to: &position)
                iterator.seek(to: position)
            } else {
                iterator.seekToLast()
            }
            guard case .offset(let offset) = start else { break }
            for _ in 0..<offset where iterator.isValid {
                advance()
            }
        case .after(let cursor):
            var position = prefix
            DataKey.appendUInt64(OrderedScore.encode(cursor.score), to: &position)
            position.append(contentsOf: cursor.member)
            if order == .oldestFirst {
                iterator.seek(to: position)
            } else {
                iterator.seekForPrev(position)
            }
            // The cursor is exclusive: step over the member it names if it is still there.
            if iterator.key == position { advance() }
        case .score(let score):
            let encoded = OrderedScore.encode(score)
            var position = prefix
            if order == .oldestFirst {
                DataKey.appendUInt64(encoded, to: &position)
                iterator.seek(to: position)
            } else {
                // The last entry below the first key of the next score: seekForPrev would stop
                // at that exact key, which belongs to a higher score, hence the check.
                DataKey.appendUInt64(encoded + 1, to: &position)
                iterator.seekForPrev(position)
                if iterator.key == position { advance() }
            }
        }
    }

    /// The entry at the cursor, or `nil` at the end.
    /// - Throws: `RocksDBError` if the iterator stopped on an error.
    func current() throws(RocksDBError) -> ScoredEntry? {
        let entry = iterator.withKey { key -> ScoredEntry? in
            guard key.count >= prefixLength + 8 else { return nil }
            return ScoredEntry(
                score: DataKey.uint64(key, at: prefixLength),
                member: Array(UnsafeRawBufferPointer(rebasing: key[(prefixLength + 8)...]))
            )
        }
        guard let entry, let entry else {
            try iterator.checkStatus()
            return nil
        }
        return entry
    }

    func advance() {
        order == .oldestFirst ? iterator.next() : iterator.previous()
    }
}
