extension Database {
    /// Visits the entries of a range in order, lending each key and value to `body` without
    /// copying; the bytes are valid only during the call.
    ///
    /// The iterator's status is checked at the end, so a scan cut short by an I/O error or
    /// corruption throws instead of looking like the end of the data. `body` must not close
    /// the database.
    /// - Parameters:
    ///   - columnFamily: the column family; `nil` is the default one.
    ///   - lowerBound: first key of the range (inclusive); `nil` for the beginning.
    ///   - upperBound: end of the range (exclusive); `nil` for the end.
    ///   - direction: forward from `lowerBound` or in reverse from `upperBound`.
    ///   - limit: visit at most this many entries; `nil` for no limit.
    ///   - snapshot: read as of this snapshot.
    ///   - body: called per entry; return `false` to stop early.
    /// - Throws: ``RocksDBError``, or what `body` throws.
    public func forEach(
        in columnFamily: ColumnFamily? = nil,
        from lowerBound: [UInt8]? = nil,
        to upperBound: [UInt8]? = nil,
        direction: ScanDirection = .forward,
        limit: Int? = nil,
        at snapshot: Snapshot? = nil,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let iterator = try makeIterator(
            in: columnFamily, lowerBound: lowerBound, upperBound: upperBound, at: snapshot
        )
        switch direction {
        case .forward: iterator.seekToFirst()
        case .reverse: iterator.seekToLast()
        }
        var remaining = limit ?? Int.max
        while remaining > 0, iterator.isValid {
            // nil (no entry) cannot happen here: the iterator was checked to be valid.
            guard try iterator.withEntry(body) ?? false else { break }
            remaining -= 1
            switch direction {
            case .forward: iterator.next()
            case .reverse: iterator.previous()
            }
        }
        try iterator.checkStatus()
    }

    /// Reads the entries of a range into an array; see
    /// ``forEach(in:from:to:direction:limit:at:_:)`` for the parameters.
    /// - Returns: copies of the entries, in scan order.
    /// - Throws: ``RocksDBError``.
    public func scan(
        in columnFamily: ColumnFamily? = nil,
        from lowerBound: [UInt8]? = nil,
        to upperBound: [UInt8]? = nil,
        direction: ScanDirection = .forward,
        limit: Int? = nil,
        at snapshot: Snapshot? = nil
    ) throws(RocksDBError) -> [KeyValuePair] {
        var entries: [KeyValuePair] = []
        do {
            try forEach(
                in: columnFamily, from: lowerBound, to: upperBound, direction: direction, limit: limit, at: snapshot
            ) { key, value in
                entries.append(KeyValuePair(key: Array(key), value: Array(value)))
                return true
            }
        } catch let error as RocksDBError {
            throw error
        } catch {
            // The body above throws nothing; only the iterator can fail.
            preconditionFailure("unexpected error from a scan: \(error)")
        }
        return entries
    }
}
