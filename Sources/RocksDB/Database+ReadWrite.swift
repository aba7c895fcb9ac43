import CRocksDB

extension Database {
    // MARK: Point reads

    /// Reads the value of `key`.
    /// - Parameters:
    ///   - key: the key.
    ///   - columnFamily: the column family; `nil` is the default one.
    ///   - snapshot: read as of this snapshot; `nil` reads the latest data.
    /// - Returns: a copy of the value (`[]` for an empty value), or `nil` if the key is absent.
    /// - Throws: ``RocksDBError``.
    @inlinable
    public func get(_ key: some Collection<UInt8>, in columnFamily: ColumnFamily? = nil, at snapshot: Snapshot? = nil) throws(RocksDBError) -> [UInt8]? {
        try withRawBytes(key) { (key) throws(RocksDBError) in try get(key, in: columnFamily, at: snapshot) }
    }

    /// Reads the value of `key` given as a raw buffer; see the collection variant.
    /// - Throws: ``RocksDBError``.
    public func get(_ key: UnsafeRawBufferPointer, in columnFamily: ColumnFamily? = nil, at snapshot: Snapshot? = nil) throws(RocksDBError) -> [UInt8]? {
        try withPinnedValue(key, in: columnFamily, at: snapshot) { Array($0) }
    }

    /// Lends the value of `key` to `body` without copying it out of RocksDB (the bytes may be
    /// pinned in the block cache), for reads that only decode or compare the value.
    ///
    /// `body` must not close the database.
    /// - Returns: what `body` returns, or `nil` if the key is absent.
    /// - Throws: ``RocksDBError``, or what `body` throws.
    @inlinable
    public func withValue<Result>(
        of key: some Collection<UInt8>,
        in columnFamily: ColumnFamily? = nil,
        at snapshot: Snapshot? = nil,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        try withRawBytes(key) { (key) throws in try withValue(of: key, in: columnFamily, at: snapshot, body) }
    }

    /// Lends the value of a raw-buffer `key` to `body`; see the collection variant.
    /// - Throws: ``RocksDBError``, or what `body` throws.
    public func withValue<Result>(
        of key: UnsafeRawBufferPointer,
        in columnFamily: ColumnFamily? = nil,
        at snapshot: Snapshot? = nil,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        let outcome = try withPinnedValue(key, in: columnFamily, at: snapshot) { value in
            Swift.Result { try body(value) }
        }
        return try outcome?.get()
    }

    private func withPinnedValue<Result>(
        _ key: UnsafeRawBufferPointer,
        in columnFamily: ColumnFamily?,
        at snapshot: Snapshot?,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(RocksDBError) -> Result? {
        try native.withOpenDatabase { database throws(RocksDBError) -> Result? in
            let family = try handle(of: columnFamily)
            let options = try readOptions(at: snapshot)
            // A pinnable slice avoids RocksDB's malloc'd copy: the only copy is the caller's.
            let slice = try withCBytes(key) { key, keyLength throws(RocksDBError) in
                try throwingRocksDBError { rocksdb_get_pinned_cf(database, options, family, key, keyLength, $0) }
            }
            guard let slice else { return nil }
            defer { rocksdb_pinnableslice_destroy(slice) }
            var length = 0
            let bytes = rocksdb_pinnableslice_value(slice, &length)
            return body(UnsafeRawBufferPointer(start: bytes, count: length))
        }
    }

    // MARK: Writes

    /// Stores `value` under `key`.
    /// - Parameters:
    ///   - key: the key.
    ///   - value: the value; may be empty.
    ///   - columnFamily: the column family; `nil` is the default one.
    ///   - options: durability of the write.
    /// - Throws: ``RocksDBError``.
    @inlinable
    public func put(_ key: some Collection<UInt8>, _ value: some Collection<UInt8>, in columnFamily: ColumnFamily? = nil, options: WriteOptions = WriteOptions()) throws(RocksDBError) {
        try withRawBytes(key) { (key) throws(RocksDBError) in
            try withRawBytes(value) { (value) throws(RocksDBError) in
                try put(key, value, in: columnFamily, options: options)
            }
        }
    }

    /// Stores `value` under `key`, both raw buffers.
    /// - Throws: ``RocksDBError``.
    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in columnFamily: ColumnFamily? = nil, options: WriteOptions = WriteOptions()) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            let writeOptions = nativeWriteOptions(options)
            try withCBytes(key) { key, keyLength throws(RocksDBError) in
                try withCBytes(value) { value, valueLength throws(RocksDBError) in
                    try throwingRocksDBError {
                        rocksdb_put_cf(database, writeOptions, family, key, keyLength, value, valueLength, $0)
                    }
                }
            }
        }
    }

    /// Deletes `key`; deleting an absent key is not an error.
    /// - Throws: ``RocksDBError``.
    @inlinable
    public func delete(_ key: some Collection<UInt8>, in columnFamily: ColumnFamily? = nil, options: WriteOptions = WriteOptions()) throws(RocksDBError) {
        try withRawBytes(key) { (key) throws(RocksDBError) in try delete(key, in: columnFamily, options: options) }
    }

    /// Deletes a raw-buffer `key`.
    /// - Throws: ``RocksDBError``.
    public func delete(_ key: UnsafeRawBufferPointer, in columnFamily: ColumnFamily? = nil, options: WriteOptions = WriteOptions()) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            let writeOptions = nativeWriteOptions(options)
            try withCBytes(key) { key, keyLength throws(RocksDBError) in
                try throwingRocksDBError { rocksdb_delete_cf(database, writeOptions, family, key, keyLength, $0) }
            }
        }
    }

    /// Deletes every key in `start ..< end` with one range tombstone, whatever the number of keys.
    /// - Throws: ``RocksDBError``.
    @inlinable
    public func deleteRange(from start: some Collection<UInt8>, to end: some Collection<UInt8>, in columnFamily: ColumnFamily? = nil, options: WriteOptions = WriteOptions()) throws(RocksDBError) {
        try withRawBytes(start) { (start) throws(RocksDBError) in
            try withRawBytes(end) { (end) throws(RocksDBError) in
                try deleteRange(from: start, to: end, in: columnFamily, options: options)
            }
        }
    }

    /// Deletes every key in `start ..< end`, both raw buffers.
    /// - Throws: ``RocksDBError``.
    public func deleteRange(from start: UnsafeRawBufferPointer, to end: UnsafeRawBufferPointer, in columnFamily: ColumnFamily? = nil, options: WriteOptions = WriteOptions()) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            let writeOptions = nativeWriteOptions(options)
            try withCBytes(start) { start, startLength throws(RocksDBError) in
                try withCBytes(end) { end, endLength throws(RocksDBError) in
                    try throwingRocksDBError {
                        rocksdb_delete_range_cf(database, writeOptions, family, start, startLength, end, endLength, $0)
                    }
                }
            }
        }
    }

    /// Applies every operation of `batch` atomically: after a crash or an error, either all of
    /// them are visible or none is.
    /// - Parameters:
    ///   - batch: the operations; unchanged by the write.
    ///   - options: durability; `WriteOptions(sync: true)` fsyncs the log before returning.
    /// - Throws: ``RocksDBError``, including ``RocksDBError/Kind/invalidColumnFamily`` when the
    ///   batch names a column family that was dropped or belongs to another database; nothing
    ///   is written then.
    public func write(_ batch: WriteBatch, options: WriteOptions = WriteOptions()) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            try batch.write(to: database, of: native, options: nativeWriteOptions(options))
        }
    }

    // MARK: Snapshots and iterators

    /// The sequence number of the newest write. Every write, range delete and ingestion that
    /// RocksDB numbers raises it, so a reader can tell that nothing was written since it last
    /// looked (files ingested without a new number are the exception; see
    /// ``ingest(files:into:options:)``).
    /// - Throws: ``RocksDBError/Kind/closed``.
    public func latestSequenceNumber() throws(RocksDBError) -> UInt64 {
        try native.withOpenDatabase { database in rocksdb_get_latest_sequence_number(database) }
    }

    /// Takes a snapshot of the current state for consistent reads.
    /// - Throws: ``RocksDBError/Kind/closed``.
    public func makeSnapshot() throws(RocksDBError) -> Snapshot {
        try native.withOpenDatabase { database throws(RocksDBError) in
            guard let pointer = rocksdb_create_snapshot(database) else {
                throw RocksDBError(kind: .other, message: "rocksdb_create_snapshot returned no snapshot")
            }
            let snapshot = NativeSnapshot(pointer: pointer)
            native.register(snapshot)
            return Snapshot(database: self, native: snapshot)
        }
    }

    /// Creates an iterator over a column family. Call a seek method before reading.
    /// - Parameters:
    ///   - columnFamily: the column family; `nil` is the default one.
    ///   - lowerBound: the smallest key the iterator may visit (inclusive); `nil` for none.
    ///   - upperBound: the key before which the iterator stops (exclusive); `nil` for none.
    ///   - snapshot: read as of this snapshot; `nil` reads the state at creation.
    ///   - fillCache: whether blocks read by the scan enter the block cache (turn off for
    ///     one-off bulk scans).
    /// - Throws: ``RocksDBError``.
    public func makeIterator(
        in columnFamily: ColumnFamily? = nil,
        lowerBound: [UInt8]? = nil,
        upperBound: [UInt8]? = nil,
        at snapshot: Snapshot? = nil,
        fillCache: Bool = true
    ) throws(RocksDBError) -> Iterator {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            let snapshotPointer: OpaquePointer?
            if let snapshot {
                _ = try snapshot.liveReadOptions(in: self)
                snapshotPointer = snapshot.native.pointer
            } else {
                snapshotPointer = nil
            }
            let options = NativeReadOptions(
                snapshot: snapshotPointer, lowerBound: lowerBound, upperBound: upperBound, fillCache: fillCache
            )
            guard let pointer = rocksdb_create_iterator_cf(database, options.pointer, family) else {
                throw RocksDBError(kind: .other, message: "rocksdb_create_iterator_cf returned no iterator")
            }
            let iterator = NativeIterator(pointer: pointer, readOptions: options)
            native.register(iterator)
            return Iterator(database: self, snapshot: snapshot, native: iterator)
        }
    }
}
