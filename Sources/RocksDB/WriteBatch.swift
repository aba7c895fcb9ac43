import CRocksDB

/// Puts, deletes and range deletes, possibly across column families, that
/// ``Database/write(_:options:)`` applies atomically: all of them or none.
///
/// A batch is a builder used from one task at a time; it can be written more than once and
/// reused after ``clear()``. Operations on the default column family (`in: nil`) fit any
/// database; a batch that names other column families can only be written to their database
/// and is rejected as a whole if one of them was dropped meanwhile.
public final class WriteBatch {
    private let pointer: OpaquePointer
    /// Non-default column families the batch writes to, checked again when it is written.
    private var columnFamilies: [ColumnFamily] = []

    /// Creates an empty batch.
    public init() {
        pointer = rocksdb_writebatch_create()
    }

    deinit {
        rocksdb_writebatch_destroy(pointer)
    }

    /// The number of operations in the batch.
    public var count: Int {
        Int(rocksdb_writebatch_count(pointer))
    }

    /// Whether the batch holds no operation.
    public var isEmpty: Bool {
        count == 0
    }

    /// Removes every operation.
    public func clear() {
        rocksdb_writebatch_clear(pointer)
        columnFamilies.removeAll(keepingCapacity: true)
    }

    /// Adds a put of `value` under `key`.
    /// - Parameters:
    ///   - key: the key.
    ///   - value: the value; may be empty.
    ///   - columnFamily: the column family; `nil` is the default one.
    /// - Throws: ``RocksDBError/Kind/invalidColumnFamily`` if the column family was dropped or
    ///   belongs to another database than earlier operations.
    @inlinable
    public func put(_ key: some Collection<UInt8>, _ value: some Collection<UInt8>, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) {
        try withRawBytes(key) { (key) throws(RocksDBError) in
            try withRawBytes(value) { (value) throws(RocksDBError) in
                try put(key, value, in: columnFamily)
            }
        }
    }

    /// Adds a put of `value` under `key`, from raw buffers.
    /// - Throws: ``RocksDBError/Kind/invalidColumnFamily`` as for the collection variant.
    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) {
        try withColumnFamily(columnFamily) { handle in
            withCBytes(key) { key, keyLength in
                withCBytes(value) { value, valueLength in
                    if let handle {
                        rocksdb_writebatch_put_cf(pointer, handle, key, keyLength, value, valueLength)
                    } else {
                        rocksdb_writebatch_put(pointer, key, keyLength, value, valueLength)
                    }
                }
            }
        }
    }

    /// Adds a delete of `key`.
    /// - Throws: ``RocksDBError/Kind/invalidColumnFamily`` as for `put`.
    @inlinable
    public func delete(_ key: some Collection<UInt8>, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) {
        try withRawBytes(key) { (key) throws(RocksDBError) in try delete(key, in: columnFamily) }
    }

    /// Adds a delete of `key`, from a raw buffer.
    /// - Throws: ``RocksDBError/Kind/invalidColumnFamily`` as for `put`.
    public func delete(_ key: UnsafeRawBufferPointer, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) {
        try withColumnFamily(columnFamily) { handle in
            withCBytes(key) { key, keyLength in
                if let handle {
                    rocksdb_writebatch_delete_cf(pointer, handle, key, keyLength)
                } else {
                    rocksdb_writebatch_delete(pointer, key, keyLength)
                }
            }
        }
    }

    /// Adds a delete of every key in `start ..< end`.
    /// - Throws: ``RocksDBError/Kind/invalidColumnFamily`` as for `put`.
    @inlinable
    public func deleteRange(from start: some Collection<UInt8>, to end: some Collection<UInt8>, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) {
        try withRawBytes(start) { (start) throws(RocksDBError) in
            try withRawBytes(end) { (end) throws(RocksDBError) in
                try deleteRange(from: start, to: end, in: columnFamily)
            }
        }
    }

    /// Adds a delete of every key in `start ..< end`, from raw buffers.
    /// - Throws: ``RocksDBError/Kind/invalidColumnFamily`` as for `put`.
    public func deleteRange(from start: UnsafeRawBufferPointer, to end: UnsafeRawBufferPointer, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) {
        try withColumnFamily(columnFamily) { handle in
            withCBytes(start) { start, startLength in
                withCBytes(end) { end, endLength in
                    if let handle {
                        rocksdb_writebatch_delete_range_cf(pointer, handle, start, startLength, end, endLength)
                    } else {
                        rocksdb_writebatch_delete_range(pointer, start, startLength, end, endLength)
                    }
                }
            }
        }
    }

    /// Runs `body` with the column family's live handle (`nil` for the default family),
    /// holding its database's read lock so the handle cannot be freed meanwhile.
    private func withColumnFamily(_ columnFamily: ColumnFamily?, _ body: (OpaquePointer?) -> Void) throws(RocksDBError) {
        guard let columnFamily else {
            body(nil)
            return
        }
        if let first = columnFamilies.first, first.database !== columnFamily.database {
            throw RocksDBError(kind: .invalidColumnFamily, message: "a write batch cannot span two databases")
        }
        try columnFamily.database.lock.withReadLock { () throws(RocksDBError) in
            body(try columnFamily.liveHandle(in: columnFamily.database))
        }
        if !columnFamilies.contains(where: { $0 === columnFamily }) {
            columnFamilies.append(columnFamily)
        }
    }

    /// Applies the batch; called by ``Database/write(_:options:)`` with the read lock held.
    func write(to database: OpaquePointer, of owner: NativeDatabase, options: OpaquePointer) throws(RocksDBError) {
        // Checked before writing because RocksDB (7.8) does not: given a dropped family it
        // reports "Invalid column family specified in write batch" yet keeps the operations on
        // the other families, and a family of another database silently writes into whichever
        // family has the same id there. Dropping takes the write lock, so no drop can slip in
        // between this check and the write.
        for columnFamily in columnFamilies {
            _ = try columnFamily.liveHandle(in: owner)
        }
        try throwingRocksDBError { rocksdb_write(database, options, pointer, $0) }
    }
}
