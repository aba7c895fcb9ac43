import CRocksDB

/// Writes a sorted string table (SST) file outside any database, to be added later with
/// ``Database/ingest(files:into:options:)``: the fast way to load many keys at once.
///
/// Keys must be added in strictly ascending bytewise order. Call ``finish()`` once; the file
/// is incomplete before that.
public final class SSTFileWriter {
    private let pointer: OpaquePointer

    /// Creates the file at `path`.
    /// - Parameters:
    ///   - path: the file to write; overwritten if it exists.
    ///   - options: table options (compression, block size) for the file; use the target
    ///     database's options.
    /// - Throws: ``RocksDBError``, e.g. ``RocksDBError/Kind/ioError`` if the file cannot be created.
    public init(path: String, options: Database.Options = Database.Options()) throws(RocksDBError) {
        let nativeOptions = NativeOptions(options)
        let environment = rocksdb_envoptions_create()
        defer { rocksdb_envoptions_destroy(environment) }
        // The writer copies both option objects.
        let writer = rocksdb_sstfilewriter_create(environment, nativeOptions.pointer)!
        do throws(RocksDBError) {
            try throwingRocksDBError { rocksdb_sstfilewriter_open(writer, path, $0) }
        } catch {
            rocksdb_sstfilewriter_destroy(writer)
            throw error
        }
        pointer = writer
    }

    deinit {
        rocksdb_sstfilewriter_destroy(pointer)
    }

    /// Adds `key` with `value`; `key` must sort after every key added before.
    /// - Throws: ``RocksDBError``, e.g. ``RocksDBError/Kind/invalidArgument`` for a key out of order.
    @inlinable
    public func put(_ key: some Collection<UInt8>, _ value: some Collection<UInt8>) throws(RocksDBError) {
        try withRawBytes(key) { (key) throws(RocksDBError) in
            try withRawBytes(value) { (value) throws(RocksDBError) in try put(key, value) }
        }
    }

    /// Adds `key` with `value`, both raw buffers.
    /// - Throws: ``RocksDBError``.
    public func put(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws(RocksDBError) {
        try withCBytes(key) { key, keyLength throws(RocksDBError) in
            try withCBytes(value) { value, valueLength throws(RocksDBError) in
                try throwingRocksDBError { rocksdb_sstfilewriter_put(pointer, key, keyLength, value, valueLength, $0) }
            }
        }
    }

    /// Adds a deletion of `key`, which hides older versions once the file is ingested.
    /// - Throws: ``RocksDBError``.
    @inlinable
    public func delete(_ key: some Collection<UInt8>) throws(RocksDBError) {
        try withRawBytes(key) { (key) throws(RocksDBError) in try delete(key) }
    }

    /// Adds a deletion of a raw-buffer `key`.
    /// - Throws: ``RocksDBError``.
    public func delete(_ key: UnsafeRawBufferPointer) throws(RocksDBError) {
        try withCBytes(key) { key, keyLength throws(RocksDBError) in
            try throwingRocksDBError { rocksdb_sstfilewriter_delete(pointer, key, keyLength, $0) }
        }
    }

    /// Adds a range deletion of `start ..< end`.
    /// - Throws: ``RocksDBError``.
    @inlinable
    public func deleteRange(from start: some Collection<UInt8>, to end: some Collection<UInt8>) throws(RocksDBError) {
        try withRawBytes(start) { (start) throws(RocksDBError) in
            try withRawBytes(end) { (end) throws(RocksDBError) in try deleteRange(from: start, to: end) }
        }
    }

    /// Adds a range deletion of `start ..< end`, both raw buffers.
    /// - Throws: ``RocksDBError``.
    public func deleteRange(from start: UnsafeRawBufferPointer, to end: UnsafeRawBufferPointer) throws(RocksDBError) {
        try withCBytes(start) { start, startLength throws(RocksDBError) in
            try withCBytes(end) { end, endLength throws(RocksDBError) in
                try throwingRocksDBError {
                    rocksdb_sstfilewriter_delete_range(pointer, start, startLength, end, endLength, $0)
                }
            }
        }
    }

    /// The size of the file written so far, in bytes.
    public var fileSize: UInt64 {
        var size: UInt64 = 0
        rocksdb_sstfilewriter_file_size(pointer, &size)
        return size
    }

    /// Completes the file; nothing can be added afterwards.
    /// - Throws: ``RocksDBError``, e.g. ``RocksDBError/Kind/invalidArgument`` for an empty file.
    public func finish() throws(RocksDBError) {
        try throwingRocksDBError { rocksdb_sstfilewriter_finish(pointer, $0) }
    }
}
