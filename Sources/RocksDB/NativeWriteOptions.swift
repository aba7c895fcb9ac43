import CRocksDB

/// Owns a `rocksdb_writeoptions_t`. A database prepares one per combination of
/// ``WriteOptions`` at open, so writes on the hot path allocate no options.
final class NativeWriteOptions: @unchecked Sendable {
    // Unchecked Sendable: configured in init, then only passed to RocksDB as a const pointer,
    // which may be shared by concurrent writes.
    let pointer: OpaquePointer

    init(_ options: WriteOptions) {
        pointer = rocksdb_writeoptions_create()
        rocksdb_writeoptions_set_sync(pointer, options.sync ? 1 : 0)
        rocksdb_writeoptions_disable_WAL(pointer, options.disableWAL ? 1 : 0)
    }

    deinit {
        rocksdb_writeoptions_destroy(pointer)
    }
}
