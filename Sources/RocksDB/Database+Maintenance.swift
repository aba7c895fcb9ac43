import CRocksDB

extension Database {
    // MARK: Checkpoints and ingestion

    /// Writes an openable copy of the database to `directory` (hard links for SST files when
    /// on the same file system, so it is cheap). The directory must not exist yet.
    /// - Parameters:
    ///   - directory: where the checkpoint goes; ``Database/init(path:options:columnFamilies:)``
    ///     opens it as a database with the same data.
    ///   - logSizeForFlush: flush memtables first unless the WAL is smaller than this many
    ///     bytes; 0 always flushes, which keeps the checkpoint free of WAL replay.
    /// - Throws: ``RocksDBError``.
    public func createCheckpoint(at directory: String, logSizeForFlush: UInt64 = 0) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            // The checkpoint object only lives for this call, under the read lock.
            guard let checkpoint = try throwingRocksDBError({ rocksdb_checkpoint_object_create(database, $0) }) else {
                throw RocksDBError(kind: .other, message: "rocksdb_checkpoint_object_create returned no object")
            }
            defer { rocksdb_checkpoint_object_destroy(checkpoint) }
            try throwingRocksDBError { rocksdb_checkpoint_create(checkpoint, directory, logSizeForFlush, $0) }
        }
    }

    /// Adds SST files (written with ``SSTFileWriter``) to a column family atomically.
    /// - Parameters:
    ///   - files: paths of the files; their key ranges must not overlap each other.
    ///   - columnFamily: the column family; `nil` is the default one.
    ///   - options: how the files are added.
    /// - Throws: ``RocksDBError``.
    public func ingest(files: [String], into columnFamily: ColumnFamily? = nil, options: IngestOptions = IngestOptions()) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            let ingestOptions = rocksdb_ingestexternalfileoptions_create()
            defer { rocksdb_ingestexternalfileoptions_destroy(ingestOptions) }
            rocksdb_ingestexternalfileoptions_set_move_files(ingestOptions, options.moveFiles ? 1 : 0)
            rocksdb_ingestexternalfileoptions_set_snapshot_consistency(ingestOptions, options.snapshotConsistency ? 1 : 0)
            rocksdb_ingestexternalfileoptions_set_allow_global_seqno(ingestOptions, options.allowGlobalSequenceNumber ? 1 : 0)
            rocksdb_ingestexternalfileoptions_set_allow_blocking_flush(ingestOptions, options.allowBlockingFlush ? 1 : 0)
            try withCStringArray(files) { paths throws(RocksDBError) in
                try throwingRocksDBError {
                    rocksdb_ingest_external_file_cf(database, family, paths, files.count, ingestOptions, $0)
                }
            }
        }
    }

    // MARK: Properties, flush, compaction

    /// A RocksDB property such as `rocksdb.estimate-num-keys` or `rocksdb.stats`.
    /// - Returns: the value, or `nil` if RocksDB does not know the property.
    /// - Throws: ``RocksDBError``.
    public func property(_ name: String, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) -> String? {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            guard let value = rocksdb_property_value_cf(database, family, name) else { return nil }
            defer { rocksdb_free(value) }
            return String(cString: value)
        }
    }

    /// A numeric RocksDB property such as `rocksdb.estimate-num-keys`.
    /// - Returns: the value, or `nil` if the property is unknown or not numeric.
    /// - Throws: ``RocksDBError``.
    public func integerProperty(_ name: String, in columnFamily: ColumnFamily? = nil) throws(RocksDBError) -> UInt64? {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            var value: UInt64 = 0
            return rocksdb_property_int_cf(database, family, name, &value) == 0 ? value : nil
        }
    }

    /// Writes a column family's memtable to an SST file.
    /// - Parameters:
    ///   - columnFamily: the column family; `nil` is the default one.
    ///   - wait: return only when the flush has finished.
    /// - Throws: ``RocksDBError``.
    public func flush(_ columnFamily: ColumnFamily? = nil, wait: Bool = true) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            let flushOptions = rocksdb_flushoptions_create()
            defer { rocksdb_flushoptions_destroy(flushOptions) }
            rocksdb_flushoptions_set_wait(flushOptions, wait ? 1 : 0)
            try throwingRocksDBError { rocksdb_flush_cf(database, flushOptions, family, $0) }
        }
    }

    /// Writes buffered write-ahead-log data to the file, and fsyncs it if `sync` is set: makes
    /// earlier non-sync writes durable in one call (group commit).
    /// - Throws: ``RocksDBError``.
    public func flushWAL(sync: Bool = true) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            try throwingRocksDBError { rocksdb_flush_wal(database, sync ? 1 : 0, $0) }
        }
    }

    /// Compacts the keys in `start ..< end` (either end `nil` for open), dropping deleted and
    /// overwritten data; blocks until done.
    /// - Throws: ``RocksDBError/Kind/closed`` or ``RocksDBError/Kind/invalidColumnFamily``.
    public func compactRange(in columnFamily: ColumnFamily? = nil, from start: [UInt8]? = nil, to end: [UInt8]? = nil) throws(RocksDBError) {
        try native.withOpenDatabase { database throws(RocksDBError) in
            let family = try handle(of: columnFamily)
            // A nil C pointer means an open end, so the optional is passed through as such.
            withOptionalCBytes(start) { start, startLength in
                withOptionalCBytes(end) { end, endLength in
                    rocksdb_compact_range_cf(database, family, start, startLength, end, endLength)
                }
            }
        }
    }
}

/// Gives `body` a C pointer for `bytes`, or nil (meaning "unbounded" to RocksDB) if `bytes` is nil.
private func withOptionalCBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafePointer<CChar>?, Int) -> Result) -> Result {
    guard let bytes else { return body(nil, 0) }
    return bytes.withUnsafeBytes { buffer in withCBytes(buffer) { body($0, $1) } }
}
